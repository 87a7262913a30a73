// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/detector.hpp"

#include "messages/error.hpp"

#include <fstream>
#include <mutex>
#include <opencv2/core/utility.hpp>
#include <optional>

namespace argus {

caf::expected<std::vector<std::string>> read_names(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return caf::make_error(ec::model_failed, "cannot read names file " + path);
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.pop_back();
    if (!line.empty())
      names.push_back(line);
  }
  if (names.empty())
    return caf::make_error(ec::model_failed, "names file is empty: " + path);
  return names;
}

bool use_opencv_threads(int threads) {
  static std::mutex mtx;
  static std::optional<int> applied;
  std::lock_guard<std::mutex> guard{mtx};
  if (!applied) {
    cv::setNumThreads(threads);
    applied = threads;
  }
  return *applied == threads;
}

caf::expected<detector> detector::load(const detector_config& cfg) {
  // Before the first forward pass of any detector; see use_opencv_threads.
  use_opencv_threads(cfg.threads);
  auto names = read_names(cfg.names);
  if (!names)
    return names.error();
  detector d;
  d.cfg_ = cfg;
  d.names_ = std::move(*names);
  try {
    d.net_ = cv::dnn::readNetFromONNX(cfg.model);
  } catch (const cv::Exception& e) {
    return caf::make_error(ec::model_failed,
                           "cannot load model " + cfg.model + ": " + e.what());
  }
  if (d.net_.empty())
    return caf::make_error(ec::model_failed, "empty model " + cfg.model);
  if (cfg.layout == "yolov8") {
    d.layout_ = yolo_layout::yolov8;
    d.layout_known_ = true;
  } else if (cfg.layout == "yolov5") {
    d.layout_ = yolo_layout::yolov5;
    d.layout_known_ = true;
  }
  d.net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  d.net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return d;
}

const char* detector::layout_name() const {
  if (!layout_known_)
    return "";
  return layout_ == yolo_layout::yolov8 ? "yolov8" : "yolov5";
}

std::string detector::label(int32_t class_id) const {
  if (class_id >= 0 && size_t(class_id) < names_.size())
    return names_[size_t(class_id)];
  return "class_" + std::to_string(class_id);
}

caf::expected<std::vector<detection>> detector::detect(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    return caf::make_error(ec::invalid_argument, "detector needs a BGR frame");
  try {
    letterbox_transform tf;
    cv::Size in_size(cfg_.input_width, cfg_.input_height);
    letterbox(bgr, in_size, input_, tf);
    cv::dnn::blobFromImage(input_, blob_, 1.0 / 255.0, cv::Size(), cv::Scalar(),
                           /*swapRB*/ true, /*crop*/ false);
    net_.setInput(blob_);
    cv::Mat out = net_.forward();
    auto nc = int(names_.size());
    if (!layout_known_) {
      if (!guess_layout(out, nc, layout_))
        return caf::make_error(ec::model_failed,
                               "model output shape fits neither YOLOv5 nor "
                               "YOLOv8 layout for "
                                   + std::to_string(nc) + " classes");
      layout_known_ = true;
    }
    yolo_decode_params p{cfg_.conf_threshold, cfg_.nms_threshold};
    return decode_yolo(out, layout_, nc, tf, bgr.size(), p);
  } catch (const cv::Exception& e) {
    return caf::make_error(ec::model_failed,
                           std::string("inference failed: ") + e.what());
  }
}

} // namespace argus
