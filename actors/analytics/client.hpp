// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "core/outbox.hpp"

#include <map>

namespace argus {

/// Everything a CLIENT is started with.
struct client_setup {
  client_connection_ptr connection;
  session_actor session;
  wire_codec_ptr codec;
  /// What this connection opted into beyond the contract (`?ext=`); the
  /// session encodes this client's ticks accordingly.
  wire_extensions extensions = 0;
  /// With wire_ext::stats: `stats` messages per second (1-5).
  int32_t stats_hz = 0;
  /// Events (and command replies) that may wait; one more closes the client.
  size_t max_queued_events = 256;
  /// Messages handed to the socket but not yet written.
  int max_in_flight = 4;
  /// Commands awaiting the session's reply; more are refused.
  size_t max_pending_commands = 64;
};

/// State of a CLIENT.
struct client_state {
  static inline constexpr const char* name = "client";

  client_setup setup;
  /// Events and replies on the ordered lane (never dropped silently), the
  /// newest tick in the latest slot; bounded by max_queued_events and
  /// max_in_flight.
  outbox<text_ptr> out;
  size_t pending_commands = 0;
  /// Command replies leave in command order: the number the next command
  /// gets, the number whose reply goes out next, and replies that are
  /// ready but wait for an earlier one.
  uint64_t next_reply_seq = 0;
  uint64_t next_reply_out = 0;
  std::map<uint64_t, text_ptr> ready_replies;
};

/// The CLIENT of one WebSocket connection: subscribes to its SESSION and
/// hands ticks, events and command replies to the socket through its
/// outbox (core/outbox.hpp). A client
/// whose event queue overflows is closed with a reason and reported to the
/// session, so a slow reader never slows anyone else.
client_actor::behavior_type
client(client_actor::stateful_pointer<client_state> self, client_setup setup);

} // namespace argus
