// SPDX-License-Identifier: Apache-2.0
#include "core/detection_stage.hpp"

namespace argus {

detection_stage::detection_stage(detector model, const motion_config& cfg)
    : model_(std::move(model)), motion_cfg_(cfg), motion_(cfg.params) {
  // nop
}

caf::expected<detection_stage>
detection_stage::load(const detector_config& cfg) {
  auto model = detector::load(cfg);
  if (!model)
    return model.error();
  return detection_stage(std::move(*model), cfg.motion);
}

caf::expected<std::vector<detection>>
detection_stage::detect(const cv::Mat& bgr) {
  auto dets = model_.detect(bgr);
  if (!dets)
    return dets;
  return apply_motion(bgr, std::move(*dets));
}

std::vector<detection>
detection_stage::apply_motion(const cv::Mat& bgr, std::vector<detection> dets) {
  if (!motion_cfg_.enabled)
    return dets;
  damp_still_detections(dets, motion_.update(bgr),
                        motion_cfg_.still_score_factor);
  return dets;
}

} // namespace argus
