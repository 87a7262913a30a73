// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <caf/expected.hpp>
#include <cstdint>
#include <string>
#include <vector>

struct AVFrame;

namespace argus {

/// JPEG straight from a decoder's 4:2:0 planes with libturbojpeg (no RGB
/// round trip). Video is limited range (Y 16..235, C 16..240) while JFIF is
/// full range, so limited-range pictures are expanded through per-plane
/// lookup tables first; full-range (yuvj) pictures go through untouched.
/// One encoder per thread: it keeps its scratch planes between frames.
class jpeg_encoder {
public:
  jpeg_encoder();
  ~jpeg_encoder();
  jpeg_encoder(const jpeg_encoder&) = delete;
  jpeg_encoder& operator=(const jpeg_encoder&) = delete;

  /// Encodes an 8-bit 4:2:0 frame at `quality` (1..100). Errors:
  /// unsupported_clip for other pixel formats.
  caf::expected<std::string> encode(const AVFrame& frame, int quality);

  /// Encodes a packed 8-bit BGR picture (an OpenCV Mat's data) as 4:2:0
  /// at `quality`: the camera relay's path. Each call starts from the
  /// picture alone, so sizes never drift from frame to frame.
  caf::expected<std::string> encode_bgr(const uint8_t* bgr, int width,
                                        int height, int stride, int quality);

private:
  void expand_range(const AVFrame& frame);

  void* handle_ = nullptr;
  uint8_t luma_lut_[256];
  uint8_t chroma_lut_[256];
  std::vector<uint8_t> planes_[3];
  std::vector<uint8_t> out_;
};

} // namespace argus
