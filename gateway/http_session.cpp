// SPDX-License-Identifier: Apache-2.0
#include "gateway/http_session.hpp"

#include "core/defaults.hpp"
#include "gateway/auth.hpp"
#include "gateway/camera_routes.hpp"
#include "gateway/frame_routes.hpp"
#include "gateway/router.hpp"
#include "gateway/url.hpp"
#include "gateway/ws_session.hpp"

#include <cstdlib>
#include <optional>
#include <spdlog/spdlog.h>

namespace argus {

http_session::http_session(tcp::socket&& socket,
                           std::shared_ptr<gateway_context> ctx)
    : stream_(std::move(socket)), ctx_(std::move(ctx)) {
  // nop
}

void http_session::run() {
  net::dispatch(
      stream_.get_executor(),
      beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(ctx_->cfg.max_body_bytes);
  parser_->header_limit(16 * 1024);
  stream_.expires_after(defaults::server::http_idle_timeout);
  http::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream)
    return do_close();
  if (ec == http::error::body_limit) {
    http_request shell;
    shell.keep_alive(false);
    return reply(error_response(
        shell, http::status::payload_too_large, "payload_too_large",
        "request body exceeds " + std::to_string(ctx_->cfg.max_body_bytes)
            + " bytes"));
  }
  if (ec == http::error::header_limit) {
    http_request shell;
    shell.keep_alive(false);
    return reply(
        error_response(shell, http::status::request_header_fields_too_large,
                       "headers_too_large", "request headers too large"));
  }
  if (ec) {
    if (ec != beast::error::timeout && ec != net::error::operation_aborted)
      spdlog::debug("http read failed: {}", ec.message());
    return do_close();
  }
  auto req = parser_->release();
  if (websocket::is_upgrade(req))
    return upgrade(std::move(req));
  if (!ctx_->accepting) {
    auto res = error_response(req, http::status::service_unavailable,
                              "shutting_down", "server is shutting down");
    res.keep_alive(false);
    return reply(std::move(res));
  }
  // The responder keeps the connection alive until the actors answer: no
  // socket operation is pending meanwhile. It runs exactly once (route()'s
  // contract), so the reference never outlives the request.
  auto self = shared_from_this();
  auto executor = stream_.get_executor();
  route(ctx_, req, [self, executor](http_response res) {
    net::post(executor, [self, res = std::move(res)]() mutable {
      self->reply(std::move(res));
    });
  });
}

namespace {

/// The ?fps= of a relay viewer (`fallback` when absent). @returns false
/// with `error` set when it is malformed or out of range.
bool viewer_fps(const http_request& req, double fallback, double& fps,
                std::string& error) {
  query_params params;
  fps = fallback;
  if (!parse_query(std::string(req.target()), params, error))
    return false;
  for (auto& [k, v] : params) {
    if (k != "fps")
      continue;
    char* end = nullptr;
    fps = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !(fps >= 0.01 && fps <= 120)) {
      error = "fps must be a number from 0.01 to 120, not '" + v + "'";
      return false;
    }
  }
  return true;
}

} // namespace

void http_session::upgrade(http_request req) {
  std::string id;
  auto target = std::string(req.target());
  bool frames = target.substr(0, target.find('?')) == "/ws/frames";
  bool camera = !frames && match_ws_camera_path(target, id);
  if (!frames && !camera && !match_ws_session_path(target, id))
    return reply(error_response(req, http::status::not_found, "not_found",
                                "no WebSocket endpoint at "
                                    + std::string(req.target())));
  if (!ctx_->accepting)
    return reply(error_response(req, http::status::service_unavailable,
                                "shutting_down", "server is shutting down"));
  std::optional<role> granted;
  {
    std::optional<http_response> refusal;
    granted = authorize(*ctx_, req, role::viewer,
                        [&](http_response res) { refusal = std::move(res); });
    if (!granted)
      return reply(std::move(*refusal));
  }
  std::unique_ptr<viewer_limits::ticket> slot;
  relay_actor relay;
  double fps = 0;
  if (camera) {
    auto it = ctx_->relays.find(id);
    if (it == ctx_->relays.end())
      return reply(error_response(req, http::status::not_found,
                                  "unknown_camera",
                                  "no camera with id '" + id + "'"));
    relay = it->second;
    std::string fps_error;
    if (!viewer_fps(req, ctx_->relay_cfg.viewer_fps, fps, fps_error))
      return reply(error_response(req, http::status::bad_request,
                                  "invalid_argument", fps_error));
    viewer_limits::refusal why;
    slot = ctx_->viewer_slots->acquire(id, why);
    if (!slot) {
      auto res = error_response(req, http::status::service_unavailable,
                                why.code, why.detail);
      res.set(http::field::retry_after,
              std::to_string(ctx_->relay_cfg.retry_after_s));
      return reply(std::move(res));
    }
  }
  // Reserve a slot now so concurrent upgrades cannot overshoot the cap.
  if (ctx_->ws_clients.fetch_add(1) >= ctx_->cfg.max_ws_clients) {
    ctx_->ws_clients.fetch_sub(1);
    ++ctx_->ws_refused;
    auto res
        = error_response(req, http::status::service_unavailable,
                         "too_many_clients", "WebSocket client limit reached");
    res.set(http::field::retry_after, "5");
    return reply(std::move(res));
  }
  if (camera) {
    stream_.expires_never();
    auto ws = std::make_shared<ws_session>(stream_.release_socket(), ctx_);
    auto endpoint = make_viewer_endpoint(ctx_, relay, fps, std::move(slot));
    endpoint->granted = *granted;
    ws->run(std::move(req), std::move(endpoint));
    return;
  }
  if (frames) {
    if (!ctx_->clips) {
      ctx_->ws_clients.fetch_sub(1);
      return reply(error_response(req, http::status::service_unavailable,
                                  "shutting_down",
                                  "the frame server is not running"));
    }
    stream_.expires_never();
    auto ws = std::make_shared<ws_session>(stream_.release_socket(), ctx_);
    auto endpoint = make_frames_endpoint(ctx_);
    endpoint->granted = *granted;
    ws->run(std::move(req), std::move(endpoint));
    return;
  }
  auto self = shared_from_this();
  auto executor = stream_.get_executor();
  auto shared_req = std::make_shared<http_request>(std::move(req));
  ask(
      ctx_->sys, ctx_->registry,
      std::chrono::duration_cast<std::chrono::milliseconds>(
          defaults::server::request_timeout),
      [self, executor, shared_req, role = *granted](session_actor& session) {
        net::post(executor, [self, shared_req, session, role]() mutable {
          self->stream_.expires_never();
          auto ws = std::make_shared<ws_session>(self->stream_.release_socket(),
                                                 self->ctx_);
          auto endpoint = make_session_endpoint(self->ctx_, std::move(session));
          endpoint->granted = role;
          ws->run(std::move(*shared_req), std::move(endpoint));
        });
      },
      [self, executor, shared_req](const caf::error& err) {
        net::post(executor, [self, shared_req, err] {
          self->ctx_->ws_clients.fetch_sub(1);
          self->reply(error_response(*shared_req, status_of(err), code_of(err),
                                     error_detail(err)));
        });
      },
      atom::get_v, id);
}

void http_session::reply(http_response res) {
  auto close = res.need_eof();
  res_ = std::make_shared<http_response>(std::move(res));
  http::async_write(stream_, *res_,
                    beast::bind_front_handler(&http_session::on_write,
                                              shared_from_this(), close));
}

void http_session::on_write(bool close, beast::error_code ec, std::size_t) {
  res_.reset();
  if (ec || close)
    return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
}

} // namespace argus
