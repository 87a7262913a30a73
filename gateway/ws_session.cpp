// SPDX-License-Identifier: Apache-2.0
#include "gateway/ws_session.hpp"

#include "actors/analytics/client.hpp"
#include "actors/relay/viewer.hpp"
#include "gateway/json_codec.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

namespace argus {

ws_session::ws_session(tcp::socket&& socket,
                       std::shared_ptr<gateway_context> ctx,
                       std::string endpoint_name)
    : ws_(std::move(socket)), ctx_(std::move(ctx)),
      endpoint_name_(std::move(endpoint_name)) {
  // The caller counted this connection against max_ws_clients.
  if (ctx_->metrics) {
    ctx_->metrics->ws_clients.with({endpoint_name_}).add(1);
    send_lag_ = &ctx_->metrics->ws_send_lag.with({endpoint_name_});
  }
}

ws_session::~ws_session() {
  ctx_->ws_clients.fetch_sub(1);
  if (ctx_->metrics)
    ctx_->metrics->ws_clients.with({endpoint_name_}).add(-1);
  std::lock_guard<std::mutex> guard{ctx_->sessions_mtx};
  ctx_->sessions.erase(this);
}

namespace {

/// The close code as the metrics' `reason` label (a closed set, so a
/// peer cannot grow the label space).
std::string close_code_name(uint16_t code) {
  switch (code) {
  case 1000:
    return "normal";
  case 1001:
    return "going_away";
  case 1008:
    return "policy_violation";
  case 1009:
    return "too_big";
  case 1011:
    return "internal_error";
  case 1013:
    return "try_again_later";
  default:
    return "other";
  }
}

/// /ws/sessions/{id}: commands parsed here, a CLIENT of the session.
class session_endpoint : public actor_endpoint<client_actor> {
public:
  session_endpoint(std::shared_ptr<gateway_context> ctx, session_actor session,
                   wire_extensions extensions, int32_t stats_hz)
      : ctx_(std::move(ctx)), session_(std::move(session)),
        extensions_(extensions), stats_hz_(stats_hz) {}

  void start(client_connection_ptr connection) override {
    client_setup setup;
    setup.connection = std::move(connection);
    setup.session = session_;
    setup.codec = ctx_->codec;
    setup.extensions = extensions_;
    setup.stats_hz = stats_hz_;
    setup.max_queued_events = ctx_->cfg.client_max_queued_events;
    actor_ = ctx_->sys.spawn(client, std::move(setup));
  }

  void received(std::string payload, bool text) override {
    client_command cmd;
    if (!text) {
      cmd.error = "invalid_command";
      cmd.detail = binary_refused;
    } else {
      cmd = parse_command(payload);
    }
    if (cmd.error.empty() && granted < role::controller) {
      cmd.kind = client_command::invalid;
      cmd.error = "forbidden";
      cmd.detail = "target commands need a controller token";
    }
    caf::anon_send(actor_, std::move(cmd));
  }

private:
  std::shared_ptr<gateway_context> ctx_;
  session_actor session_;
  wire_extensions extensions_;
  int32_t stats_hz_;
};

/// /ws/cameras/{id}: server-to-client only; a VIEWER behind the socket.
class viewer_endpoint : public actor_endpoint<viewer_actor> {
public:
  viewer_endpoint(std::shared_ptr<gateway_context> ctx, relay_actor relay,
                  double fps, std::unique_ptr<viewer_limits::ticket> slot)
      : ctx_(std::move(ctx)), relay_(std::move(relay)), fps_(fps),
        slot_(std::move(slot)) {}

  void start(client_connection_ptr connection) override {
    connection_ = connection;
    viewer_setup setup;
    setup.connection = std::move(connection);
    setup.relay = relay_;
    setup.codec = ctx_->relay_codec;
    setup.fps = fps_;
    actor_ = ctx_->sys.spawn(viewer, std::move(setup));
  }

  void received(std::string, bool) override {
    if (auto conn = connection_.lock()) {
      conn->send(ctx_->relay_codec->error(
          "read_only", "this stream only sends; choose the rate with ?fps="));
      conn->resume_read();
    }
  }

private:
  std::shared_ptr<gateway_context> ctx_;
  relay_actor relay_;
  double fps_;
  client_connection_ptr connection_;
  std::unique_ptr<viewer_limits::ticket> slot_;
};

} // namespace

std::shared_ptr<ws_endpoint>
make_viewer_endpoint(std::shared_ptr<gateway_context> ctx, relay_actor relay,
                     double fps, std::unique_ptr<viewer_limits::ticket> slot) {
  return std::make_shared<viewer_endpoint>(std::move(ctx), std::move(relay),
                                           fps, std::move(slot));
}

std::shared_ptr<ws_endpoint>
make_session_endpoint(std::shared_ptr<gateway_context> ctx,
                      session_actor session, wire_extensions extensions,
                      int32_t stats_hz) {
  return std::make_shared<session_endpoint>(std::move(ctx), std::move(session),
                                            extensions, stats_hz);
}

void ws_session::run(http_request req, std::shared_ptr<ws_endpoint> endpoint) {
  endpoint_ = std::move(endpoint);
  {
    std::lock_guard<std::mutex> guard{ctx_->sessions_mtx};
    ctx_->sessions.emplace(this, weak_from_this());
  }
  ws_.set_option(
      websocket::stream_base::timeout::suggested(beast::role_type::server));
  // The upgrade's id (http_session put it on the request): echoed in the
  // handshake answer and carried by this connection's log lines.
  auto id = req["X-Request-Id"];
  log_.request_id = std::string(id.data(), id.size());
  ws_.set_option(websocket::stream_base::decorator(
      [id = log_.request_id](websocket::response_type& res) {
        res.set(http::field::server, "argus");
        if (!id.empty())
          res.set("X-Request-Id", id);
      }));
  ws_.read_message_max(ctx_->cfg.max_ws_message_bytes);
  ws_.text(true);
  ws_.async_accept(req, beast::bind_front_handler(&ws_session::on_accept,
                                                  shared_from_this()));
}

void ws_session::on_accept(beast::error_code ec) {
  log_scope scope{log_};
  if (ec) {
    spdlog::debug("websocket accept failed: {}", ec.message());
    return;
  }
  spdlog::info("websocket {} open request_id={}", endpoint_name_,
               log_.request_id);
  endpoint_->start(
      std::static_pointer_cast<client_connection>(shared_from_this()));
  do_read();
}

void ws_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&ws_session::on_read,
                                                    shared_from_this()));
}

