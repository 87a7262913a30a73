// SPDX-License-Identifier: Apache-2.0
// Text that crosses a trust boundary: UTF-8 checks for input and JSON
// serialization that cannot throw for output.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace argus {

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlongs, no
/// surrogates, nothing above U+10FFFF). The same check Beast applies to
/// WebSocket text frames, so HTTP and WebSocket inputs agree.
bool valid_utf8(std::string_view text);

/// Serializes `j` compactly. Invalid UTF-8 inside strings (an echoed id, a
/// detail cut mid-character) becomes U+FFFD instead of throwing: a reply
/// must never be able to take a connection or an actor down.
std::string dump_json(const nlohmann::json& j);

/// The first `max_bytes` of `text`, cut back to a character boundary, for
/// quoting client input in error details.
std::string quote_prefix(std::string_view text, size_t max_bytes);

} // namespace argus
