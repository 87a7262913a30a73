// SPDX-License-Identifier: Apache-2.0
#include "gateway/relay_codec.hpp"

#include "gateway/json_codec.hpp"

namespace argus {

using nlohmann::json;

json camera_state_json(const camera_status& cs) {
  json j{{"camera_id", cs.camera_id},
         {"state", to_string(cs.state)},
         {"since_unix_ms", cs.since_unix_ms},
         {"frames_decoded", cs.frames_decoded},
         {"consumers", cs.subscribers},
         {"reconnects", cs.reconnects}};
  if (cs.state == camera_link::disconnected)
    j["next_retry_ms"] = cs.next_retry_ms;
  if (!cs.last_error.empty())
    j["last_error"] = cs.last_error;
  return j;
}

json relay_status_json(const relay_status& rs) {
  json j{{"camera_id", rs.camera_id},
         {"viewers", rs.viewers},
         {"frames_received", rs.frames_received},
         {"frames_encoded", rs.frames_encoded},
         {"frames_persisted", rs.frames_persisted},
         {"frames_stale", rs.frames_stale},
         {"persist_errors", rs.persist_errors},
         {"camera", camera_state_json(rs.camera)},
         {"live_path", "/ws/cameras/" + rs.camera_id}};
  if (rs.latest_unix_ms > 0)
    j["latest_unix_ms"] = rs.latest_unix_ms;
  return j;
}

text_ptr json_relay_codec::frame_header(const relay_frame& f,
                                        int64_t sent_unix_ms) const {
  return share({{"type", "frame"},
                {"camera_id", f.camera_id},
                {"frame_no", f.frame_no},
                {"captured_unix_ms", f.captured_unix_ms},
                {"sent_unix_ms", sent_unix_ms},
                {"width", f.width},
                {"height", f.height},
                {"size", f.jpeg ? f.jpeg->size() : 0}});
}

text_ptr json_relay_codec::camera_state(const camera_status& cs) const {
  auto j = camera_state_json(cs);
  j["type"] = cs.state == camera_link::disconnected ? "camera_disconnected"
                                                    : "camera_status";
  return share(j);
}

text_ptr json_relay_codec::error(const std::string& code,
                                 const std::string& detail) const {
  return share({{"type", "error"}, {"error", code}, {"detail", detail}});
}

} // namespace argus
