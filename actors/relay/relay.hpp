// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/config.hpp"
#include "core/logging.hpp"
#include "core/relay/latest_frame_store.hpp"
#include "core/relay/viewer_pacer.hpp"
#include "core/video/jpeg_encoder.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace argus {

/// Everything a RELAY is started with.
struct relay_setup {
  std::string camera_id;
  /// The camera's nominal frame rate (viewers never get more).
  double source_fps = 15;
  camera_actor camera;
  relay_config cfg;
};

/// State of a RELAY.
struct relay_state {
  static inline constexpr const char* name = "relay";
  using clock = std::chrono::steady_clock;

  relay_setup setup;
  /// The camera id on this actor's log lines.
  log_ctx log;
  /// The viewers and which of them are due a frame.
  std::optional<viewer_pacer<viewer_actor>> viewers;
  bool subscribed = false;
  jpeg_encoder jpeg;
  std::optional<latest_frame_store> disk;
  std::optional<relay_frame> latest;
  relay_status status;
  /// latest.jpg requests waiting for a first frame.
  std::vector<caf::typed_response_promise<relay_frame>> snapshot_waiters;
  uint64_t snapshot_token = 0;
  bool persist_failing = false;
};

/// The RELAY of one camera (seed 000's Durable Object as an actor). It
/// consumes the CAMERA only while it has viewers (or a latest.jpg request
/// waits for a first picture), encodes a frame only when some viewer is due
/// one, and then exactly once: the JPEG is a shared immutable buffer sent
/// to every due viewer. It keeps the newest JPEG in memory and writes it to
/// disk every `persist_every` frames (restored at start), and forwards the
/// camera's state changes (camera_disconnected) to viewers at once. JPEG
/// encoding and disk writes block: spawn it detached.
relay_actor::behavior_type
relay(relay_actor::stateful_pointer<relay_state> self, relay_setup setup);

} // namespace argus
