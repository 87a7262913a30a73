// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "core/bearer_auth.hpp"
#include "core/logging.hpp"
#include "core/write_queue.hpp"
#include "gateway/beast.hpp"
#include "gateway/context.hpp"

#include <caf/send.hpp>
#include <chrono>
#include <memory>

namespace argus {

/// What a WebSocket endpoint plugs into a ws_session: the actor behind the
/// connection. Calls come from the connection's strand.
class ws_endpoint {
public:
  virtual ~ws_endpoint() = default;
  /// What the connection's token allows (admin when auth is off);
  /// endpoints refuse commands above it with a `forbidden` error.
  role granted = role::admin;
  /// The handshake is done: spawn the actor that owns this connection.
  virtual void start(client_connection_ptr connection) = 0;
  /// One inbound message; the connection then waits for resume_read().
  virtual void received(std::string payload, bool text) = 0;
  /// One queued message has been written.
  virtual void written() = 0;
  /// The socket is gone.
  virtual void closed() = 0;
};

/// An endpoint backed by one actor that takes atom::written and
/// atom::closed; subclasses spawn it in start() and parse in received().
template <class Handle> class actor_endpoint : public ws_endpoint {
public:
  void written() override { caf::anon_send(actor_, atom::written_v); }

  void closed() override {
    if (actor_)
      caf::anon_send(actor_, atom::closed_v);
  }

protected:
  /// What a binary message from the client is answered with.
  static constexpr const char* binary_refused
      = "binary messages are not accepted; send JSON text";

  Handle actor_;
};

/// The analytics endpoint (/ws/sessions/{id}): a CLIENT of the session,
/// its ticks encoded with the wire extensions the upgrade asked for.
/// `stats_hz`: the rate of `stats` messages with wire_ext::stats.
std::shared_ptr<ws_endpoint>
make_session_endpoint(std::shared_ptr<gateway_context> ctx,
                      session_actor session, wire_extensions extensions,
                      int32_t stats_hz = 0);

/// The relay endpoint (/ws/cameras/{id}): a VIEWER of the camera's RELAY;
/// holds the connection's viewer slot until the socket is gone.
std::shared_ptr<ws_endpoint>
make_viewer_endpoint(std::shared_ptr<gateway_context> ctx, relay_actor relay,
                     double fps, std::unique_ptr<viewer_limits::ticket> slot);

/// One accepted WebSocket: reads client messages and hands them to its
/// endpoint's actor; writes what that actor queues, one write in flight at
/// a time (Beast chat-multi pattern). All socket work runs on the
/// connection's strand; send() and close() only post onto it.
class ws_session : public client_connection,
                   public std::enable_shared_from_this<ws_session> {
public:
  /// `endpoint_name` labels this connection's metrics ("session",
  /// "camera", "frames").
  ws_session(tcp::socket&& socket, std::shared_ptr<gateway_context> ctx,
             std::string endpoint_name);
  ~ws_session() override;

  /// Completes the upgrade and starts the endpoint's actor.
  void run(http_request req, std::shared_ptr<ws_endpoint> endpoint);

  void send(text_ptr text) override;
  void send_binary(text_ptr bytes) override;
  void resume_read() override;
  void close(uint16_t code, std::string reason) override;

private:
  void on_accept(beast::error_code ec);
  /// One outbound message and when its owner queued it (send lag).
  struct outgoing {
    text_ptr payload;
    bool binary = false;
    std::chrono::steady_clock::time_point queued;
  };
  void enqueue(text_ptr payload, bool binary);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void do_close();
  void gone();
  /// Counts this connection's close once, by who ended it and the code.
  void count_close();

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<gateway_context> ctx_;
  std::shared_ptr<ws_endpoint> endpoint_;
  /// Outbound messages, one write in flight.
  write_queue<outgoing> queue_;
  /// argus_ws_send_lag_seconds of this endpoint (null without metrics).
  metrics::histogram* send_lag_ = nullptr;
  bool closing_ = false;
  bool close_sent_ = false;
  bool gone_ = false;
  /// The peer sent a close frame (its code is in ws_.reason()).
  bool peer_closed_ = false;
  std::string endpoint_name_;
  /// The upgrade request's id, for this connection's log lines.
  log_ctx log_;
  websocket::close_reason close_reason_;
  /// Holds this session while its read is paused (no operation pending
  /// would otherwise keep it alive); released on resume_read or close.
  std::shared_ptr<ws_session> paused_self_;
};

} // namespace argus
