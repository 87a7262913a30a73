// SPDX-License-Identifier: Apache-2.0
#include "gateway/mqtt_codec.hpp"

#include "gateway/json_codec.hpp"
#include "gateway/ptz_routes.hpp"

namespace argus {

using nlohmann::json;

json to_json(const mqtt_stats& x) {
  auto& c = x.mqtt;
  json sessions = json::array();
  for (auto& s : x.sessions)
    sessions.push_back(to_json(s));
  return {{"type", "stats"},
          {"ts_unix_ms", x.ts_unix_ms},
          {"mqtt",
           {{"connected", c.connected},
            {"connects", c.connects},
            {"connect_failures", c.connect_failures},
            {"published", c.published},
            {"undelivered", c.undelivered},
            {"ticks_replaced", c.ticks_replaced},
            {"commands", c.commands},
            {"commands_rejected", c.commands_rejected}}},
          {"sessions", std::move(sessions)}};
}

text_ptr json_mqtt_codec::encode(const mqtt_stats& x) const {
  return share(to_json(x));
}

text_ptr json_mqtt_codec::encode(const ptz_status& x) const {
  return share(ptz_status_json(x));
}

text_ptr json_mqtt_codec::encode(const command_reply& x, bool autotrack,
                                 bool enabled) const {
  if (autotrack && x.ok)
    return share(
        json{{"type", "ack"}, {"command", "autotrack"}, {"enabled", enabled}});
  return share(to_json(x));
}

} // namespace argus
