// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/analytics/detection_stage.hpp"

#include <optional>

namespace argus {

/// State of a DETECTOR.
struct detector_state {
  static inline constexpr const char* name = "detector";
  std::optional<detection_stage> impl;
};

/// The DETECTOR: owns one camera's detection stage (an OpenCV DNN network
/// and the motion stage) and answers each frame with its detections. Inference
/// blocks for milliseconds: spawn it detached. Quits with ec::model_failed when
/// the model cannot be loaded.
detector_actor::behavior_type
detector_worker(detector_actor::stateful_pointer<detector_state> self,
                detector_config cfg);

} // namespace argus
