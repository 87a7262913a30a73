// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/frame_types.hpp"

#include <caf/expected.hpp>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

struct AVCodecContext;
struct AVFrame;
struct AVPacket;

namespace argus {

/// A decoded picture and where it sits in the index.
struct decoded_picture {
  /// Its chunk: a pass may run across chunk boundaries (open GOPs).
  int32_t irap_index = 0;
  int32_t decode_index = 0;
  const AVFrame* frame = nullptr;
};

/// One clip's single-threaded libavcodec HEVC decoder, opened once with the
/// clip's parameter sets and reused for every pass.
///
/// A pass feeds pictures in the clip's decode order from one IRAP on. It
/// starts at the IRAP the wanted frames decode from: their own chunk's, or
/// the previous chunk's for the RASL pictures of an open GOP (they predict
/// from pictures before their CRA, so the pass decodes through the
/// previous chunk and the CRA, exactly as a decode of the whole stream
/// would). It does only the work the wanted frames need: sub-layer
/// non-reference pictures that are not wanted are skipped; a random
/// request drains the decoder right after its last wanted picture is sent;
/// a sequential pass stays open, also across chunk boundaries when the
/// next chunk's bytes are at hand, so the next request continues where
/// this one stopped (no drain, no restart).
class hevc_decoder {
public:
  /// Called for each picture the pass produces that the caller asked for.
  using on_picture = std::function<void(const decoded_picture&)>;

  /// Counters of the work done, for status views and benchmarks.
  struct counters {
    int64_t passes = 0;
    int64_t decoded = 0;
    int64_t skipped = 0;
  };

  static caf::expected<std::unique_ptr<hevc_decoder>>
  open(clip_index_ptr index);
  ~hevc_decoder();
  hevc_decoder(const hevc_decoder&) = delete;
  hevc_decoder& operator=(const hevc_decoder&) = delete;

  /// Produces the wanted frames (decode indices) of chunk
  /// `job.irap_index`. With `job.encode_all`, every picture the pass
  /// outputs from that chunk on is handed to `emit` and skipping is off
  /// there (sequential playback); otherwise only wanted ones. Frames the
  /// open pass already emitted are not emitted again. @returns the wanted
  /// frames the pass could not produce (corrupt or missing data).
  std::vector<int32_t> decode(const decode_job& job, const on_picture& emit,
                              std::string* detail = nullptr);

  const counters& stats() const { return stats_; }

private:
  explicit hevc_decoder(clip_index_ptr index);
  /// Position of a frame in the clip's decode order over all chunks.
  int64_t ordinal(int32_t chunk, int32_t decode_index) const {
    return first_[static_cast<size_t>(chunk)] + decode_index;
  }
  /// The chunk holding the frame at `ordinal`.
  int32_t chunk_of(int64_t ordinal) const;
  /// Whether the open pass can produce `wanted` (ordinals) without a
  /// restart at chunk `start`, and no later than a restart would.
  bool can_resume(const std::vector<int64_t>& wanted, int32_t start) const;
  /// Drops the current pass (flushes the codec's buffers) and opens one at
  /// chunk `start` that emits sequential output from `emit_from` on.
  void restart(int32_t start, int64_t emit_from);
  /// Sends one packet (or nullptr to drain) and hands out what comes out.
  bool feed(const AVPacket* pkt, bool emit_all, const on_picture& emit,
            std::string* detail);

  clip_index_ptr index_;
  /// Ordinal of each chunk's first frame; the last entry is the total.
  std::vector<int64_t> first_;
  AVCodecContext* ctx_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* pkt_ = nullptr;
  counters stats_;

  /// The open pass: where it started, the next picture to send and what
  /// has come out or been skipped so far (all as ordinals).
  struct pass_state {
    /// Chunk of the IRAP the pass started at; -1: none open.
    int32_t start = -1;
    int64_t next = 0;
    /// With emit_all, frames before this one are not handed out: they are
    /// only references for the RASL pictures the pass was started for.
    int64_t emit_from = 0;
    bool draining = false;
    /// The decoder rejected data of this pass: later pictures may predict
    /// from a damaged or missing reference, so none is handed out.
    bool damaged = false;
    std::set<int64_t> skipped;
    std::set<int64_t> produced;
    /// Produced and handed to the caller.
    std::set<int64_t> emitted;
    std::set<int64_t> wanted;
    /// Bytes of the chunks the pass is in or may run into.
    std::map<int32_t, bytes_ptr> chunks;
  };
  pass_state pass_;
};

} // namespace argus
