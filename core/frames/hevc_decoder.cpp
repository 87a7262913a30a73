// SPDX-License-Identifier: Apache-2.0
#include "core/frames/hevc_decoder.hpp"

#include "core/video/av_error.hpp"
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

hevc_decoder::hevc_decoder(clip_index_ptr index) : index_(std::move(index)) {
  first_.reserve(index_->iraps.size() + 1);
  int64_t n = 0;
  for (const auto& chunk : index_->iraps) {
    first_.push_back(n);
    n += static_cast<int64_t>(chunk.frames.size());
  }
  first_.push_back(n);
}

hevc_decoder::~hevc_decoder() {
  av_packet_free(&pkt_);
  av_frame_free(&frame_);
  avcodec_free_context(&ctx_);
}

int32_t hevc_decoder::chunk_of(int64_t ordinal) const {
  auto it = std::upper_bound(first_.begin(), first_.end(), ordinal);
  return static_cast<int32_t>(it - first_.begin()) - 1;
}

void hevc_decoder::restart(int32_t start, int64_t emit_from) {
  avcodec_flush_buffers(ctx_);
  // The bytes stay valid whatever the pass; those before it are not read.
  auto chunks = std::move(pass_.chunks);
  chunks.erase(chunks.begin(), chunks.lower_bound(start));
  pass_ = pass_state{};
  pass_.chunks = std::move(chunks);
  pass_.start = start;
  pass_.next = first_[static_cast<size_t>(start)];
  pass_.emit_from = emit_from;
  ++stats_.passes;
}

bool hevc_decoder::can_resume(const std::vector<int64_t>& wanted,
                              int32_t start) const {
  // A pass that started after `start` dropped the RASL pictures wanted
  // (their references were never decoded); one that has not reached
  // `start` yet would decode more than a restart there.
  if (pass_.start < 0 || pass_.draining || pass_.start > start
      || pass_.next < first_[static_cast<size_t>(start)])
    return false;
  // Everything wanted can still come out of it or already did: nothing
  // skipped, nothing produced but dropped. (Decode-ahead may ask for a
  // frame the reorder delay already pushed out and emitted; that frame is
  // served, so the pass goes on.)
  for (auto w : wanted)
    if (pass_.skipped.count(w)
        || (pass_.produced.count(w) && !pass_.emitted.count(w)))
      return false;
  return true;
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
    auto ordinal = frame_->pts;
    ++stats_.decoded;
    bool corrupt = (frame_->flags & AV_FRAME_FLAG_CORRUPT)
                   || frame_->decode_error_flags != 0 || pass_.damaged;
    if (corrupt && detail && detail->empty())
      *detail = "the decoded picture is damaged (corrupt bitstream)";
    if (!corrupt) {
      pass_.produced.insert(ordinal);
      if ((emit_all && ordinal >= pass_.emit_from)
          || pass_.wanted.count(ordinal)) {
        pass_.emitted.insert(ordinal);
        auto chunk = chunk_of(ordinal);
        emit(decoded_picture{
            chunk, static_cast<int32_t>(ordinal - first_[chunk]), frame_});
      }
    }
    av_frame_unref(frame_);
  }
  return ok;
}

