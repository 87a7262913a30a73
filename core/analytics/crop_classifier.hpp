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

/// The class a detection of class `detector_class` ends with, given the
/// classifier's probability for each detector class (`probs[i]`, or a
/// negative value where the classifier has no such class). The detector's
/// class stays unless the classifier knows it and gives it less than
/// `keep_prob`; then the classifier's most likely class wins.
int32_t relabelled_class(const std::vector<float>& probs,
                         int32_t detector_class, float keep_prob);

/// Indices of the detections the classifier sees: all of them when there
/// are at most `max_boxes`, else the `max_boxes` highest scores (ties: the
/// earlier one), in index order.
std::vector<size_t> boxes_to_classify(const std::vector<detection>& dets,
                                      size_t max_boxes);

/// A second opinion on each detection's class: a small CNN on a
/// native-resolution crop around it (decision 0005). Not thread-safe.
class crop_classifier {
public:
  /// Loads the model and its names; its classes are matched by name to
  /// `detector_names` (a class the detector lacks, e.g. "background", never
  /// becomes a label). `keep_prob`: see relabelled_class; `max_boxes`: see
  /// boxes_to_classify. Fails with ec::model_failed naming the file.
  static caf::expected<crop_classifier>
  load(const std::string& model, const std::vector<std::string>& detector_names,
       float keep_prob, size_t max_boxes);

  /// Relabels the detections boxes_to_classify picks (relabelled_class),
  /// all their crops in one forward pass; the others keep their class.
  caf::error relabel(const cv::Mat& bgr, std::vector<detection>& dets);

private:
  crop_classifier() = default;

  cv::dnn::Net net_;
  /// Classifier output index -> detector class id, or -1.
  std::vector<int32_t> to_detector_;
  size_t detector_classes_ = 0;
  float keep_prob_ = 0;
  size_t max_boxes_ = 0;
  std::vector<cv::Mat> crops_;
  cv::Mat blob_;
};

} // namespace argus
