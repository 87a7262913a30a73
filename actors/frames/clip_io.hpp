// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/frames/byte_source.hpp"

#include <caf/local_actor.hpp>
#include <memory>
#include <string>

namespace argus {

/// State of a CLIP IO actor.
struct clip_io_state {
  static inline constexpr const char* name = "clip_io";
  std::string uri;
  s3_settings s3;
  std::unique_ptr<byte_source> source;
  clip_index_ptr index;
};

/// The CLIP IO of one clip: opens its object (file or S3), builds the
/// index once, and reads chunks by byte range. Spawn it detached: every
/// handler blocks on the disk or the network.
clip_io_actor::behavior_type
clip_io(clip_io_actor::stateful_pointer<clip_io_state> self, std::string uri,
        s3_settings s3);

/// Spawns the CLIP IO of `parent`'s clip: detached (it blocks) and linked
/// (it lives and dies with its clip).
clip_io_actor spawn_clip_io(caf::local_actor* parent, std::string uri,
                            s3_settings s3);

} // namespace argus
