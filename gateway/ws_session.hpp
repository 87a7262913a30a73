// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "gateway/beast.hpp"
#include "gateway/context.hpp"

#include <deque>
#include <memory>

namespace argus {

/// One accepted WebSocket: reads client commands and hands them to its
/// CLIENT actor; writes what the client queues, one write in flight at a
/// time (Beast chat-multi pattern). All socket work runs on the
/// connection's strand; send() and close() only post onto it.
class ws_session : public client_connection,
                   public std::enable_shared_from_this<ws_session> {
public:
  ws_session(tcp::socket&& socket, std::shared_ptr<gateway_context> ctx);
  ~ws_session() override;

  /// Completes the upgrade and spawns the CLIENT for `session`.
  void run(http_request req, session_actor session);

  void send(text_ptr text) override;
  void resume_read() override;
  void close(uint16_t code, std::string reason) override;

private:
  void on_accept(session_actor session, beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void do_close();
  void gone();

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<gateway_context> ctx_;
  client_actor client_;
  std::deque<text_ptr> queue_;
  bool closing_ = false;
  bool close_sent_ = false;
  bool gone_ = false;
  websocket::close_reason close_reason_;
  /// Holds this session while its read is paused (no operation pending
  /// would otherwise keep it alive); released on resume_read or close.
  std::shared_ptr<ws_session> paused_self_;
};

} // namespace argus
