// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/analytics/crop_classifier.hpp"
#include "core/analytics/detector.hpp"
#include "core/analytics/motion_stage.hpp"
#include "core/config.hpp"

#include <caf/expected.hpp>
#include <optional>
#include <vector>

namespace argus {

/// The live path's detection stage for one camera: the detector on the
/// whole frame, the crop classifier when one is configured (it relabels
/// each box), then the motion stage, which damps the scores of detections
/// where nothing moved (detector_config::motion). A DETECTOR actor and
/// `argus detect` both run exactly this. Not thread-safe.
class detection_stage {
public:
  static caf::expected<detection_stage> load(const detector_config& cfg);

  /// Detects objects in the next BGR frame of the camera.
  caf::expected<std::vector<detection>> detect(const cv::Mat& bgr);

  /// The stages after the model, on detections made earlier (replayed
  /// from a file): the frame still feeds the classifier and motion stage.
  caf::expected<std::vector<detection>> refine(const cv::Mat& bgr,
                                               std::vector<detection> dets);

  const std::vector<std::string>& names() const { return model_.names(); }

  /// The model's own detections of the last detect() (before the
  /// classifier and motion stage): what shadow mode compares.
  const std::vector<detection>& last_model_detections() const {
    return last_model_;
  }

private:
  detection_stage(detector model, const motion_config& cfg);

  detector model_;
  std::optional<crop_classifier> classifier_;
  motion_config motion_cfg_;
  motion_stage motion_;
  std::vector<detection> last_model_;
};

} // namespace argus
