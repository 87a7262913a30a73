// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/track_query.hpp"

#include <string>

namespace argus {

/// Decodes %XX escapes (and '+' as space when `plus_is_space`). @returns
/// false on a malformed escape or a decoded NUL byte.
bool percent_decode(const std::string& in, std::string& out,
                    bool plus_is_space);

/// Splits and decodes the query string of a request target ("/p?a=1&b=x").
/// @returns false with `error` naming the bad part on malformed input.
bool parse_query(const std::string& target, query_params& out,
                 std::string& error);

} // namespace argus
