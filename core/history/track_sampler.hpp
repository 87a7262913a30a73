// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/store_types.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace argus {

/// How densely confirmed tracks are sampled into the history.
struct sampler_params {
  /// At most one sample per track this often...
  int64_t interval_ms = 1000;
  /// ...unless the box moved/resized so that its IoU with the last sample
  /// fell below this, or the confidence changed by more than conf_delta.
  double min_iou = 0.5;
  double conf_delta = 0.2;
};

/// Downsamples a session's per-frame tracks into track_samples: the first
/// observation after confirmation, then one per interval, plus any frame
/// with a significant change. Velocity comes from the previous frame.
/// Deterministic; owned by the SESSION actor.
class track_sampler {
public:
  explicit track_sampler(sampler_params params) : params_(params) {}

  /// Learns which tracks are confirmed ("new") and gone ("end").
  void observe(const std::vector<track_event>& events);

  /// Samples one frame's tracks (only confirmed ones are kept).
  std::vector<track_sample> sample(const std::vector<tick_track>& tracks,
                                   int64_t ts_unix_ms);

private:
  struct history {
    bool have_sample = false;
    track_sample last_sample;
    bool have_frame = false;
    norm_box last_box;
    int64_t last_ts = 0;
  };

  bool significant(const history& h, const tick_track& t, int64_t ts) const;

  sampler_params params_;
  std::map<int64_t, history> tracks_; // confirmed, not yet ended
};

/// Intersection over union of two normalized boxes.
double box_iou(const norm_box& a, const norm_box& b);

} // namespace argus
