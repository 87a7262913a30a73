// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/frames/clip_io.hpp"
#include "actors/frames/decoder.hpp"
#include "actors/interfaces.hpp"
#include "core/frames/byte_source.hpp"
#include "core/frames/clip_scheduler.hpp"
#include "core/frames/frame_cache.hpp"
#include "core/metrics/argus_metrics.hpp"

#include <caf/local_actor.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace argus {

/// Everything a CLIP is started with.
struct clip_setup {
  clip_source source;
  s3_settings s3;
  std::shared_ptr<frame_cache> cache;
  /// Chunk byte buffers a clip keeps for reuse.
  size_t max_chunks = 4;
  /// Shared metrics (null: none), for the decoder's decode time.
  metrics_ptr metrics;
  /// Start the clip's CLIP IO and DECODER (the clip passes itself as the
  /// parent). Production spawns them detached; tests pass mocks or
  /// scheduled actors, so a clip runs alone under the test coordinator.
  std::function<clip_io_actor(caf::local_actor*, std::string, s3_settings)>
      start_io = spawn_clip_io;
  std::function<decoder_actor(caf::local_actor*, decoder_setup)> start_decoder
      = spawn_decoder;
};

/// State of a CLIP.
struct clip_state {
  static inline constexpr const char* name = "clip";
  clip_setup setup;
  clip_io_actor io;
  decoder_actor decoder;
  clip_index_ptr index;
  std::optional<clip_scheduler> scheduler;
  bool decoder_busy = false;
  /// Why opening failed; the CLIP MANAGER then stops this clip.
  caf::error open_error;
  /// Callers of atom::create waiting for the index.
  std::vector<caf::typed_response_promise<clip_info>> openers;
  /// Pub/sub of FRAME_DONE: everyone waiting for each frame.
  std::map<frame_key, std::vector<caf::typed_response_promise<encoded_frame>>>
      waiting;
  /// Frames asked for again after the cache evicted them before their
  /// pass ended: each gets one more pass, then fails (a cache too small to
  /// hold even that one frame must not loop).
  std::set<frame_key> requeued;
  clip_info info;
};

/// One registered clip. Opens and indexes the object through its CLIP IO
/// once, then answers frame requests from the shared cache or by queueing
/// them for its DECODER; requests for the same frame share one decode, and
/// the decoder's passes are chosen newest first (clip_scheduler).
clip_actor::behavior_type clip(clip_actor::stateful_pointer<clip_state> self,
                               clip_setup setup);

/// Spawns a CLIP as `parent`'s child (scheduled: it never blocks).
clip_actor spawn_clip(caf::local_actor* parent, clip_setup setup);

} // namespace argus