std::vector<int32_t> hevc_decoder::decode(const decode_job& job,
                                          const on_picture& emit,
                                          std::string* detail) {
  const auto c = job.irap_index;
  const bool emit_all = job.encode_all;
  const auto& frames = index_->iraps.at(static_cast<size_t>(c)).frames;
  std::vector<int64_t> wanted;
  for (auto d : job.wanted)
    wanted.push_back(ordinal(c, d));
  // Where a fresh pass would start: at the previous chunk's IRAP when a
  // wanted frame is a RASL picture, else at the chunk's own. Sequential
  // output goes on to the chunk's later frames, so its RASL pictures to
  // come also start it there when those bytes are at hand (else each of
  // them would restart the pass).
  auto first = job.wanted.empty()
                   ? 0
                   : *std::min_element(job.wanted.begin(), job.wanted.end());
  bool rasl_wanted = false, rasl_ahead = false;
  for (auto d : job.wanted)
    rasl_wanted
        = rasl_wanted || frames.at(static_cast<size_t>(d)).from_previous_chunk;
  for (const auto& f : frames)
    rasl_ahead
        = rasl_ahead
          || (emit_all && f.from_previous_chunk && f.decode_index >= first);
  bool previous_at_hand = job.previous || pass_.chunks.count(c - 1) > 0;
  int32_t start = rasl_wanted || (rasl_ahead && previous_at_hand) ? c - 1 : c;
  // Decode-ahead may ask for frames this pass already handed out (the
  // reorder delay pushes frames out before they are asked for): nothing
  // to do, even when the pass has drained at the clip's end.
  if (emit_all && pass_.start >= 0 && !wanted.empty()
      && std::all_of(wanted.begin(), wanted.end(),
                     [&](int64_t w) { return pass_.emitted.count(w) > 0; }))
    return {};
  if (!can_resume(wanted, start))
    restart(start, first_[static_cast<size_t>(c)]);
  if (job.previous && c > 0)
    pass_.chunks[c - 1] = job.previous;
  if (job.chunk)
    pass_.chunks[c] = job.chunk;
  if (job.following)
    pass_.chunks[c + 1] = job.following;
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
  const auto total = first_.back();
  std::string missing;
  while (!all_out() && pass_.next < total) {
    auto o = pass_.next;
    auto k = chunk_of(o);
    const auto& entry = index_->iraps[static_cast<size_t>(k)];
    const auto& f = entry.frames[static_cast<size_t>(o - first_[k])];
    // The RASL pictures of the pass's own first IRAP: their references
    // precede the pass, and the decoder would drop them unseen.
    bool orphan = k == pass_.start && f.from_previous_chunk;
    // Non-reference pictures of the top sub-layer nobody wants and that
    // sequential output will not hand out.
    bool unneeded = !pass_.wanted.count(o) && !f.reference
                    && f.temporal_id >= index_->max_temporal_id
                    && (!emit_all || o < pass_.emit_from);
    if (orphan || unneeded) {
      pass_.skipped.insert(o);
      stats_.skipped += unneeded ? 1 : 0;
      ++pass_.next;
      continue;
    }
    auto bytes = pass_.chunks.find(k);
    if (bytes == pass_.chunks.end() || !bytes->second) {
      missing = "the bytes of the chunk at IRAP " + std::to_string(entry.offset)
                + " were not handed to the decoder";
      break;
    }
    auto at = f.offset - entry.offset;
    if (at < 0 || at + f.size > static_cast<int64_t>(bytes->second->size())) {
      missing = "chunk data ends before frame " + std::to_string(f.offset);
      break;
    }
    av_packet_unref(pkt_);
    if (av_new_packet(pkt_, f.size) < 0)
      break;
    std::memcpy(pkt_->data, bytes->second->data() + at,
                static_cast<size_t>(f.size));
    pkt_->pts = o;
    pkt_->dts = o;
    ++pass_.next;
    feed(pkt_, emit_all, emit, detail);
    // A random request needs nothing after its last frame: drain now
    // rather than decode further pictures just to push it out.
    if (!emit_all && o >= last_wanted)
      break;
  }
  if (!all_out() || pass_.next >= total) {
    feed(nullptr, emit_all, emit, detail);
    pass_.draining = true;
    pass_.chunks.clear();
  } else {
    // Chunks the pass has left behind are never read again.
    pass_.chunks.erase(pass_.chunks.begin(),
                       pass_.chunks.lower_bound(chunk_of(pass_.next)));
  }
  std::vector<int32_t> failed;
  for (auto d : job.wanted)
    if (!pass_.produced.count(ordinal(c, d)))
      failed.push_back(d);
  if (!failed.empty() && detail && detail->empty())
    *detail = missing.empty() ? "the decoder produced no picture for the frame "
                                "(damaged data)"
                              : missing;
  return failed;
}

} // namespace argus
