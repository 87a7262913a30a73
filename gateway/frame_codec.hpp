// SPDX-License-Identifier: Apache-2.0
// JSON of the H.265 frame server: clip summaries and indexes (REST) and the
// /ws/frames protocol (docs/protocol.md, schemas/frame_*.schema.json).
#pragma once

#include "actors/wire.hpp"
#include "messages/frame_types.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace argus {

nlohmann::json to_json(const clip_info& x);
nlohmann::json to_json(const clip_index& x, const std::string& clip_id);

/// Parses one /ws/frames client message. Never throws: malformed input
/// comes back as kind == invalid with an error code (invalid_json,
/// invalid_message, unknown_type) and a detail naming the field.
frame_command parse_frame_command(const std::string& text);

/// Parses a POST /clips body; false with `why` on bad input.
bool parse_clip_source(const std::string& body, clip_source& out,
                       std::string& why);

/// The JSON codec the FRAME CLIENT writes through.
class json_frame_codec : public frame_wire_codec {
public:
  text_ptr encode(const frame_notice& x) const override;
};

} // namespace argus
