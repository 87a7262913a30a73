// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/frames/clip.hpp"
#include "actors/interfaces.hpp"
#include "core/frames/byte_source.hpp"
#include "core/frames/frame_cache.hpp"
#include "core/metrics/argus_metrics.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace argus {

/// Everything the CLIP MANAGER is started with.
struct clip_manager_setup {
  /// Endpoint, region and credentials of S3 clips (config + AWS_* env).
  s3_settings s3;
  std::shared_ptr<frame_cache> cache;
  size_t max_chunks = 4;
  /// Shared metrics (null: none); each clip's decoder times its frames.
  metrics_ptr metrics;
  /// Starts one CLIP (the manager passes itself as the parent); tests
  /// pass mock clips.
  std::function<clip_actor(caf::local_actor*, clip_setup)> start_clip
      = spawn_clip;
};

/// State of the CLIP MANAGER.
struct clip_manager_state {
  static inline constexpr const char* name = "clip_manager";
  clip_manager_setup setup;
  struct entry {
    std::string uri;
    clip_actor clip;
    bool ready = false;
  };
  std::map<std::string, entry> clips;
};

/// Registers clips (one CLIP per clip id, idempotent for the same URI)
/// and finds indexed ones. A clip that fails to open is forgotten, so the
/// id can be registered again once the object exists.
clip_manager_actor::behavior_type
clip_manager(clip_manager_actor::stateful_pointer<clip_manager_state> self,
             clip_manager_setup setup);

/// Whether `id` is acceptable as a clip id (1-128 of [A-Za-z0-9._-]).
bool valid_clip_id(const std::string& id);

} // namespace argus
