// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/history/track_query.hpp"

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

/// Splits the path of `target` (any query dropped) into decoded segments;
/// a path that does not start with '/' is refused (`invalid_argument`).
/// Splitting comes first (RFC 3986 §2.4), so "%2F" stays inside its
/// segment; '+' is a literal plus in paths. @returns false with `error` set
/// when a segment cannot be decoded into UTF-8 text.
bool split_path(std::string_view target, path_segments& out, path_error& error);

/// The decoded values of a route pattern's {parameters}, by name.
class route_params {
public:
  void clear() { values_.clear(); }
  void add(std::string_view name, std::string value) {
    values_.emplace_back(std::string(name), std::move(value));
  }
  /// The value of `name`; empty when the pattern has no such parameter.
  const std::string& operator[](std::string_view name) const;

private:
  std::vector<std::pair<std::string, std::string>> values_;
};

/// Matches `path` (split_path's segments) against a route pattern such as
/// "/cameras/{camera_id}/latest.jpg". A literal segment matches itself; a
/// `{name}` matches one non-empty segment; a `{name+}` (at most one per
/// pattern) matches one or more segments, joined with '/' in its value, so
/// an id that holds a '/' matches written raw or escaped. Stores the
/// parameters in `params` and returns true on a match.
bool match_route_pattern(std::string_view pattern, const path_segments& path,
                         route_params& params);

} // namespace argus
