// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <caf/expected.hpp>
#include <cstdint>
#include <memory>
#include <opencv2/videoio.hpp>
#include <string>

namespace argus {

/// Every frame of a video file, in decode order, once: the offline twin of a
/// file camera, which loops, paces and keeps only the newest frame. Offline
/// evaluation (`argus detect`, `argus track --video`) needs each frame.
class video_file {
public:
  /// Opens `path`. Fails with ec::source_failed naming the file when it is
  /// missing, cannot be opened, or yields no first frame (a corrupt file).
  static caf::expected<video_file> open(const std::string& path);

  /// Decodes the next frame into `bgr` (BGR, 8 bits). @returns false at
  /// the end of the file.
  bool next(cv::Mat& bgr);

  /// 1-based number of the frame `next` returned last (0 before the first).
  int64_t frame_number() const { return frame_number_; }

  /// The container's frame rate, or `fallback` when it reports none.
  double fps(double fallback = 30.0) const;

private:
  video_file() = default;

  std::unique_ptr<cv::VideoCapture> capture_;
  /// The first frame, decoded by open() to tell a corrupt file early.
  cv::Mat first_;
  bool first_pending_ = false;
  int64_t frame_number_ = 0;
};

} // namespace argus
