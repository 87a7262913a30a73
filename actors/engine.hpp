// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/supervised_handles.hpp"
#include "actors/wire.hpp"
#include "core/config.hpp"
#include "core/metrics/argus_metrics.hpp"

#include <caf/actor_system.hpp>
#include <memory>
#include <string>
#include <vector>

namespace argus {

/// The running engine: the handles the gateway is given, and the
/// SUPERVISOR that restarts the long-lived actors and stops them.
struct engine {
  registry_actor registry;
  /// The reader, and the store as first spawned (`handles` has the
  /// current one after a restart).
  track_history history;
  /// The current relays and store.
  std::shared_ptr<supervised_handles> handles;
  /// The frame server; null when frames.enabled is false.
  clip_manager_actor clips;
  supervisor_actor supervisor;
  /// What the sessions, PTZ controllers and gateway count (GET /metrics).
  metrics_ptr metrics;
  /// The model catalog's owner (GET/POST /models); quits with the registry.
  models_actor models;
};

/// Spawns every long-lived actor for `cfg` through the spawn_<actor>
/// factories (actors/spawn.hpp): the track history first (it closes the
/// tracks an unclean stop left open and tells the registry where track
/// ids continue), one CAMERA and RELAY per camera, the REGISTRY, the frame
/// server, and the SUPERVISOR over them. `labels` are the detector's
/// classes; `codec` encodes what sessions send to clients.
engine start_engine(caf::actor_system& sys, const config& cfg,
                    std::vector<std::string> labels, wire_codec_ptr codec);

/// Runs the SUPERVISOR's staged shutdown and waits for it. Blocks: call it
/// from the main thread, never from an actor or a gateway thread.
void stop_engine(caf::actor_system& sys, const engine& running);

} // namespace argus
