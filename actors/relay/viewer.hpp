// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "core/outbox.hpp"

#include <variant>

namespace argus {

/// Everything a VIEWER is started with.
struct viewer_setup {
  client_connection_ptr connection;
  relay_actor relay;
  relay_wire_codec_ptr codec;
  double fps = 1;
};

/// What a VIEWER sends: a camera state message, or a frame (its JSON
/// header, stamped when it goes out, then the binary JPEG).
using viewer_message = std::variant<text_ptr, relay_frame>;

/// State of a VIEWER.
struct viewer_state {
  static inline constexpr const char* name = "viewer";
  viewer_setup setup;
  /// State changes on the ordered lane, the newest frame in the latest
  /// slot; a frame (two messages) goes out only when the socket has
  /// written everything before it.
  outbox<viewer_message> out{{64, 2}};
};

/// The VIEWER of one /ws/cameras/{id} connection: joins the camera's RELAY
/// at its rate and forwards what it gets. A frame goes out (JSON header,
/// then the binary JPEG) only when the socket has written everything
/// before it; meanwhile a newer frame replaces an unsent one, so a slow
/// viewer skips frames and never delays the others. Camera state changes
/// are never dropped; a viewer that lets 64 of them pile up is closed.
viewer_actor::behavior_type
viewer(viewer_actor::stateful_pointer<viewer_state> self, viewer_setup setup);

} // namespace argus
