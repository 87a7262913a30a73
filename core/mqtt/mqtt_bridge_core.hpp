// SPDX-License-Identifier: Apache-2.0
// The MQTT bridge without actors or sockets: topic names, command parsing
// (untrusted bytes from the broker), the retained-tracks slots and the
// counters. actors/mqtt/bridge.cpp is a thin shell over it.
#pragma once

#include "messages/type_ids.hpp"
#include "messages/types.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace argus {

/// Every topic of the bridge under one prefix (mqtt.topic_prefix), in the
/// shape Frigate uses: `<prefix>/<camera>/<what>` per camera, `<prefix>/<what>`
/// for the whole server.
class mqtt_topics {
public:
  explicit mqtt_topics(std::string prefix) : prefix_(std::move(prefix)) {}

  const std::string& prefix() const { return prefix_; }
  /// "online" / "offline", retained; "offline" is also the last will.
  std::string available() const { return prefix_ + "/available"; }
  /// Every track_event, as the WebSocket sends it.
  std::string events() const { return prefix_ + "/events"; }
  /// The periodic stats message.
  std::string stats() const { return prefix_ + "/stats"; }
  /// Replies to commands whose topic names no known camera.
  std::string errors() const { return prefix_ + "/errors"; }
  /// The camera's latest metadata_tick, retained.
  std::string tracks(const std::string& camera) const {
    return prefix_ + "/" + camera + "/tracks";
  }
  /// The camera's PTZ controller state, retained.
  std::string ptz_state(const std::string& camera) const {
    return prefix_ + "/" + camera + "/ptz/state";
  }
  /// The ack or error of each command sent for the camera.
  std::string command_reply(const std::string& camera) const {
    return prefix_ + "/" + camera + "/command/reply";
  }
  /// The filters the bridge subscribes to (one per command).
  std::vector<std::string> command_filters() const;

private:
  std::string prefix_;
};

/// One command from a command topic, parsed.
struct mqtt_command {
  enum kind_t { set_target, clear_target, autotrack, invalid };
  kind_t kind = invalid;
  /// Empty when the topic names no known camera.
  std::string camera_id;
  /// set_target: the track id.
  int64_t target_id = none_id;
  /// autotrack: ON (true) or OFF.
  bool enable = false;
  /// invalid: the error code and detail of the reply.
  std::string error;
  std::string detail;

  /// The WebSocket command a set_target / clear_target is, for the SESSION.
  client_command to_client_command() const;
};

/// Parses one message of a command topic: `<prefix>/<camera>/target/set`
/// (a decimal track id), `<prefix>/<camera>/target/clear` (payload
/// ignored), `<prefix>/<camera>/autotrack/set` (`ON` or `OFF`). Surrounding
/// ASCII whitespace is ignored. Never throws: anything else comes back as
/// kind invalid with the code of the reply (unknown_command, unknown_camera,
/// payload_too_large, target_id_must_be_int, invalid_argument).
mqtt_command parse_mqtt_command(const mqtt_topics& topics,
                                const std::set<std::string>& cameras,
                                std::string_view topic,
                                std::string_view payload);

/// The bridge's counters, published in argus/stats.
struct mqtt_counters {
  bool connected = false;
  /// Connections the broker accepted (the first one included).
  int64_t connects = 0;
  /// Connection attempts that failed, and connections lost.
  int64_t connect_failures = 0;
  /// Messages handed to the broker connection.
  int64_t published = 0;
  /// Messages not delivered: the broker was down or refused them. Events
  /// are not kept for later; retained topics are sent again on reconnect.
  int64_t undelivered = 0;
  /// Ticks replaced by a newer one before the tracks interval (latest wins).
  int64_t ticks_replaced = 0;
  /// Commands received, and those answered with an error.
  int64_t commands = 0;
  int64_t commands_rejected = 0;
};

/// What argus/stats carries.
struct mqtt_stats {
  int64_t ts_unix_ms = 0;
  mqtt_counters mqtt;
  /// One per running session.
  std::vector<session_status> sessions;
};

/// The newest tick of each camera until the tracks interval publishes it:
/// latest wins, nothing queues.
class latest_ticks {
public:
  /// Keeps `text` as the camera's newest tick. @returns true when it
  /// replaced one that was never published.
  bool put(const std::string& camera, text_ptr text);
  /// The ticks not yet published, oldest camera name first; they stay as
  /// the cameras' latest.
  std::vector<std::pair<std::string, text_ptr>> take_changed();
  /// Publish every camera's latest again (the broker lost its retained copy
  /// or a new connection began).
  void mark_all_changed();
  /// Forgets a camera whose session ended.
  void erase(const std::string& camera) { slots_.erase(camera); }

private:
  struct slot {
    text_ptr text;
    bool changed = false;
  };
  std::map<std::string, slot> slots_;
};

} // namespace argus
