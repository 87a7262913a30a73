// SPDX-License-Identifier: Apache-2.0
#include "core/video/video_file.hpp"

#include "messages/error.hpp"

#include <cmath>
#include <filesystem>

namespace argus {

caf::expected<video_file> video_file::open(const std::string& path) {
  // OpenCV reports a missing file and a corrupt one alike (not opened);
  // tell them apart for the user.
  std::error_code err;
  if (!std::filesystem::is_regular_file(path, err))
    return caf::make_error(ec::source_failed, "no such video file: " + path);
  video_file v;
  v.capture_ = std::make_unique<cv::VideoCapture>(path, cv::CAP_FFMPEG);
  if (!v.capture_->isOpened())
    return caf::make_error(ec::source_failed, "cannot open video: " + path);
  if (!v.capture_->read(v.first_) || v.first_.empty())
    return caf::make_error(ec::source_failed,
                           "no frame could be decoded from " + path);
  v.first_pending_ = true;
  return v;
}

bool video_file::next(cv::Mat& bgr) {
  if (first_pending_) {
    first_pending_ = false;
    bgr = first_;
    first_.release();
  } else if (!capture_->read(bgr) || bgr.empty()) {
    return false;
  }
  ++frame_number_;
  return true;
}

double video_file::fps(double fallback) const {
  auto f = capture_->get(cv::CAP_PROP_FPS);
  return std::isfinite(f) && f > 0 && f < 1000 ? f : fallback;
}

} // namespace argus
