// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/supervised_handles.hpp"
#include "actors/wire.hpp"
#include "core/config.hpp"
#include "core/mqtt/mqtt_bridge_core.hpp"
#include "core/mqtt/mqtt_client.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace argus {

/// Everything the BRIDGE is started with.
struct mqtt_bridge_setup {
  mqtt_config cfg;
  /// Where sessions are found (atom::list, atom::get).
  registry_actor registry;
  /// The PTZ controllers (autotrack/set, ptz/state).
  std::shared_ptr<supervised_handles> handles;
  /// The configured camera ids: the only ones a command topic may name.
  std::vector<std::string> cameras;
  mqtt_wire_codec_ptr codec;
};

/// State of the BRIDGE.
struct mqtt_bridge_state {
  static inline constexpr const char* name = "mqtt-bridge";

  mqtt_bridge_setup setup;
  std::optional<mqtt_topics> topics;
  std::set<std::string> cameras;
  mqtt_counters counters;
  latest_ticks ticks;
  /// The sessions it subscribed to, both ways.
  std::map<caf::actor_addr, std::string> camera_of;
  std::map<std::string, session_actor> session_of;
  /// Session ids being looked up (not subscribed twice).
  std::set<std::string> looking_up;
  size_t pending_commands = 0;
  /// Failed attempts since the link was last up (for the log).
  int64_t outage_failures = 0;
  /// Last; stopped first when the state goes (publishes "offline").
  std::unique_ptr<mqtt_client> client;

  ~mqtt_bridge_state();
};

/// The BRIDGE between argus and an MQTT broker (mqtt.host set). Subscribes
/// as a client to every running SESSION (found through the REGISTRY every
/// stats interval) and publishes their events at once and their ticks,
/// retained, at most every tracks interval; publishes stats and PTZ states;
/// turns command topics into the sessions' own commands and the PTZ
/// controllers' autotrack switch. The broker connection runs on its own
/// thread (core/mqtt/mqtt_client); this actor never blocks but in its
/// exit, which waits for "offline" to leave: spawn it detached.
mqtt_bridge_actor::behavior_type
mqtt_bridge(mqtt_bridge_actor::stateful_pointer<mqtt_bridge_state> self,
            mqtt_bridge_setup setup);

} // namespace argus
