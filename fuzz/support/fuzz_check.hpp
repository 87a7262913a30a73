// SPDX-License-Identifier: Apache-2.0
// Invariant checks for the fuzz targets. A failed check aborts, which
// libFuzzer reports as a crash and saves the input, exactly like a
// sanitizer finding: a wrong answer is a bug as much as a wild read.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, ...)                                                  \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n  ", __FILE__,     \
                   __LINE__, #cond);                                           \
      std::fprintf(stderr, __VA_ARGS__);                                       \
      std::fprintf(stderr, "\n");                                              \
      std::abort();                                                            \
    }                                                                          \
  } while (false)
