// SPDX-License-Identifier: Apache-2.0
// The one translation unit of the actor tests that defines main (CAF's
// header-only unit test framework). Suites live in the other files.
#include <caf/test/unit_test_impl.hpp>
