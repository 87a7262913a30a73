// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/frames/frame_cache.hpp"
#include "core/frames/hevc_decoder.hpp"
#include "core/metrics/registry.hpp"
#include "core/video/jpeg_encoder.hpp"

#include <caf/local_actor.hpp>
#include <memory>
#include <string>

namespace argus {

/// Everything a DECODER is started with.
struct decoder_setup {
  std::string clip_id;
  clip_index_ptr index;
  /// Receives every produced frame as an encoded_frame.
  clip_actor clip;
  std::shared_ptr<frame_cache> cache;
  /// argus_frames_decode_seconds of this clip (null: not measured).
  metrics::histogram* decode_seconds = nullptr;
};

/// State of a DECODER.
struct decoder_state {
  static inline constexpr const char* name = "decoder";
  decoder_setup setup;
  std::unique_ptr<hevc_decoder> decoder;
  jpeg_encoder jpeg;
  int64_t frames_encoded = 0;
};

/// The DECODER of one clip: one single-threaded HEVC decoder opened once
/// with the clip's parameter sets, reused for every pass. Each produced
/// frame is JPEG-encoded, put in the shared cache and published to the
/// CLIP at once, so a chunk's frames stream out as they decode. Spawn it
/// detached.
decoder_actor::behavior_type
decoder(decoder_actor::stateful_pointer<decoder_state> self,
        decoder_setup setup);

/// Spawns the DECODER of `parent`'s clip: detached (decoding blocks) and
/// linked (it lives and dies with its clip).
decoder_actor spawn_decoder(caf::local_actor* parent, decoder_setup setup);

} // namespace argus
