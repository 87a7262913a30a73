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
  detection_stage stage(std::move(*model), cfg.motion);
  if (!cfg.classifier.empty()) {
    auto cls = crop_classifier::load(cfg.classifier, stage.names());
    if (!cls)
      return cls.error();
    stage.classifier_.emplace(std::move(*cls));
  }
  return stage;
}

caf::expected<std::vector<detection>>
detection_stage::detect(const cv::Mat& bgr) {
  auto dets = model_.detect(bgr);
  if (!dets)
    return dets;
  return refine(bgr, std::move(*dets));
}

caf::expected<std::vector<detection>>
detection_stage::refine(const cv::Mat& bgr, std::vector<detection> dets) {
  if (classifier_)
    if (auto err = classifier_->relabel(bgr, dets))
      return err;
  if (motion_cfg_.enabled)
    damp_still_detections(dets, motion_.update(bgr),
                          motion_cfg_.still_score_factor);
  return dets;
}

} // namespace argus
