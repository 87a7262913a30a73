// SPDX-License-Identifier: Apache-2.0
// The compilation firewall between actors and the gateway: actors see these
// two interfaces, never Beast or JSON. The gateway implements both.
#pragma once

#include "messages/ptz_types.hpp"
#include "messages/type_ids.hpp"
#include "messages/types.hpp"

#include <memory>
#include <string>

namespace argus {

/// Opt-in additions to the seed-001 contract, a bit set chosen per
/// connection (`?ext=` on /ws/sessions/{id}; docs/protocol.md
/// "Extensions"). Zero is the contract exactly: strict clients validate the
/// default stream with closed schemas, so nothing is added unless asked for.
using wire_extensions = uint32_t;

namespace wire_ext {
/// `published_unix_ms` on every metadata_tick (delivery latency).
inline constexpr wire_extensions timing = 1u << 0;
/// `stats` messages (the session's counters) at 1-5 Hz (`stats_hz`).
inline constexpr wire_extensions stats = 1u << 1;
} // namespace wire_ext

/// The rates a client may ask `stats` messages at, in Hz.
inline constexpr int32_t min_stats_hz = 1;
inline constexpr int32_t max_stats_hz = 5;

/// Turns typed messages into wire text, once per message however many
/// clients receive it.
class wire_codec {
public:
  virtual ~wire_codec() = default;
  /// A tick as clients that asked for `ext` get it. Senders encode once per
  /// distinct set in use, never once per client.
  virtual text_ptr encode(const metadata_tick& x,
                          wire_extensions ext) const = 0;
  virtual text_ptr encode(const track_event& x) const = 0;
  virtual text_ptr encode(const command_reply& x) const = 0;
  /// The `stats` extension message: the session's counters at `ts_unix_ms`
  /// (schemas/session_stats.schema.json).
  virtual text_ptr encode_stats(const session_status& x,
                                int64_t ts_unix_ms) const = 0;
};

/// Turns frame-server notices into wire text (the gateway's JSON).
class frame_wire_codec {
public:
  virtual ~frame_wire_codec() = default;
  virtual text_ptr encode(const frame_notice& x) const = 0;
};

using frame_wire_codec_ptr = std::shared_ptr<const frame_wire_codec>;

/// Turns camera-relay messages into wire text (the gateway's JSON).
class relay_wire_codec {
public:
  virtual ~relay_wire_codec() = default;
  /// The header sent right before a frame's binary JPEG.
  virtual text_ptr frame_header(const relay_frame& f,
                                int64_t sent_unix_ms) const = 0;
  /// `camera_disconnected` when the camera is down, else `camera_status`.
  virtual text_ptr camera_state(const camera_status& cs) const = 0;
  virtual text_ptr error(const std::string& code,
                         const std::string& detail) const = 0;
};

using relay_wire_codec_ptr = std::shared_ptr<const relay_wire_codec>;

using wire_codec_ptr = std::shared_ptr<const wire_codec>;

struct mqtt_stats;

/// Turns what the MQTT bridge publishes beside the sessions' own ticks and
/// events into payloads (the gateway's JSON, the shapes REST and the
/// WebSocket already use).
class mqtt_wire_codec {
public:
  virtual ~mqtt_wire_codec() = default;
  /// `<prefix>/stats`.
  virtual text_ptr encode(const mqtt_stats& x) const = 0;
  /// `<prefix>/<camera>/ptz/state`: the `ptz` block of GET /cameras/{id}.
  virtual text_ptr encode(const ptz_status& x) const = 0;
  /// `<prefix>/<camera>/command/reply`: the WebSocket's ack or error, or
  /// `{"type":"ack","command":"autotrack","enabled":bool}`.
  virtual text_ptr encode(const command_reply& x, bool autotrack,
                          bool enabled) const = 0;
};

using mqtt_wire_codec_ptr = std::shared_ptr<const mqtt_wire_codec>;

/// The outbound side of one client connection. Thread-safe: calls only post
/// work onto the connection's own executor and return at once.
class client_connection {
public:
  virtual ~client_connection() = default;

  /// Queues one text message; the CLIENT gets atom::written when it is out.
  virtual void send(text_ptr text) = 0;

  /// Queues one binary message (e.g. a JPEG); acknowledged like send().
  virtual void send_binary(text_ptr bytes) = 0;

  /// Reads the next client message. The connection reads one message and
  /// then waits for this call, so a client that floods commands is held
  /// back by TCP instead of filling argus' queues.
  virtual void resume_read() = 0;

  /// Closes the connection with a WebSocket close code and reason.
  virtual void close(uint16_t code, std::string reason) = 0;
};

using client_connection_ptr = std::weak_ptr<client_connection>;

/// WebSocket close codes argus uses (RFC 6455 section 7.4).
namespace close_code {
inline constexpr uint16_t normal = 1000;
inline constexpr uint16_t going_away = 1001;
inline constexpr uint16_t policy = 1008;
inline constexpr uint16_t too_big = 1009;
inline constexpr uint16_t try_again_later = 1013;
} // namespace close_code

} // namespace argus
