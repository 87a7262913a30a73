// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/frame_types.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace argus {

/// Decides what one clip's decoder does next. Wanted frames are grouped by
/// (chunk, quality) so one pass serves every client that wants frames of
/// that chunk; groups are served newest first (LIFO: the latest request is
/// what a client is looking at now).
///
/// Sequential playback: a pass is "sequential" when it starts right after
/// where the previous pass stopped in display order. The decoder's pass
/// then stays open: while it is idle the scheduler hands it small
/// decode-ahead slices (every frame encoded and cached) up to
/// `decode_ahead` frames beyond what the player has viewed, on into the
/// next chunk, whose bytes are read ahead. A request for a frame the open
/// pass has not reached yet continues that pass instead of restarting at
/// the IRAP.
///
/// Open GOPs: the RASL pictures of a CRA decode from the previous chunk's
/// IRAP, so a group wanting them waits for both chunks' bytes; a
/// sequential pass is handed the next chunk's bytes too, so it runs on
/// through the CRA without a restart.
class clip_scheduler {
public:
  /// `max_chunks`: chunk byte buffers kept (LRU) for reuse;
  /// `decode_ahead`: frames decoded beyond the player's position.
  clip_scheduler(clip_index_ptr index, size_t max_chunks,
                 int32_t decode_ahead = 32)
      : index_(std::move(index)), max_chunks_(max_chunks),
        decode_ahead_(decode_ahead) {}

  /// Someone waits for this frame (first waiter only; later ones share).
  void want(int32_t irap, int32_t decode_index, int32_t quality);

  /// A client wants the whole chunk (request_chunk): open a sequential
  /// pass on it at once, so its frames come from one pass in decode order
  /// instead of one random pass per handful of requests.
  void play(int32_t irap, int32_t quality);

  /// A client looked at this frame (cached or not): the player position
  /// decode-ahead runs in front of.
  void viewed(int32_t irap, int32_t decode_index, int32_t quality);

  /// A pass produced this frame (wanted or decoded ahead): nobody needs a
  /// later pass for it. Without this, a frame asked for while a sequential
  /// pass was already producing it would be decoded again.
  void produced(int32_t irap, int32_t decode_index, int32_t quality);

  /// Chunk bytes, or null when not loaded.
  bytes_ptr chunk(int32_t irap);
  void chunk_loaded(int32_t irap, bytes_ptr bytes);
  /// A wanted frame that can no longer be decoded.
  struct lost_frame {
    int32_t irap = 0;
    int32_t decode_index = 0;
    int32_t quality = 0;
  };
  /// Forgets the wanted frames that need a chunk that could not be read
  /// (its own, and the next chunk's RASL pictures); @returns them: their
  /// waiters must get the error.
  std::vector<lost_frame> chunk_failed(int32_t irap);

  /// What to do while the decoder is idle: at most one job, plus chunks to
  /// start loading (each chunk is asked for once until it arrives).
  struct step {
    std::optional<decode_job> job;
    std::vector<int32_t> loads;
  };
  step next(bool decoder_idle);

  /// Read-ahead asked for by a client: whether a load of this chunk must
  /// start (false when loaded or already loading).
  bool start_load(int32_t irap) {
    std::vector<int32_t> loads;
    request_load(irap, loads);
    return !loads.empty();
  }

private:
  using group_key = std::pair<int32_t, int32_t>; // (irap, quality)
  bool is_sequential(int32_t irap, const std::set<int32_t>& wanted) const;
  /// Whether `wanted` of chunk `irap` is best served by the open pass.
  bool continues_open_pass(const group_key& key,
                           const std::set<int32_t>& wanted) const;
  void request_load(int32_t irap, std::vector<int32_t>& loads);
  /// Chunk bytes if loaded, without refreshing their place in the LRU
  /// (read-ahead that is only used when at hand).
  bytes_ptr peek(int32_t irap) const;
  /// The chunk a pass for `wanted` of `irap` starts at: the previous one
  /// when a wanted frame is a RASL picture of an open GOP.
  int32_t decode_from(int32_t irap, const std::set<int32_t>& wanted) const;
  /// Builds the job for `wanted` of `irap`, or asks for the chunks it
  /// still needs (then no job).
  std::optional<decode_job> make_job(int32_t irap, int32_t quality,
                                     const std::set<int32_t>& wanted,
                                     std::vector<int32_t>& loads);
  /// The next decode-ahead slice of the open pass, if it may run.
  std::optional<decode_job> decode_ahead(std::vector<int32_t>& loads);
  /// Frames from the player's position to the open pass's next frame.
  int32_t frames_ahead() const;
  int32_t chunk_size(int32_t irap) const {
    return static_cast<int32_t>(
        index_->iraps[static_cast<size_t>(irap)].frames.size());
  }
  void note_last_display(int32_t irap, const std::set<int32_t>& wanted);

  clip_index_ptr index_;
  size_t max_chunks_;
  std::map<group_key, std::set<int32_t>> groups_;
  /// Group keys, oldest first; the back is served first.
  std::deque<group_key> order_;
  std::deque<std::pair<int32_t, bytes_ptr>> chunks_; // front: newest
  std::set<int32_t> loading_;
  /// Where the last pass stopped: chunk and highest display index wanted.
  int32_t last_irap_ = -1;
  int32_t last_display_ = -1;
  int32_t decode_ahead_;
  /// The decoder's open sequential pass: chunk, quality and the first
  /// decode index no job has asked for yet.
  struct open_pass {
    int32_t irap = 0;
    int32_t quality = 0;
    int32_t next = 0;
  };
  std::optional<open_pass> open_;
  /// The newest frame a client viewed at the open pass's quality.
  int32_t player_irap_ = -1;
  int32_t player_decode_ = -1;
};

} // namespace argus
