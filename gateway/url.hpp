// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/track_query.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace argus {

/// Decodes %XX escapes (and '+' as space when `plus_is_space`). @returns
/// false on a malformed escape or a decoded NUL byte.
bool percent_decode(const std::string& in, std::string& out,
                    bool plus_is_space);

/// Splits and decodes the query string of a request target ("/p?a=1&b=x").
/// @returns false with `error` naming the bad part on malformed input.
bool parse_query(const std::string& target, query_params& out,
                 std::string& error);

/// The path of a request target split on '/' with every segment
/// percent-decoded once: "/tracks/cam_01%2F17?x=1" is {"tracks",
/// "cam_01/17"}. The leading '/' opens no segment; a trailing one leaves an
/// empty last segment ("/sessions/" is {"sessions", ""}).
using path_segments = std::vector<std::string>;

/// Why a path was refused: a wire error code (`invalid_argument` for a
/// malformed escape or a decoded NUL, `invalid_utf8` for decoded bytes
/// that are not text) and a detail for the client; both map to 400.
struct path_error {
  std::string code;
  std::string detail;
};

/// Splits the path of `target` (any query dropped) into decoded segments.
/// Splitting comes first (RFC 3986 §2.4), so "%2F" stays inside its
/// segment; '+' is a literal plus in paths. @returns false with `error` set
/// when a segment cannot be decoded into UTF-8 text.
bool split_path(std::string_view target, path_segments& out, path_error& error);

/// If `path` (split_path's segments) is "/ws/<kind>/<id>" with a non-empty
/// id, stores the id (decoded by split_path) and returns true. Callers
/// split the target once and answer a malformed one before matching.
bool match_ws_path(const path_segments& path, std::string_view kind,
                   std::string& id);

} // namespace argus
