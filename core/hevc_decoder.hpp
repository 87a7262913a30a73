// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/frame_types.hpp"

#include <caf/expected.hpp>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

struct AVCodecContext;
struct AVFrame;
struct AVPacket;

namespace argus {

/// A decoded picture and where it sits in its chunk.
struct decoded_picture {
  int32_t decode_index = 0;
  const AVFrame* frame = nullptr;
};

/// One clip's single-threaded libavcodec HEVC decoder, opened once with the
/// clip's parameter sets and reused for every pass.
///
/// A pass decodes one chunk from its IRAP in decode order. It does only the
/// work the wanted frames need: sub-layer non-reference pictures that are
/// not wanted are skipped; a random request drains the decoder right after
/// its last wanted picture is sent; a sequential pass stays open so the
/// next request continues where this one stopped (no drain, no restart).
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

  /// Produces the wanted frames (decode indices) of chunk `irap_index`,
  /// whose bytes start at the IRAP. With `emit_all`, every picture the
  /// pass outputs is handed to `emit` and skipping is off (sequential
  /// playback); otherwise only wanted ones. With `emit_all`, frames the
  /// open pass already emitted are not emitted again. @returns the wanted
  /// frames the pass could not produce (corrupt data, RASL pictures of an
  /// open GOP).
  std::vector<int32_t> decode(int32_t irap_index, const std::string& chunk,
                              const std::vector<int32_t>& wanted, bool emit_all,
                              const on_picture& emit,
                              std::string* detail = nullptr);

  const counters& stats() const { return stats_; }

private:
  explicit hevc_decoder(clip_index_ptr index) : index_(std::move(index)) {}
  /// Drops the current pass (flushes the codec's buffers).
  void reset();
  /// Sends one packet (or nullptr to drain) and hands out what comes out.
  bool feed(const AVPacket* pkt, bool emit_all, const on_picture& emit,
            std::string* detail);

  clip_index_ptr index_;
  AVCodecContext* ctx_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* pkt_ = nullptr;
  counters stats_;

  /// The open pass: which chunk, the next picture to send and what has
  /// come out or been skipped so far.
  struct pass_state {
    int32_t irap_index = -1;
    int32_t next = 0;
    bool draining = false;
    /// The decoder rejected data of this pass: later pictures may predict
    /// from a damaged or missing reference, so none is handed out.
    bool damaged = false;
    std::set<int32_t> skipped;
    std::set<int32_t> produced;
    /// Produced and handed to the caller.
    std::set<int32_t> emitted;
    std::set<int32_t> wanted;
  };
  pass_state pass_;
};

} // namespace argus
