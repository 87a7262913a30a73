// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/video/frame_source.hpp"

#include <chrono>

struct AVFormatContext;
struct AVCodecContext;
struct AVFrame;
struct AVPacket;
struct SwsContext;

namespace argus {

/// Decodes a file (any container/codec FFmpeg reads, looped) or an RTSP
/// stream (TCP transport) with libavformat/libavcodec, converting to BGR.
/// Every blocking libav call is bounded by read_timeout_ms through an
/// interrupt callback, so a dead camera fails instead of hanging.
class av_source : public frame_source {
public:
  explicit av_source(const camera_config& cfg);
  ~av_source() override;

  caf::error open() override;
  caf::error read(frame& out) override;
  double frame_interval_s() const override;
  void close() override;

private:
  static int interrupt_cb(void* self);
  /// Interrupts blocking FFmpeg calls `ms` from now.
  void arm_deadline(int ms);
  caf::error fail(const std::string& what, int averr);
  caf::error decode_one(frame& out, bool& got);
  caf::error rewind();

  camera_config cfg_;
  AVFormatContext* fmt_ = nullptr;
  AVCodecContext* codec_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* packet_ = nullptr;
  SwsContext* sws_ = nullptr;
  int stream_ = -1;
  double interval_s_ = 0;
  int64_t next_index_ = 0;
  std::chrono::steady_clock::time_point deadline_;
};

} // namespace argus
