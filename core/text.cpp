// SPDX-License-Identifier: Apache-2.0
#include "core/text.hpp"

#include <boost/beast/websocket/detail/utf8_checker.hpp>

namespace argus {

bool valid_utf8(std::string_view text) {
  // A default string_view's data() is null; Beast's checker would do
  // pointer arithmetic on it (UBSan: applying an offset to null).
  if (text.empty())
    return true;
  return boost::beast::websocket::detail::check_utf8(text.data(), text.size());
}

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string quote_prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes)
    return std::string(text);
  size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to a lead byte.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return std::string(text.substr(0, end));
}

} // namespace argus
