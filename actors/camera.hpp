// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/config.hpp"
#include "core/frame_source.hpp"

#include <chrono>
#include <memory>
#include <vector>

namespace argus {

/// State of a CAMERA.
struct camera_state {
  static inline constexpr const char* name = "camera";

  camera_config cfg;
  std::unique_ptr<frame_source> source;
  std::vector<frame_sink_actor> sinks;
  /// Bumped whenever the decode loop starts or stops; stale `next`
  /// messages carry an old value and are ignored.
  uint64_t generation = 0;
  camera_status status;
  int retry_ms = 0;
  std::chrono::steady_clock::time_point due;
};

/// The CAMERA: opens its source when the first sink subscribes, decodes and
/// pushes frames (as shared immutable frame_ptr) to every sink, paced at the
/// source's rate, and closes the source when the last sink leaves, so nothing
/// is decoded while nobody watches. A failing source is reopened with
/// exponential backoff. Its calls block: spawn it detached.
camera_actor::behavior_type
camera(camera_actor::stateful_pointer<camera_state> self, camera_config cfg);

} // namespace argus
