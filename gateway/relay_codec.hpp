// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/wire.hpp"

#include <nlohmann/json.hpp>

namespace argus {

/// JSON of the camera relay (schemas/camera_message.schema.json).
class json_relay_codec : public relay_wire_codec {
public:
  text_ptr frame_header(const relay_frame& f,
                        int64_t sent_unix_ms) const override;
  text_ptr camera_state(const camera_status& cs) const override;
  text_ptr error(const std::string& code,
                 const std::string& detail) const override;
};

/// A camera's state as JSON (also in GET /cameras).
nlohmann::json camera_state_json(const camera_status& cs);

/// A relay's counters and its camera's state (GET /cameras/{id}).
nlohmann::json relay_status_json(const relay_status& rs);

} // namespace argus
