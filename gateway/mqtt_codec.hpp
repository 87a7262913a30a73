// SPDX-License-Identifier: Apache-2.0
// The MQTT bridge's payloads: the JSON REST and the WebSocket already use,
// wrapped where a topic needs it (docs/protocol.md "MQTT").
#pragma once

#include "actors/wire.hpp"
#include "core/mqtt/mqtt_bridge_core.hpp"

#include <nlohmann/json.hpp>

namespace argus {

/// `<prefix>/stats` (schemas/mqtt_stats.schema.json).
nlohmann::json to_json(const mqtt_stats& x);

/// The JSON codec the MQTT bridge uses through mqtt_wire_codec.
class json_mqtt_codec : public mqtt_wire_codec {
public:
  text_ptr encode(const mqtt_stats& x) const override;
  text_ptr encode(const ptz_status& x) const override;
  text_ptr encode(const command_reply& x, bool autotrack,
                  bool enabled) const override;
};

} // namespace argus
