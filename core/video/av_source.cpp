// SPDX-License-Identifier: Apache-2.0
#include "core/video/av_source.hpp"

#include "core/video/av_error.hpp"
#include "messages/error.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

namespace argus {

av_source::av_source(const camera_config& cfg) : cfg_(cfg) {
  // nop
}

av_source::~av_source() {
  close();
}

int av_source::interrupt_cb(void* self) {
  auto* src = static_cast<av_source*>(self);
  return std::chrono::steady_clock::now() > src->deadline_ ? 1 : 0;
}

void av_source::arm_deadline(int ms) {
  deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
}

caf::error av_source::fail(const std::string& what, int averr) {
  auto msg = what + " " + cfg_.url;
  if (averr != 0)
    msg += ": " + av_error_text(averr);
  if (averr == AVERROR_EXIT)
    msg += " (timed out after " + std::to_string(cfg_.read_timeout_ms) + " ms)";
  return caf::make_error(ec::source_failed, msg);
}

caf::error av_source::open() {
  close();
  fmt_ = avformat_alloc_context();
  fmt_->interrupt_callback.callback = &av_source::interrupt_cb;
  fmt_->interrupt_callback.opaque = this;
  AVDictionary* opts = nullptr;
  if (cfg_.source == source_kind::rtsp) {
    av_dict_set(&opts, "rtsp_transport", "tcp", 0);
    // Socket-level timeout in microseconds, beside the interrupt callback.
    av_dict_set(&opts, "timeout",
                std::to_string(int64_t(cfg_.read_timeout_ms) * 1000).c_str(),
                0);
  }
  // Opening includes probing, which on a live stream waits for a keyframe
  // (a GOP can be seconds long): it gets its own, longer deadline. An
  // interrupt in the middle of probing would leave the RTSP connection
  // mid-packet (measured: one frame, then "CSeq 4 expected, 0 received"
  // and EOF on every reconnect), so it counts as a failed open.
  arm_deadline(cfg_.open_timeout_ms);
  auto url = cfg_.url;
  if (url.rfind("file://", 0) == 0)
    url = url.substr(7);
  int rc = avformat_open_input(&fmt_, url.c_str(), nullptr, &opts);
  av_dict_free(&opts);
  if (rc < 0) {
    fmt_ = nullptr; // freed by avformat_open_input on failure
    return fail("cannot open", rc);
  }
  if ((rc = avformat_find_stream_info(fmt_, nullptr)) < 0)
    return fail("cannot read stream info of", rc);
  if (interrupt_cb(this))
    return fail("timed out probing", AVERROR_EXIT);
  const AVCodec* dec = nullptr;
  stream_ = av_find_best_stream(fmt_, AVMEDIA_TYPE_VIDEO, -1, -1, &dec, 0);
  if (stream_ < 0 || !dec)
    return fail("no decodable video stream in", stream_ < 0 ? stream_ : 0);
  codec_ = avcodec_alloc_context3(dec);
  avcodec_parameters_to_context(codec_, fmt_->streams[stream_]->codecpar);
  codec_->thread_count = 1;
  if ((rc = avcodec_open2(codec_, dec, nullptr)) < 0)
    return fail("cannot open decoder for", rc);
  frame_ = av_frame_alloc();
  packet_ = av_packet_alloc();
  auto rate = av_guess_frame_rate(fmt_, fmt_->streams[stream_], nullptr);
  double fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 25.0;
  interval_s_
      = cfg_.source == source_kind::file && cfg_.realtime ? 1.0 / fps : 0.0;
  return caf::none;
}

caf::error av_source::rewind() {
  arm_deadline(cfg_.read_timeout_ms);
  int rc = av_seek_frame(fmt_, stream_, 0, AVSEEK_FLAG_BACKWARD);
  if (rc < 0)
    return fail("cannot loop", rc);
  avcodec_flush_buffers(codec_);
  return caf::none;
}

caf::error av_source::decode_one(frame& out, bool& got) {
  got = false;
  int rc = avcodec_receive_frame(codec_, frame_);
  if (rc == AVERROR(EAGAIN))
    return caf::none;
  if (rc == AVERROR_EOF) {
    if (cfg_.source == source_kind::file)
      return rewind();
    return fail("stream ended:", rc);
  }
  if (rc < 0)
    return fail("decode error in", rc);
  auto w = frame_->width, h = frame_->height;
  sws_ = sws_getCachedContext(sws_, w, h, AVPixelFormat(frame_->format), w, h,
                              AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr,
                              nullptr);
  if (!sws_)
    return fail("cannot convert pixel format of", 0);
  cv::Mat bgr(h, w, CV_8UC3);
  uint8_t* dst[1] = {bgr.data};
  int dst_stride[1] = {int(bgr.step)};
  sws_scale(sws_, frame_->data, frame_->linesize, 0, h, dst, dst_stride);
  av_frame_unref(frame_);
  out.bgr = bgr;
  out.index = next_index_++;
  out.truth.clear();
  got = true;
  return caf::none;
}

caf::error av_source::read(frame& out) {
  if (!fmt_)
    if (auto err = open())
      return err;
  for (;;) {
    bool got = false;
    if (auto err = decode_one(out, got))
      return err;
    if (got)
      return caf::none;
    arm_deadline(cfg_.read_timeout_ms);
    int rc = av_read_frame(fmt_, packet_);
    if (rc == AVERROR_EOF) {
      avcodec_send_packet(codec_, nullptr); // drain, then loop or fail
      continue;
    }
    if (rc < 0)
      return fail("cannot read from", rc);
    if (packet_->stream_index == stream_) {
      rc = avcodec_send_packet(codec_, packet_);
      // Corrupt packets are skipped: the decoder resyncs at the next one.
      if (rc < 0 && rc != AVERROR(EAGAIN) && rc != AVERROR_INVALIDDATA) {
        av_packet_unref(packet_);
        return fail("decoder rejected a packet from", rc);
      }
    }
    av_packet_unref(packet_);
  }
}

double av_source::frame_interval_s() const {
  return interval_s_;
}

void av_source::close() {
  if (sws_) {
    sws_freeContext(sws_);
    sws_ = nullptr;
  }
  if (packet_)
    av_packet_free(&packet_);
  if (frame_)
    av_frame_free(&frame_);
  if (codec_)
    avcodec_free_context(&codec_);
  if (fmt_)
    avformat_close_input(&fmt_);
  stream_ = -1;
}

} // namespace argus
