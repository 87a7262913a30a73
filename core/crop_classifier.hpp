// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

namespace argus {

/// Side of the classifier's input, in pixels.
inline constexpr int classifier_input = 48;

/// The square, in frame pixels, the classifier sees around `box`: side
/// clamp(2.5 * max(w, h), 32, 256) rounded to whole pixels, centred on the
/// box. scripts/train_classifier.py cuts its training crops the same way.
cv::Rect2f classifier_square(const pixel_box& box);

/// The classifier's input for `box`: that square of the BGR frame (pixels
/// past the frame edge repeat the edge), resized to 48x48.
cv::Mat classifier_crop(const cv::Mat& bgr, const pixel_box& box);

/// A second opinion on each detection's class: a small CNN on a
/// native-resolution crop around it (decision 0005). Not thread-safe.
class crop_classifier {
public:
  /// Loads the model and its names; its classes are matched by name to
  /// `detector_names` (a class the detector lacks, e.g. "background", never
  /// becomes a label). Fails with ec::model_failed naming the file.
  static caf::expected<crop_classifier>
  load(const std::string& model,
       const std::vector<std::string>& detector_names);

  /// Sets each detection's class to the classifier's most likely class
  /// among the detector's.
  caf::error relabel(const cv::Mat& bgr, std::vector<detection>& dets);

private:
  crop_classifier() = default;

  cv::dnn::Net net_;
  /// Classifier output index -> detector class id, or -1.
  std::vector<int32_t> to_detector_;
  cv::Mat blob_;
};

} // namespace argus
