// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "core/config.hpp"
#include "core/metrics/argus_metrics.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace argus {

/// Everything the REGISTRY is started with.
struct registry_setup {
  config cfg;
  /// Class names of the detector.
  std::vector<std::string> labels;
  wire_codec_ptr codec;
  /// How a session's DETECTOR is spawned, and a CAMERA that `cameras`
  /// lacks. Unset: spawn_detector/spawn_camera (actors/spawn.hpp,
  /// detached), as in production. Tests under CAF's deterministic
  /// coordinator spawn them attached: detached actors escape it.
  std::function<detector_actor(const detector_config&)> spawn_detector;
  std::function<camera_actor(const camera_config&)> spawn_camera;
  /// Track history; null when disabled.
  store_actor store;
  /// Highest track id stored per camera: new ids continue after it.
  std::map<std::string, int64_t> last_track_ids;
  /// The shared CAMERA of each configured camera (the relay consumes the
  /// same ones); the registry spawns those missing here.
  std::map<std::string, camera_actor> cameras;
  /// The PTZ controller of each PTZ camera (others have none).
  std::map<std::string, ptz_actor> ptz;
  /// Shared metrics (null: none), handed to every session.
  metrics_ptr metrics;
};

/// State of the REGISTRY.
struct registry_state {
  static inline constexpr const char* name = "registry";

  struct entry {
    session_actor handle;
    std::string camera_id;
    /// The session's DETECTOR (model activation and shadow mode).
    detector_actor detector;
  };

  /// The active model once one was activated (new sessions load it);
  /// none: the configured detector.model.
  std::optional<model_spec> active_model;
  /// The shadow candidate and its sample interval, while one runs.
  std::optional<std::pair<model_spec, int32_t>> shadow;
  /// The comparisons of detectors that ended during this shadow run,
  /// merged (empty model: none yet).
  shadow_report shadow_ended;

  registry_setup setup;
  std::map<std::string, entry> sessions; // by session id
  /// Told each session that starts (the MQTT bridge).
  std::vector<session_watcher_actor> watchers;
  /// Detectors of ended sessions, held (and monitored) until they are down.
  std::vector<detector_actor> ending_detectors;
  std::map<std::string, std::string> by_camera; // camera id -> session id
  bool shutting_down = false;
  uint64_t created = 0;
  /// Per camera, shared by its successive trackers.
  std::map<std::string, track_id_source> track_ids;
  /// The settings accepted last (null: none since start).
  config_ptr settings;
};

/// The REGISTRY: knows the configured cameras, starts one SESSION per camera
/// (idempotently) with its CAMERA, DETECTOR and TRACKER, finds and stops
/// sessions, and supervises them: a session that dies is forgotten. On an
/// exit message it stops all sessions with ec::shutting_down (their clients
/// get a close reason) and quits once they are gone.
registry_actor::behavior_type
registry(registry_actor::stateful_pointer<registry_state> self,
         registry_setup setup);

/// Copies what PATCH /settings applies live (tracker, session timing and
/// rate, each camera's source and autotrack settings) from `accepted` into
/// `running`; the rest of `running` stays as argus started.
void take_live_settings(config& running, const config& accepted);

/// A session id in the seed's format: "session-<camera>-<UTC ISO time>"
/// with milliseconds and a counter so ids never repeat.
std::string make_session_id(const std::string& camera_id, uint64_t counter);

} // namespace argus
