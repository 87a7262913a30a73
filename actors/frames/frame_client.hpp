// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "core/frames/frame_requests.hpp"
#include "core/outbox.hpp"

#include <map>
#include <string>

namespace argus {

/// Everything a FRAME CLIENT is started with.
struct frame_client_setup {
  client_connection_ptr connection;
  clip_manager_actor clips;
  frame_wire_codec_ptr codec;
  size_t lifo_depth = 8;
  int max_in_flight = 4;
  /// Messages handed to the socket, not yet written; frames are asked
  /// from clips only while fewer than this wait for the socket.
  int max_unwritten = 16;
  /// Notices and frames that may wait; one more closes the connection.
  size_t max_queued = 1024;
  int default_quality = 90;
};

/// What a FRAME CLIENT sends: a JSON notice, or a frame's JSON header
/// followed by its binary JPEG (`jpeg` set).
struct frame_message {
  text_ptr json;
  text_ptr jpeg;
};

/// State of a FRAME CLIENT.
struct frame_client_state {
  static inline constexpr const char* name = "frame_client";
  explicit frame_client_state(caf::local_actor*) : requests(8) {}
  frame_client_setup setup;
  frame_request_stack requests;
  /// Clips this connection registered or used, by id.
  std::map<std::string, clip_actor> clips;
  /// Frames asked from clips, not yet answered.
  int in_flight = 0;
  /// Everything for the socket, in order (core/outbox.hpp).
  outbox<frame_message> out;
  int64_t dropped = 0;
};

/// The FRAME CLIENT of one /ws/frames connection: registers clips, keeps
/// its frame requests in a LIFO (frame_request_stack), asks clips for at
/// most max_in_flight frames at a time and never more than the socket can
/// take, and sends each frame as a JSON header plus a binary JPEG.
frame_client_actor::behavior_type
frame_client(frame_client_actor::stateful_pointer<frame_client_state> self,
             frame_client_setup setup);

} // namespace argus
