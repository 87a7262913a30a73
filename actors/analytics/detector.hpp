// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/analytics/detection_stage.hpp"
#include "core/models/shadow_compare.hpp"
#include "core/video/global_motion.hpp"

#include <optional>

namespace argus {

/// A candidate model running beside the active one (shadow mode).
struct detector_shadow {
  model_spec spec;
  detection_stage stage;
  shadow_compare compare;
  int32_t sample_every = 1;
  uint64_t frames = 0;
};

/// State of a DETECTOR.
struct detector_state {
  static inline constexpr const char* name = "detector";
  std::optional<detection_stage> impl;
  /// The configured detector; activations replace its model part.
  detector_config cfg;
  /// The name of the running model ("" until the first activation: the
  /// configured one).
  std::string model_name;
  /// The class names the session labels ids with (the first model's):
  /// after an activation, class ids are mapped onto them by name.
  std::vector<std::string> labels;
  /// New model's class id -> session class id (-1: the session does not
  /// know the class, its detections are dropped); empty: identity.
  std::vector<int32_t> class_map;
  /// The camera's motion from the pixels (detector_config::ego_motion).
  std::optional<global_motion> ego;
  std::optional<detector_shadow> shadow;
  /// Who started shadow mode (the REGISTRY): told the comparison when this
  /// detector ends with its session, so the counts outlive it.
  caf::strong_actor_ptr shadow_owner;
};

/// The DETECTOR: owns one camera's detection stage (an OpenCV DNN network
/// and the motion stage) and answers each frame with its detections. Inference
/// blocks for milliseconds: spawn it detached. Quits with ec::model_failed when
/// the model cannot be loaded. For a PTZ camera whose frames carry no view
/// (detector_config::ego_motion), it also measures the camera's own motion
/// from the pixels (~1-2 ms) and puts it on the detection_set.
///
/// Model management: an activation loads the new stage beside the running
/// one (between two frames, on this detached actor's own thread) and swaps
/// them only once it loaded; in shadow mode a candidate stage also runs on
/// every Nth frame and its detections are compared with the active one's
/// (core/models/shadow_compare).
detector_actor::behavior_type
detector_worker(detector_actor::stateful_pointer<detector_state> self,
                detector_config cfg);

/// For each class of `model`, its index in `labels` (-1 when absent);
/// empty when the two lists are equal.
std::vector<int32_t> map_classes(const std::vector<std::string>& model,
                                 const std::vector<std::string>& labels);

} // namespace argus
