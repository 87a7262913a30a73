// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/detection_stage.hpp"

#include "messages/error.hpp"

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
    auto cls = crop_classifier::load(cfg.classifier, stage.names(),
                                     cfg.classifier_keep_prob,
                                     size_t(cfg.classifier_max_boxes));
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
  last_model_ = *dets;
  return refine(bgr, std::move(*dets));
}

caf::expected<std::vector<detection>>
detection_stage::refine(const cv::Mat& bgr, std::vector<detection> dets) {
  if (classifier_)
    if (auto err = classifier_->relabel(bgr, dets))
      return err;
  if (!motion_cfg_.enabled)
    return dets;
  // OpenCV reports bad input by throwing; like detector::detect, the stage
  // answers with an error instead, so `argus detect` exits 2 and a session
  // sees a failed request rather than a dead DETECTOR.
  try {
    damp_still_detections(dets, motion_.update(bgr),
                          motion_cfg_.still_score_factor);
  } catch (const cv::Exception& e) {
    return caf::make_error(ec::model_failed,
                           std::string("motion stage failed: ") + e.what());
  }
  return dets;
}

} // namespace argus
