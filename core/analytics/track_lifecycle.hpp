// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/types.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace argus {

/// Lifecycle rules (seed 001, Frigate-style new/update/end).
struct lifecycle_params {
  /// Hits before a track is confirmed; unconfirmed tracks emit no events.
  int confirm_hits = 3;
  /// A track unseen for longer than this (source time) has ended.
  int64_t end_after_ms = 2000;
  /// top_conf must grow by at least this to emit an "update".
  double update_min_conf_gain = 0.05;
};

/// Turns per-frame tracker output into track lifecycle events: "new" when a
/// track is confirmed, "update" when its best confidence improves, "end" when
/// it has not been seen for end_after_ms. Time is the frames' own clock, so
/// replaying the same frames gives the same events.
class track_lifecycle {
public:
  using label_fn = std::function<std::string(int32_t)>;

  track_lifecycle(lifecycle_params params, std::string session_id,
                  std::string camera_id, label_fn label);

  /// Folds one frame of tracks in; returns the events it caused, in order
  /// (ends first, then news and updates by track id).
  std::vector<track_event> observe(const track_set& tracks);

  /// Ends every confirmed track (session shutdown); returns the events.
  std::vector<track_event> end_all(int64_t ts_unix_ms);

  /// Whether `id` is a live (not ended) track.
  bool is_alive(int64_t id) const { return records_.count(id) > 0; }

  /// Whether `id` was matched in the latest frame.
  bool seen_in_last_frame(int64_t id) const;

  /// Number of live tracks.
  size_t alive() const { return records_.size(); }

  /// New confirm/end timing from the next frame on (PATCH /settings).
  void set_params(const lifecycle_params& params) { params_ = params; }

private:
  struct record {
    track_summary published; // what clients last saw (valid if confirmed)
    track_summary current;
    int64_t last_seen_mono_ms = 0;
    int64_t last_seen_unix_ms = 0;
    int64_t last_frame = 0;
  };

  track_event make_event(const char* kind, const record& rec, bool with_before,
                         int64_t ts) const;

  lifecycle_params params_;
  std::string session_id_;
  std::string camera_id_;
  label_fn label_;
  std::map<int64_t, record> records_;
  int64_t last_frame_ = -1;
};

} // namespace argus
