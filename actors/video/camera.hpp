// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/backoff.hpp"
#include "core/config.hpp"
#include "core/logging.hpp"
#include "core/ptz/virtual_ptz.hpp"
#include "core/video/frame_source.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace argus {

/// State of a CAMERA.
struct camera_state {
  static inline constexpr const char* name = "camera";

  camera_config cfg;
  /// The camera id on this actor's log lines.
  log_ctx log;
  std::unique_ptr<frame_source> source;
  std::vector<frame_sink_actor> sinks;
  std::vector<camera_watcher_actor> watchers;
  /// Bumped whenever the decode loop starts or stops; stale `next`
  /// messages carry an old value and are ignored.
  uint64_t generation = 0;
  /// Bumped when the last consumer leaves or a new one arrives; a stale
  /// grace timer carries an old value and is ignored.
  uint64_t idle_token = 0;
  camera_status status;
  std::optional<backoff> retry;
  std::chrono::steady_clock::time_point due;
  /// When the pending reconnect attempt fires.
  std::chrono::steady_clock::time_point retry_at;
  /// The virtual PTZ head (ptz.backend sim): frames are its view of the
  /// source's wide picture, at the configured width and height.
  std::optional<virtual_ptz> head;
};

/// The CAMERA: opens its source when the first consumer subscribes (an
/// analytics session or the relay while it has viewers), decodes and pushes
/// frames (as shared immutable frame_ptr) to every consumer, paced at the
/// source's rate, and closes the source `idle_grace_ms` after the last one
/// leaves, so nothing is decoded while nobody watches. A failing source is
/// reopened with exponential backoff and jitter; watchers hear every state
/// change at once. Its calls block: spawn it detached.
///
/// With `ptz.backend: sim` it is a virtual PTZ camera: its source renders
/// a wider picture (a synthetic scene 1 / sim.wide_fov times the size, or
/// a file as it is) and each frame is the head's view of it, integrated on
/// the frame clock; `ptz_command`s steer the head.
camera_actor::behavior_type
camera(camera_actor::stateful_pointer<camera_state> self, camera_config cfg);

} // namespace argus
