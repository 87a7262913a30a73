// SPDX-License-Identifier: Apache-2.0
#include "core/video/jpeg_encoder.hpp"

#include "messages/error.hpp"

#include <algorithm>
#include <cmath>
#include <turbojpeg.h>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
}

namespace argus {

namespace {

uint8_t clamp_byte(double v) {
  return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

} // namespace

jpeg_encoder::jpeg_encoder() : handle_(tjInitCompress()) {
  // BT.601/709 limited range: Y' 16..235 and Cb/Cr 16..240 around 128.
  for (int v = 0; v < 256; ++v) {
    luma_lut_[v] = clamp_byte((v - 16) * 255.0 / 219.0);
    chroma_lut_[v] = clamp_byte((v - 128) * 255.0 / 224.0 + 128.0);
  }
}

jpeg_encoder::~jpeg_encoder() {
  if (handle_)
    tjDestroy(handle_);
}

void jpeg_encoder::expand_range(const AVFrame& f) {
  for (int p = 0; p < 3; ++p) {
    int w = p == 0 ? f.width : (f.width + 1) / 2;
    int h = p == 0 ? f.height : (f.height + 1) / 2;
    const uint8_t* lut = p == 0 ? luma_lut_ : chroma_lut_;
    auto& dst = planes_[p];
    dst.resize(static_cast<size_t>(w) * static_cast<size_t>(h));
    for (int y = 0; y < h; ++y) {
      const uint8_t* src
          = f.data[p] + static_cast<ptrdiff_t>(y) * f.linesize[p];
      uint8_t* row = dst.data() + static_cast<size_t>(y) * w;
      for (int x = 0; x < w; ++x)
        row[x] = lut[src[x]];
    }
  }
}

caf::expected<std::string> jpeg_encoder::encode(const AVFrame& f, int quality) {
  if (!handle_)
    return caf::make_error(ec::decode_failed, "tjInitCompress failed");
  auto fmt = static_cast<AVPixelFormat>(f.format);
  if (fmt != AV_PIX_FMT_YUV420P && fmt != AV_PIX_FMT_YUVJ420P) {
    const char* name = av_get_pix_fmt_name(fmt);
    return caf::make_error(ec::unsupported_clip,
                           std::string("pixel format ")
                               + (name ? name : "unknown")
                               + " is not served (8-bit 4:2:0 only)");
  }
  bool full_range
      = fmt == AV_PIX_FMT_YUVJ420P || f.color_range == AVCOL_RANGE_JPEG;
  const unsigned char* planes[3];
  int strides[3];
  if (full_range) {
    for (int p = 0; p < 3; ++p) {
      planes[p] = f.data[p];
      strides[p] = f.linesize[p];
    }
  } else {
    expand_range(f);
    for (int p = 0; p < 3; ++p) {
      planes[p] = planes_[p].data();
      strides[p] = p == 0 ? f.width : (f.width + 1) / 2;
    }
  }
  out_.resize(tjBufSize(f.width, f.height, TJSAMP_420));
  auto* buf = out_.data();
  unsigned long size = out_.size();
  int rc = tjCompressFromYUVPlanes(
      handle_, planes, f.width, strides, f.height, TJSAMP_420, &buf, &size,
      std::clamp(quality, 1, 100), TJFLAG_NOREALLOC | TJFLAG_FASTDCT);
  if (rc != 0)
    return caf::make_error(ec::decode_failed,
                           std::string("JPEG encoding failed: ")
                               + tjGetErrorStr2(handle_));
  return std::string(reinterpret_cast<const char*>(buf), size);
}

caf::expected<std::string> jpeg_encoder::encode_bgr(const uint8_t* bgr,
                                                    int width, int height,
                                                    int stride, int quality) {
  if (!handle_)
    return caf::make_error(ec::decode_failed, "tjInitCompress failed");
  if (!bgr || width <= 0 || height <= 0)
    return caf::make_error(ec::invalid_argument, "empty picture");
  out_.resize(tjBufSize(width, height, TJSAMP_420));
  auto* buf = out_.data();
  unsigned long size = out_.size();
  int rc = tjCompress2(handle_, bgr, width, stride, height, TJPF_BGR, &buf,
                       &size, TJSAMP_420, std::clamp(quality, 1, 100),
                       TJFLAG_NOREALLOC | TJFLAG_FASTDCT);
  if (rc != 0)
    return caf::make_error(ec::decode_failed,
                           std::string("JPEG encoding failed: ")
                               + tjGetErrorStr2(handle_));
  return std::string(reinterpret_cast<const char*>(buf), size);
}

} // namespace argus
