// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/analytics/yolo_decode.hpp"
#include "core/config.hpp"
#include "messages/types.hpp"

#include <caf/expected.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

namespace argus {

/// An ONNX YOLO detector on OpenCV DNN: letterbox preprocessing, forward,
/// YOLOv5 or YOLOv8 output decoding and class-aware NMS. Not thread-safe:
/// one instance per detector actor.
class detector {
public:
  /// Loads the model and class names. Fails with ec::model_failed and a
  /// message naming the file when either cannot be read.
  static caf::expected<detector> load(const detector_config& cfg);

  /// Detects objects in a BGR frame; boxes are in frame pixels.
  caf::expected<std::vector<detection>> detect(const cv::Mat& bgr);

  /// Class names, indexed by class id.
  const std::vector<std::string>& names() const { return names_; }

  /// Name of a class id ("class_<n>" when the names file is short).
  std::string label(int32_t class_id) const;

  /// "yolov8" or "yolov5" once configured or found by a forward pass;
  /// "" before the first detect() of an "auto" model.
  const char* layout_name() const;

private:
  detector() = default;

  detector_config cfg_;
  cv::dnn::Net net_;
  std::vector<std::string> names_;
  bool layout_known_ = false;
  yolo_layout layout_ = yolo_layout::yolov8;
  cv::Mat input_;
  cv::Mat blob_;
};

/// Sets OpenCV's worker-thread count for the whole process, once: the first
/// call applies `threads`, later calls change nothing and return false when
/// they asked for another count. OpenCV's pool is global (with Debian's TBB
/// backend, cv::setNumThreads tears down and rebuilds one shared task
/// arena), so setting it again while another thread runs OpenCV crashes
/// the process. detector::load calls this; `argus serve` loads its models
/// on the main thread before any actor or camera starts, so the first call
/// happens before any other thread uses OpenCV. Nothing calls
/// cv::setNumThreads per frame.
bool use_opencv_threads(int threads);

/// Reads a names file (one class per line, blank lines skipped).
caf::expected<std::vector<std::string>> read_names(const std::string& path);

} // namespace argus
