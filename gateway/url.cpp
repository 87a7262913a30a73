// SPDX-License-Identifier: Apache-2.0
#include "gateway/url.hpp"

#include "core/text.hpp"

namespace argus {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Where decoding stopped early: at the '%' of a malformed escape or of
/// one that decodes to NUL; `at` is npos when the whole input decoded.
struct decode_stop {
  size_t at = std::string_view::npos;
  bool nul = false;
};

decode_stop decode_escapes(std::string_view in, std::string& out,
                           bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
      continue;
    }
    if (c != '%') {
      out += c;
      continue;
    }
    bool complete = i + 2 < in.size();
    int hi = complete ? hex_value(in[i + 1]) : -1;
    int lo = complete ? hex_value(in[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      return {i, false};
    // A NUL would cut ids short wherever they reach C strings (SQLite,
    // file names).
    if (hi == 0 && lo == 0)
      return {i, true};
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return {};
}

/// Decodes one path segment. @returns an empty string on success, else the
/// wire code (with `why` set).
std::string decode_segment(std::string_view in, std::string& out,
                           std::string& why) {
  auto stop = decode_escapes(in, out, false);
  if (stop.at != std::string_view::npos) {
    why = stop.nul ? "path segment '" + quote_prefix(in, 64)
                         + "' decodes to a NUL byte"
                   : "malformed percent-escape '"
                         + quote_prefix(in.substr(stop.at), 3)
                         + "' in path segment '" + quote_prefix(in, 64)
                         + "' (escapes are % and two hex digits)";
    return "invalid_argument";
  }
  if (!valid_utf8(out)) {
    why = "path segment '" + quote_prefix(in, 64)
          + "' is not valid UTF-8 after percent-decoding";
    return "invalid_utf8";
  }
  return {};
}

} // namespace

bool percent_decode(const std::string& in, std::string& out,
                    bool plus_is_space) {
  return decode_escapes(in, out, plus_is_space).at == std::string_view::npos;
}

bool parse_query(const std::string& target, query_params& out,
                 std::string& error) {
  out.clear();
  auto q = target.find('?');
  if (q == std::string::npos)
    return true;
  auto query = target.substr(q + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    if (amp == std::string::npos)
      amp = query.size();
    auto part = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (part.empty())
      continue;
    auto eq = part.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(part.substr(0, eq), key, true)
        || (eq != std::string::npos
            && !percent_decode(part.substr(eq + 1), value, true))) {
      error = "malformed percent-escape in '" + part.substr(0, 64) + "'";
      return false;
    }
    if (key.empty()) {
      error = "empty parameter name in '" + part.substr(0, 64) + "'";
      return false;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

bool split_path(std::string_view target, path_segments& out,
                path_error& error) {
  out.clear();
  auto path = target.substr(0, target.find('?'));
  // Only origin-form reaches the routes (RFC 9112 §3.2.1): "healthz" or
  // "http://host/healthz" would otherwise match as if it were "/healthz".
  if (path.empty() || path.front() != '/') {
    error.code = "invalid_argument";
    error.detail = "the request target must be a path starting with '/'";
    return false;
  }
  path.remove_prefix(1);
  std::string segment;
  for (;;) {
    auto slash = path.find('/');
    auto code = decode_segment(path.substr(0, slash), segment, error.detail);
    if (!code.empty()) {
      error.code = std::move(code);
      return false;
    }
    out.push_back(std::move(segment));
    if (slash == std::string_view::npos)
      return true;
    path.remove_prefix(slash + 1);
  }
}

const std::string& route_params::operator[](std::string_view name) const {
  static const std::string none;
  for (auto& [key, value] : values_)
    if (key == name)
      return value;
  return none;
}

namespace {

/// A pattern's segments ("/a/{b}" is {"a", "{b}"}); "/" alone is none.
std::vector<std::string_view> pattern_segments(std::string_view pattern) {
  std::vector<std::string_view> out;
  if (!pattern.empty() && pattern.front() == '/')
    pattern.remove_prefix(1);
  while (!pattern.empty()) {
    auto slash = pattern.find('/');
    out.push_back(pattern.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    pattern.remove_prefix(slash + 1);
  }
  return out;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/// "{name+}" -> true; the name without braces or '+' goes to `name`.
bool parameter_name(std::string_view segment, std::string_view& name) {
  name = segment.substr(1, segment.size() - 2);
  bool rest = name.back() == '+';
  if (rest)
    name.remove_suffix(1);
  return rest;
}

} // namespace

bool match_route_pattern(std::string_view pattern, const path_segments& path,
                         route_params& params) {
  params.clear();
  auto parts = pattern_segments(pattern);
  // A rest parameter takes whatever the segments after it leave over.
  size_t spare = path.size() >= parts.size() ? path.size() - parts.size() : 0;
  size_t at = 0;
  for (auto part : parts) {
    if (at >= path.size())
      return false;
    if (!is_parameter(part)) {
      if (path[at++] != part)
        return false;
      continue;
    }
    std::string_view name;
    if (!parameter_name(part, name)) {
      if (path[at].empty())
        return false;
      params.add(name, path[at++]);
      continue;
    }
    std::string value = path[at++];
    for (; spare > 0; --spare)
      value += "/" + path[at++];
    params.add(name, std::move(value));
  }
  return at == path.size();
}

} // namespace argus
