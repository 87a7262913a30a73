// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/analytics/detection_stage.hpp"
#include "core/video/global_motion.hpp"

#include <optional>

namespace argus {

/// State of a DETECTOR.
struct detector_state {
  static inline constexpr const char* name = "detector";
  std::optional<detection_stage> impl;
  /// The camera's motion from the pixels (detector_config::ego_motion).
  std::optional<global_motion> ego;
};

/// The DETECTOR: owns one camera's detection stage (an OpenCV DNN network
/// and the motion stage) and answers each frame with its detections. Inference
/// blocks for milliseconds: spawn it detached. Quits with ec::model_failed when
/// the model cannot be loaded. For a PTZ camera whose frames carry no view
/// (detector_config::ego_motion), it also measures the camera's own motion
/// from the pixels (~1-2 ms) and puts it on the detection_set.
detector_actor::behavior_type
detector_worker(detector_actor::stateful_pointer<detector_state> self,
                detector_config cfg);

} // namespace argus
