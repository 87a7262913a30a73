// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/logging.hpp"
#include "gateway/beast.hpp"
#include "gateway/context.hpp"

#include <chrono>
#include <memory>
#include <optional>

namespace argus {

/// One HTTP/1.1 connection: reads a request (with a body limit), routes it
/// to the actors without blocking, writes the answer, and reads the next.
/// A WebSocket upgrade to /ws/sessions/{id} is checked against the limits
/// and the REGISTRY before the socket is handed to a ws_session.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(tcp::socket&& socket, std::shared_ptr<gateway_context> ctx);

  void run();

private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  /// After the header: the body limit of the request's route, then the
  /// body.
  void on_header(beast::error_code ec, std::size_t bytes);
  /// Whether the request being read is a model upload (binary body, own
  /// size limit).
  bool upload_ = false;
  /// The body limit of a model upload (0: uploads are off).
  size_t upload_limit() const;
  /// Answers (401/403, then closes) an upload whose headers do not grant
  /// model_upload_role; false when they do.
  bool refuse_upload();
  void upgrade(http_request req);
  /// Why the request's text is not acceptable (empty when it is): the
  /// target, the percent-decoded query or the body is not valid UTF-8.
  std::string invalid_text(const http_request& req) const;
  /// Runs `f`, answering 500 `internal_error` if it throws.
  template <class F> void guarded(const http_request& req, F&& f);
  /// Starts a request's log context: its id (the client's X-Request-Id
  /// when valid, else a new one), method and target, and the clock.
  void begin_request(const http_request* req);
  /// Writes `res` with the request's X-Request-Id and logs the request.
  void reply(http_response res);
  void on_write(bool close, beast::error_code ec, std::size_t bytes);
  void do_close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<gateway_context> ctx_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http_response> res_;
  /// The request being answered (one at a time per connection): its id as
  /// the log context, and what the access log line says.
  log_ctx log_;
  std::string method_;
  std::string target_;
  std::chrono::steady_clock::time_point started_;
};

} // namespace argus
