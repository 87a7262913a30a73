// SPDX-License-Identifier: Apache-2.0
#include "gateway/url.hpp"

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

} // namespace

bool percent_decode(const std::string& in, std::string& out,
                    bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= in.size())
        return false;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
        return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return true;
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

} // namespace argus
