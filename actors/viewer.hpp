// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"

#include <optional>

namespace argus {

/// Everything a VIEWER is started with.
struct viewer_setup {
  client_connection_ptr connection;
  relay_actor relay;
  relay_wire_codec_ptr codec;
  double fps = 1;
};

/// State of a VIEWER.
struct viewer_state {
  static inline constexpr const char* name = "viewer";
  viewer_setup setup;
  /// Messages handed to the socket, not yet written.
  int unwritten = 0;
  /// The newest frame not sent yet (latest wins).
  std::optional<relay_frame> pending;
};

/// The VIEWER of one /ws/cameras/{id} connection: joins the camera's RELAY
/// at its rate and forwards what it gets. A frame goes out (JSON header,
/// then the binary JPEG) only when the socket has written everything
/// before it; meanwhile a newer frame replaces an unsent one, so a slow
/// viewer skips frames and never delays the others. Camera state changes
/// are never dropped.
viewer_actor::behavior_type
viewer(viewer_actor::stateful_pointer<viewer_state> self, viewer_setup setup);

} // namespace argus
