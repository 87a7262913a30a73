// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/analytics/latency_stats.hpp"
#include "core/analytics/track_lifecycle.hpp"
#include "core/analytics/tracking_phase.hpp"
#include "core/config.hpp"
#include "messages/ptz_types.hpp"
#include "messages/types.hpp"

#include <string>
#include <vector>

namespace argus {

/// Identity and settings of one analytics session.
struct analytics_params {
  std::string session_id;
  std::string camera_id;
  session_config cfg;
  /// Class names by class id.
  std::vector<std::string> labels;
};

/// The actor-free heart of a SESSION: folds tracker output into track
/// lifecycle events, the tracking phase and the latest metadata_tick, and
/// executes target commands. Deterministic: same inputs, same outputs.
class analytics_session {
public:
  explicit analytics_session(analytics_params params);

  /// Folds in one frame's tracks. `latency_ms` is capture-to-tracks time,
  /// `detect_ms` the detector's share. @returns the lifecycle events.
  std::vector<track_event> process(const track_set& ts, double latency_ms,
                                   double detect_ms, int64_t now_mono_ms);

  /// Executes set_target_id / clear_target.
  command_reply command(const client_command& cmd);

  /// Counts a frame dropped by latest-frame semantics.
  void count_dropped() { ++frames_dropped_; }

  /// Whether the tick changed since the last call (and clears the flag).
  bool take_dirty();

  /// Whether at least one frame has been processed.
  bool has_tick() const { return tick_.frame_index >= 0; }

  /// The latest-state overlay payload.
  const metadata_tick& tick() const { return tick_; }

  /// What the PTZ controller needs of the last processed frame: the
  /// tracking phase and, when it was seen, the selected target's box.
  /// `zoom`: the frame's lens position (< 0: unknown).
  ptz_observation observe_target(int64_t ts_mono_ms, double zoom) const;

  /// The PTZ controller's latest telemetry for the tick's ptz block.
  void set_ptz(const ptz_telemetry& ptz);

  /// Takes the live settings (publish rate, confirm hits, end time, update
  /// gain); the statistics window keeps its size.
  void reconfigure(const session_config& cfg);

  const session_config& settings() const { return params_.cfg; }

  /// Ends all tracks (session stop). @returns the "end" events.
  std::vector<track_event> finish(int64_t ts_unix_ms);

  /// Health counters (client counts are the actor's to fill).
  session_status status() const;

private:
  std::string label(int32_t class_id) const;

  analytics_params params_;
  track_lifecycle lifecycle_;
  tracking_phase phase_;
  metadata_tick tick_;
  bool dirty_ = false;
  latency_stats latency_;
  latency_stats detect_;
  int64_t frames_processed_ = 0;
  int64_t frames_dropped_ = 0;
  int64_t events_ = 0;
};

} // namespace argus
