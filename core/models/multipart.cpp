// SPDX-License-Identifier: Apache-2.0
#include "core/models/multipart.hpp"

#include "messages/error.hpp"

#include <algorithm>
#include <cctype>

namespace argus {

namespace {

caf::error bad(std::string what) {
  return caf::make_error(ec::invalid_argument, "multipart: " + what);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Splits "type; a=1; b=\"x;y\"" into the type and its parameters (names
/// lower-cased, quoted values unquoted with backslash escapes).
bool split_params(std::string_view v, std::string& type,
                  std::vector<std::pair<std::string, std::string>>& params) {
  auto semi = v.find(';');
  type = lower(trim(v.substr(0, semi)));
  if (semi == std::string_view::npos)
    return true;
  v.remove_prefix(semi + 1);
  while (true) {
    v = trim(v);
    if (v.empty())
      return true;
    auto eq = v.find('=');
    if (eq == std::string_view::npos)
      return false;
    auto key = lower(trim(v.substr(0, eq)));
    v.remove_prefix(eq + 1);
    v = trim(v);
    std::string val;
    if (!v.empty() && v.front() == '"') {
      size_t i = 1;
      bool closed = false;
      for (; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          val += v[++i];
        } else if (v[i] == '"') {
          closed = true;
          break;
        } else {
          val += v[i];
        }
      }
      if (!closed)
        return false;
      v.remove_prefix(i + 1);
      v = trim(v);
      if (!v.empty() && v.front() != ';')
        return false;
    } else {
      auto end = v.find(';');
      val = std::string(trim(v.substr(0, end)));
      v.remove_prefix(end == std::string_view::npos ? v.size() : end);
    }
    if (key.empty())
      return false;
    params.emplace_back(std::move(key), std::move(val));
    if (!v.empty() && v.front() == ';')
      v.remove_prefix(1);
  }
}

/// Parses one part's header block (without the blank line).
caf::error parse_headers(std::string_view block, form_part& part) {
  bool disposition = false;
  while (!block.empty()) {
    auto eol = block.find("\r\n");
    auto line = block.substr(0, eol);
    block.remove_prefix(eol == std::string_view::npos ? block.size() : eol + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return bad("a part header line has no name");
    auto name = lower(trim(line.substr(0, colon)));
    auto value = trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      std::string type;
      std::vector<std::pair<std::string, std::string>> params;
      if (!split_params(value, type, params))
        return bad("malformed Content-Disposition");
      if (type != "form-data")
        return bad("a part's Content-Disposition is not form-data");
      for (auto& [k, v] : params) {
        if (k == "name")
          part.name = v;
        else if (k == "filename")
          part.filename = v;
      }
      disposition = true;
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (!disposition)
    return bad("a part has no Content-Disposition");
  if (part.name.empty())
    return bad("a part has no name");
  return {};
}

} // namespace

caf::expected<std::string> multipart_boundary(std::string_view content_type) {
  std::string type;
  std::vector<std::pair<std::string, std::string>> params;
  if (!split_params(content_type, type, params))
    return bad("malformed Content-Type");
  if (type != "multipart/form-data")
    return bad("Content-Type must be multipart/form-data, not '"
               + type.substr(0, 80) + "'");
  for (auto& [k, v] : params)
    if (k == "boundary") {
      if (v.empty() || v.size() > 70)
        return bad("the boundary must have 1 to 70 characters");
      return v;
    }
  return bad("Content-Type has no boundary");
}

caf::expected<std::vector<form_part>> parse_multipart(std::string_view body,
                                                      std::string_view boundary,
                                                      size_t max_parts) {
  if (boundary.empty())
    return bad("empty boundary");
  std::string dash = "--" + std::string(boundary);
  std::string delim = "\r\n" + dash;
  // The first delimiter may open the body or follow a preamble.
  size_t pos;
  if (body.substr(0, dash.size()) == dash)
    pos = dash.size();
  else if (auto at = body.find(delim); at != std::string_view::npos)
    pos = at + delim.size();
  else
    return bad("the body has no delimiter line for the boundary");
  std::vector<form_part> parts;
  while (true) {
    // After a delimiter: "--" closes, else optional whitespace and CRLF.
    if (body.substr(pos, 2) == "--")
      return parts;
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t'))
      ++pos;
    if (body.substr(pos, 2) != "\r\n")
      return bad("a delimiter line does not end in CRLF");
    pos += 2;
    if (parts.size() == max_parts)
      return bad("more than " + std::to_string(max_parts) + " parts");
    form_part part;
    // Headers end at the first blank line; a part without headers starts
    // with that blank line straight away.
    size_t body_at;
    if (body.substr(pos, 2) == "\r\n") {
      body_at = pos + 2;
    } else {
      auto end = body.find("\r\n\r\n", pos);
      if (end == std::string_view::npos)
        return bad("a part's headers never end");
      if (auto err = parse_headers(body.substr(pos, end - pos), part))
        return err;
      body_at = end + 4;
    }
    if (part.name.empty())
      return bad("a part has no Content-Disposition");
    auto next = body.find(delim, body_at);
    if (next == std::string_view::npos)
      return bad("the body ends inside a part (no closing delimiter)");
    part.body = std::string(body.substr(body_at, next - body_at));
    parts.push_back(std::move(part));
    pos = next + delim.size();
  }
}

} // namespace argus
