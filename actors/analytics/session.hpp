// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "core/analytics/analytics_session.hpp"
#include "core/history/track_sampler.hpp"
#include "core/logging.hpp"
#include "core/metrics/argus_metrics.hpp"

#include <optional>
#include <vector>

namespace argus {

/// Everything a SESSION is started with.
struct session_setup {
  analytics_params params;
  wire_codec_ptr codec;
  camera_actor camera;
  detector_actor detector;
  tracker_actor tracker;
  /// Track history; null when the store is disabled.
  store_actor store;
  /// The camera's PTZ controller; null for a camera without PTZ.
  ptz_actor ptz;
  sampler_params sampling;
  /// The session's settings as JSON for the history.
  std::string config_json = "{}";
  /// Shared metrics (null: none).
  metrics_ptr metrics;
};

/// State of a SESSION.
struct session_state {
  static inline constexpr const char* name = "session";

  std::optional<analytics_session> core;
  std::optional<track_sampler> sampler;
  int64_t started_unix_ms = 0;
  session_setup setup;
  /// Newest frame waiting for the detector (latest-frame semantics).
  frame_ptr pending;
  bool detector_busy = false;
  /// A CLIENT and the wire extensions its ticks are encoded with.
  struct subscriber {
    client_actor handle;
    /// The tick's extensions (the stats bit cleared: it adds messages, not
    /// fields, so it must not split a tick's encodings).
    wire_extensions extensions = 0;
    /// `stats` messages per second; 0: none.
    int32_t stats_hz = 0;
    /// When the next `stats` is due (mono ms).
    int64_t next_stats_ms = 0;
  };
  std::vector<subscriber> clients;
  int64_t clients_evicted = 0;
  uint64_t tick_generation = 0;
  /// The stats timer: its generation and when it fires (0: none runs).
  uint64_t stats_generation = 0;
  int64_t stats_timer_ms = 0;
  std::string last_error;
  /// This camera's metrics (empty without a registry).
  camera_series metrics;
  /// Session and camera id on this session's log lines.
  log_ctx log;
};

/// The SESSION of one camera: subscribes to the CAMERA, keeps at most one
/// frame in the DETECTOR (newer frames replace a waiting one, drops are
/// counted), passes detections to the TRACKER, and turns tracks into
/// track_event messages (sent at once) and metadata_tick messages (sent at
/// the publish rate) for its CLIENTs. Camera, detector and tracker are linked
/// to it and end with it.
session_actor::behavior_type
session(session_actor::stateful_pointer<session_state> self,
        session_setup setup);

} // namespace argus
