// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/analytics/byte_tracker.hpp"

namespace argus {

/// State of a TRACKER: the ByteTrack core.
struct tracker_state {
  static inline constexpr const char* name = "tracker";
  byte_tracker impl;
  /// The previous frame's PTZ view (w == 0: none).
  norm_box view;
};

/// The TRACKER: feeds each frame's detections to its byte_tracker and
/// answers with the tracks. Cheap (microseconds), so it runs scheduled.
/// Frames of a virtual PTZ camera carry their view: the tracker moves its
/// tracks by the camera's own motion between two views first. Other PTZ
/// cameras' detection_sets carry that motion as measured from the pixels
/// (detection_set::ego), which the tracker follows the same way.
tracker_actor::behavior_type
tracker(tracker_actor::stateful_pointer<tracker_state> self,
        tracker_params params, track_id_source ids);

} // namespace argus
