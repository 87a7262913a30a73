// SPDX-License-Identifier: Apache-2.0
#include "core/hevc_decoder.hpp"

#include "core/av_error.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <cstring>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
}

namespace argus {

caf::expected<std::unique_ptr<hevc_decoder>>
hevc_decoder::open(clip_index_ptr index) {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_HEVC);
  if (!codec)
    return caf::make_error(ec::unsupported_clip, "FFmpeg has no HEVC decoder");
  std::unique_ptr<hevc_decoder> dec{new hevc_decoder(std::move(index))};
  dec->ctx_ = avcodec_alloc_context3(codec);
  dec->frame_ = av_frame_alloc();
  dec->pkt_ = av_packet_alloc();
  if (!dec->ctx_ || !dec->frame_ || !dec->pkt_)
    return caf::make_error(ec::decode_failed, "out of memory");
  // One thread per decoder: independent decoders per clip scale across
  // cores better than one multi-threaded decoder (docs/benchmarks.md).
  dec->ctx_->thread_count = 1;
  // Report damaged slices as errors instead of concealing them, so a
  // corrupt frame is an error, never a silently wrong image.
  dec->ctx_->err_recognition |= AV_EF_EXPLODE;
  const auto& extra = dec->index_->extradata;
  if (!extra.empty()) {
    dec->ctx_->extradata = static_cast<uint8_t*>(
        av_mallocz(extra.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    std::memcpy(dec->ctx_->extradata, extra.data(), extra.size());
    dec->ctx_->extradata_size = static_cast<int>(extra.size());
  }
  if (auto rc = avcodec_open2(dec->ctx_, codec, nullptr); rc < 0)
    return caf::make_error(ec::unsupported_clip,
                           "cannot open the HEVC decoder with the clip's "
                           "parameter sets: "
                               + av_error_text(rc));
  return dec;
}

hevc_decoder::~hevc_decoder() {
  av_packet_free(&pkt_);
  av_frame_free(&frame_);
  avcodec_free_context(&ctx_);
}

void hevc_decoder::reset() {
  avcodec_flush_buffers(ctx_);
  pass_ = pass_state{};
}

bool hevc_decoder::feed(const AVPacket* pkt, bool emit_all,
                        const on_picture& emit, std::string* detail) {
  int rc = avcodec_send_packet(ctx_, pkt);
  bool ok = true;
  if (rc < 0 && rc != AVERROR_EOF) {
    ok = false;
    pass_.damaged = true;
    if (detail)
      *detail = "decoder rejected the data: " + av_error_text(rc);
  }
  while (avcodec_receive_frame(ctx_, frame_) == 0) {
    auto index = static_cast<int32_t>(frame_->pts);
    ++stats_.decoded;
    bool corrupt = (frame_->flags & AV_FRAME_FLAG_CORRUPT)
                   || frame_->decode_error_flags != 0 || pass_.damaged;
    if (corrupt && detail && detail->empty())
      *detail = "the decoded picture is damaged (corrupt bitstream)";
    if (!corrupt) {
      pass_.produced.insert(index);
      if (emit_all || pass_.wanted.count(index)) {
        pass_.emitted.insert(index);
        emit(decoded_picture{index, frame_});
      }
    }
    av_frame_unref(frame_);
  }
  return ok;
}

std::vector<int32_t> hevc_decoder::decode(int32_t irap_index,
                                          const std::string& chunk,
                                          const std::vector<int32_t>& wanted,
                                          bool emit_all, const on_picture& emit,
                                          std::string* detail) {
  const auto& entry = index_->iraps.at(static_cast<size_t>(irap_index));
  const auto& frames = entry.frames;
  // Decode-ahead may ask for frames this pass already handed out (the
  // reorder delay pushes frames out before they are asked for): nothing
  // to do, even when the pass has drained at the chunk's end.
  if (emit_all && pass_.irap_index == irap_index && !wanted.empty()
      && std::all_of(wanted.begin(), wanted.end(),
                     [&](int32_t w) { return pass_.emitted.count(w) > 0; }))
    return {};
  // Continue the open pass only if everything wanted can still come out
  // of it or already did: nothing skipped, nothing produced but dropped.
  // (Decode-ahead may ask for a frame the reorder delay already pushed out
  // and emitted; that frame is served, so the pass goes on.)
  bool resume = pass_.irap_index == irap_index && !pass_.draining;
  for (auto w : wanted)
    if (pass_.skipped.count(w)
        || (pass_.produced.count(w) && !pass_.emitted.count(w)))
      resume = false;
  if (!resume) {
    reset();
    pass_.irap_index = irap_index;
    ++stats_.passes;
  }
  pass_.wanted.clear();
  pass_.wanted.insert(wanted.begin(), wanted.end());
  auto last_wanted
      = wanted.empty() ? -1 : *std::max_element(wanted.begin(), wanted.end());
  auto all_out = [&] {
    for (auto w : wanted)
      if (!pass_.produced.count(w))
        return false;
    return true;
  };
  auto size = static_cast<int32_t>(frames.size());
  while (!all_out() && pass_.next < size) {
    auto i = pass_.next++;
    const auto& f = frames[static_cast<size_t>(i)];
    if (!emit_all && !pass_.wanted.count(i) && !f.reference
        && f.temporal_id >= index_->max_temporal_id) {
      pass_.skipped.insert(i);
      ++stats_.skipped;
      continue;
    }
    auto at = f.offset - entry.offset;
    if (at < 0 || at + f.size > static_cast<int64_t>(chunk.size())) {
      if (detail)
        *detail = "chunk data ends before frame " + std::to_string(f.offset);
      break;
    }
    av_packet_unref(pkt_);
    if (av_new_packet(pkt_, f.size) < 0)
      break;
    std::memcpy(pkt_->data, chunk.data() + at, static_cast<size_t>(f.size));
    pkt_->pts = i;
    pkt_->dts = i;
    feed(pkt_, emit_all, emit, detail);
    // A random request needs nothing after its last frame: drain now
    // rather than decode further pictures just to push it out.
    if (!emit_all && i >= last_wanted)
      break;
  }
  if (!all_out() || pass_.next >= size) {
    feed(nullptr, emit_all, emit, detail);
    pass_.draining = true;
  }
  std::vector<int32_t> failed;
  for (auto w : wanted)
    if (!pass_.produced.count(w))
      failed.push_back(w);
  if (!failed.empty() && detail && detail->empty())
    *detail = "the decoder produced no picture for the frame (a leading "
              "picture that needs the previous chunk, or damaged data)";
  return failed;
}

} // namespace argus