void ws_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    peer_closed_ = ec == websocket::error::closed;
    log_scope scope{log_};
    if (ec != websocket::error::closed && ec != net::error::operation_aborted)
      spdlog::debug("websocket read ended: {}", ec.message());
    gone();
    return;
  }
  auto payload = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  // The actor calls resume_read() when it has room for the reply.
  paused_self_ = shared_from_this();
  try {
    endpoint_->received(std::move(payload), ws_.got_text());
  } catch (const std::exception& e) {
    // The catch boundary of one WebSocket: this connection ends with 1011,
    // nothing else is touched.
    log_scope scope{log_};
    spdlog::error("websocket message handler failed: {}", e.what());
    paused_self_.reset();
    close(static_cast<uint16_t>(websocket::close_code::internal_error),
          "internal error");
  }
}

void ws_session::resume_read() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    self->paused_self_.reset();
    if (!self->gone_ && !self->close_sent_)
      self->do_read();
  });
}

void ws_session::send(text_ptr text) {
  enqueue(std::move(text), false);
}

void ws_session::send_binary(text_ptr bytes) {
  enqueue(std::move(bytes), true);
}

void ws_session::enqueue(text_ptr payload, bool binary) {
  // Stamped here, on the sender's thread: the lag includes the hop onto
  // the strand and the wait behind earlier writes.
  outgoing out{std::move(payload), binary, std::chrono::steady_clock::now()};
  net::post(ws_.get_executor(),
            [self = shared_from_this(), out = std::move(out)]() mutable {
              // After close(), nothing more: a steady sender must not hold
              // the close frame back (what was sent before is queued).
              if (self->closing_ || self->gone_)
                return;
              if (self->queue_.push(std::move(out)))
                self->do_write();
            });
}

void ws_session::do_write() {
  ws_.binary(queue_.front().binary);
  ws_.async_write(
      net::buffer(*queue_.front().payload),
      beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
}

void ws_session::on_write(beast::error_code ec, std::size_t) {
  if (!ec && send_lag_ && queue_.writing())
    send_lag_->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now()
                                      - queue_.front().queued)
            .count());
  // A read error may have ended the connection while this write ran; the
  // queue kept its message alive until now.
  bool more = queue_.written();
  if (ec || gone_) {
    gone();
    return;
  }
  endpoint_->written();
  if (more)
    do_write();
  else if (closing_)
    do_close();
}

void ws_session::close(uint16_t code, std::string reason) {
  net::post(ws_.get_executor(), [self = shared_from_this(), code,
                                 reason = std::move(reason)]() mutable {
    if (self->closing_ || self->gone_)
      return;
    self->closing_ = true;
    self->close_reason_ = websocket::close_reason(
        static_cast<websocket::close_code>(code), reason);
    // Queued messages go out first; the close frame follows the last one.
    if (!self->queue_.writing())
      self->do_close();
  });
}

void ws_session::do_close() {
  if (close_sent_)
    return;
  close_sent_ = true;
  ws_.async_close(close_reason_,
                  [self = shared_from_this()](beast::error_code) {
                    // A pending read completes with `closed` and ends us;
                    // a paused one is released here.
                    self->paused_self_.reset();
                    self->gone();
                  });
}

void ws_session::gone() {
  if (gone_)
    return;
  gone_ = true;
  count_close();
  queue_.drop_waiting();
  paused_self_.reset();
  if (endpoint_)
    endpoint_->closed();
}

void ws_session::count_close() {
  if (!ctx_->metrics)
    return;
  std::string by = "network";
  std::string reason = "no_close_frame";
  if (close_sent_) {
    by = "server";
    reason = close_code_name(uint16_t(close_reason_.code));
  } else if (peer_closed_) {
    by = "client";
    reason = close_code_name(uint16_t(ws_.reason().code));
  }
  ctx_->metrics->ws_closes.with({endpoint_name_, by, reason}).inc();
}

} // namespace argus
