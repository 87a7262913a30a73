// SPDX-License-Identifier: Apache-2.0
#include "gateway/http_session.hpp"

#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/auth.hpp"
#include "gateway/frame_routes.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/model_routes.hpp"
#include "gateway/router.hpp"
#include "gateway/routes.hpp"
#include "gateway/url.hpp"
#include "gateway/ws_session.hpp"

#include <algorithm>
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
  // Beast checks a Content-Length against the limit as soon as the header
  // is parsed: until then, the larger of the two limits (on_header sets
  // the route's own).
  parser_->body_limit(std::max(ctx_->cfg.max_body_bytes, upload_limit()));
  parser_->header_limit(16 * 1024);
  stream_.expires_after(defaults::server::http_idle_timeout);
  upload_ = false;
  http::async_read_header(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&http_session::on_header, shared_from_this()));
}

size_t http_session::upload_limit() const {
  return ctx_->max_model_bytes == 0
             ? 0
             : ctx_->max_model_bytes + defaults::models::upload_overhead_bytes;
}

void http_session::on_header(beast::error_code ec, std::size_t bytes) {
  // Model uploads are the one route with a larger (binary) body: the
  // limit is decided here, before any of the body is read.
  if (parser_->is_header_done()) {
    const auto& h = parser_->get();
    std::string_view target(h.target().data(), h.target().size());
    upload_ = h.method() == http::verb::post && is_model_upload(target)
              && ctx_->max_model_bytes > 0;
  }
  if (ec)
    return on_read(ec, bytes);
  if (upload_ && refuse_upload())
    return;
  auto limit = upload_ ? upload_limit() : ctx_->cfg.max_body_bytes;
  if (auto length = parser_->content_length(); length && *length > limit)
    return on_read(http::error::body_limit, bytes);
  // Chunked bodies are counted against it as they arrive.
  parser_->body_limit(limit);
  http::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

bool http_session::refuse_upload() {
  // Up to max_model_bytes is read only for a client allowed to send it:
  // anyone else is answered from the headers, and the connection closes
  // (the body it announced is never read).
  std::optional<http_response> refused;
  authorize(*ctx_, parser_->get(), model_upload_role,
            [&](http_response res) { refused = std::move(res); });
  if (!refused)
    return false;
  begin_request(&parser_->get());
  log_scope scope{log_};
  refused->keep_alive(false);
  reply(std::move(*refused));
  return true;
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream)
    return do_close();
  // A request that could not be read has no headers to take an id from.
  begin_request(ec ? nullptr : &parser_->get());
  log_scope scope{log_};
  if (ec == http::error::body_limit) {
    http_request shell;
    shell.keep_alive(false);
    auto limit = upload_ ? ctx_->max_model_bytes : ctx_->cfg.max_body_bytes;
    return reply(error_response(
        shell, http::status::payload_too_large, "payload_too_large",
        std::string(upload_ ? "the model upload" : "request body") + " exceeds "
            + std::to_string(limit) + " bytes"));
  }
  if (ec == http::error::header_limit) {
    http_request shell;
    shell.keep_alive(false);
    return reply(
        error_response(shell, http::status::request_header_fields_too_large,
                       "headers_too_large", "request headers too large"));
  }
  if (ec
      && ec.category()
             == http::make_error_code(http::error::bad_target).category()
      && ec != http::error::partial_message) {
    // A malformed request line, header or length: say why, then close
    // (the stream cannot be resynchronized after a framing error).
    http_request shell;
    shell.keep_alive(false);
    return reply(error_response(shell, http::status::bad_request, "bad_request",
                                "malformed HTTP request: " + ec.message()));
  }
  if (ec) {
    if (ec != beast::error::timeout && ec != net::error::operation_aborted)
      spdlog::debug("http read failed: {}", ec.message());
    return do_close();
  }
  auto req = parser_->release();
  // The id travels with the upgrade so the handshake answer echoes it.
  req.set("X-Request-Id", log_.request_id);
  if (auto why = invalid_text(req); !why.empty())
    return reply(
        error_response(req, http::status::bad_request, "invalid_utf8", why));
  if (websocket::is_upgrade(req))
    return guarded(req, [&] { upgrade(std::move(req)); });
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
  beast::error_code peer_err;
  auto peer = stream_.socket().remote_endpoint(peer_err);
  guarded(req, [&] {
    route(
        ctx_, req,
        [self, executor](http_response res) {
          net::post(executor, [self, res = std::move(res)]() mutable {
            self->reply(std::move(res));
          });
        },
        peer_err ? std::string() : peer.address().to_string());
  });
}

std::string http_session::invalid_text(const http_request& req) const {
  if (!valid_utf8(std::string_view(req.target().data(), req.target().size())))
    return "the request target is not valid UTF-8";
  // Escapes can hide invalid bytes: decode the query once here, so no
  // route sees (or echoes) a value that is not text.
  query_params params;
  std::string ignored;
  if (parse_query(std::string(req.target()), params, ignored))
    for (auto& [k, v] : params)
      if (!valid_utf8(k) || !valid_utf8(v))
        return "a query parameter is not valid UTF-8 after percent-decoding";
  // Every body argus accepts is JSON, which is UTF-8 (RFC 8259 §8.1),
  // except a model upload's ONNX bytes.
  if (!upload_ && !valid_utf8(req.body()))
    return "the request body is not valid UTF-8";
  return {};
}

template <class F> void http_session::guarded(const http_request& req, F&& f) {
  // The catch boundary of one connection: a bug in a handler fails this
  // request with 500 and closes the connection; the server keeps serving.
  try {
    f();
    return;
  } catch (const std::exception& e) {
    spdlog::error("http {} {}: handler failed: {}",
                  std::string(req.method_string()),
                  quote_prefix(std::string(req.target()), 200), e.what());
  } catch (...) {
    spdlog::error("http {} {}: handler failed with a non-standard exception",
                  std::string(req.method_string()),
                  quote_prefix(std::string(req.target()), 200));
  }
  http_request shell;
  shell.version(req.version());
  shell.keep_alive(false);
  reply(error_response(shell, http::status::internal_server_error,
                       "internal_error",
                       "the request failed inside argus; see the server log"));
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

/// The ?ext= of an analytics stream (repeatable, comma-separated): the wire
/// extensions it opts into, none when absent; with `stats`, its rate
/// `stats_hz` (an integer 1-5, default 1). @returns false with `error`
/// naming an unknown extension or a bad rate, so a typo is refused instead
/// of ignored.
bool session_extensions(const http_request& req, wire_extensions& ext,
                        int32_t& stats_hz, std::string& error) {
  query_params params;
  ext = 0;
  stats_hz = 0;
  if (!parse_query(std::string(req.target()), params, error))
    return false;
  const std::string* hz = nullptr;
  for (auto& [k, v] : params) {
    if (k == "ext" && !parse_extensions(v, ext, error))
      return false;
    if (k == "stats_hz") {
      if (hz) {
        error = "stats_hz is given twice";
        return false;
      }
      hz = &v;
    }
  }
  if ((ext & wire_ext::stats) == 0) {
    if (hz)
      error = "stats_hz needs ext=stats";
    return hz == nullptr;
  }
  stats_hz = min_stats_hz;
  if (!hz)
    return true;
  if (hz->size() != 1 || (*hz)[0] < '0' + min_stats_hz
      || (*hz)[0] > '0' + max_stats_hz) {
    error = "stats_hz must be an integer from " + std::to_string(min_stats_hz)
            + " to " + std::to_string(max_stats_hz) + ", not '"
            + quote_prefix(*hz, 16) + "'";
    return false;
  }
  stats_hz = (*hz)[0] - '0';
  return true;
}

} // namespace

void http_session::upgrade(http_request req) {
  // Beast would refuse these in plain text during the handshake; answer
  // in the API's JSON error form instead (RFC 6455 §4.2.1, §4.4).
  if (req.count(http::field::host) == 0)
    return reply(error_response(req, http::status::bad_request, "bad_request",
                                "a WebSocket upgrade needs a Host header"));
  auto key = req[http::field::sec_websocket_key];
  if (key.empty() || key.size() > 24) // base64 of 16 bytes
    return reply(error_response(
        req, http::status::bad_request, "bad_request",
        "a WebSocket upgrade needs a Sec-WebSocket-Key of 16 bytes in base64"));
  if (req[http::field::sec_websocket_version] != "13") {
    auto res
        = error_response(req, http::status::upgrade_required, "bad_request",
                         "only WebSocket version 13 is supported");
    res.set(http::field::sec_websocket_version, "13");
    return reply(std::move(res));
  }
  // Ids in WebSocket paths are decoded like those in REST paths (route()).
  path_segments segments;
  path_error bad_path;
  auto target = req.target();
  if (!split_path(std::string_view(target.data(), target.size()), segments,
                  bad_path))
    return reply(error_response(req, http::status::bad_request, bad_path.code,
                                bad_path.detail));
  route_params params;
  const auto* found = match_route(segments, params);
  const auto* op = found ? found->find(http::verb::get) : nullptr;
  if (!op || found->websocket == ws_endpoint_kind::none)
    return reply(error_response(req, http::status::not_found, "not_found",
                                "no WebSocket endpoint at "
                                    + std::string(req.target())));
  auto kind = found->websocket;
  bool frames = kind == ws_endpoint_kind::frames;
  bool camera = kind == ws_endpoint_kind::camera_viewer;
  auto id = camera ? params["camera_id"] : params["session_id"];
  if (!ctx_->accepting)
    return reply(error_response(req, http::status::service_unavailable,
                                "shutting_down", "server is shutting down"));
  std::optional<role> granted;
  {
    std::optional<http_response> refusal;
    granted = authorize(*ctx_, req, op->needs,
                        [&](http_response res) { refusal = std::move(res); });
    if (!granted)
      return reply(std::move(*refusal));
  }
  wire_extensions extensions = 0;
  int32_t stats_hz = 0;
  if (!frames && !camera) {
    std::string ext_error;
    if (!session_extensions(req, extensions, stats_hz, ext_error))
      return reply(error_response(req, http::status::bad_request,
                                  "invalid_argument", ext_error));
  }
  std::unique_ptr<viewer_limits::ticket> slot;
  relay_actor relay;
  double fps = 0;
  if (camera) {
    relay = ctx_->handles->relay(id);
    if (!relay)
      return reply(error_response(req, http::status::not_found,
                                  "unknown_camera",
                                  "no camera with id '" + id + "'"));
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
    auto ws = std::make_shared<ws_session>(stream_.release_socket(), ctx_,
                                           "camera");
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
    auto ws = std::make_shared<ws_session>(stream_.release_socket(), ctx_,
                                           "frames");
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
      [self, executor, shared_req, role = *granted, extensions,
       stats_hz](session_actor& session) {
        net::post(executor, [self, shared_req, session, role, extensions,
                             stats_hz]() mutable {
          self->stream_.expires_never();
          auto ws = std::make_shared<ws_session>(self->stream_.release_socket(),
                                                 self->ctx_, "session");
          auto endpoint = make_session_endpoint(self->ctx_, std::move(session),
                                                extensions, stats_hz);
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

namespace {

/// `target` for the log, cut at 200 bytes, with the value of every query
/// parameter whose decoded name is `access_token` (or cannot be decoded)
/// hidden: a WebSocket upgrade may carry the bearer token in its query.
std::string loggable_target(std::string_view target) {
  auto q = target.find('?');
  std::string out(target.substr(0, q));
  if (q != std::string_view::npos) {
    auto query = target.substr(q + 1);
    out += '?';
    for (size_t begin = 0;;) {
      auto end = query.find('&', begin);
      auto pair = query.substr(begin, end == std::string_view::npos
                                          ? std::string_view::npos
                                          : end - begin);
      auto eq = pair.find('=');
      std::string raw_name(pair.substr(0, eq)), name;
      bool secret
          = !percent_decode(raw_name, name, true) || name == "access_token";
      out += raw_name;
      if (eq != std::string_view::npos)
        out += secret ? std::string("=***") : std::string(pair.substr(eq));
      if (end == std::string_view::npos)
        break;
      out += '&';
      begin = end + 1;
    }
  }
  return quote_prefix(out, 200);
}

} // namespace

void http_session::begin_request(const http_request* req) {
  started_ = std::chrono::steady_clock::now();
  log_.request_id.clear();
  method_.clear();
  target_.clear();
  if (!req)
    return void(log_.request_id = new_request_id());
  auto incoming = (*req)["X-Request-Id"];
  std::string_view id(incoming.data(), incoming.size());
  log_.request_id = valid_request_id(id) ? std::string(id) : new_request_id();
  method_ = std::string(req->method_string());
  target_ = loggable_target(
      std::string_view(req->target().data(), req->target().size()));
}

void http_session::reply(http_response res) {
  if (log_.request_id.empty())
    log_.request_id = new_request_id();
  res.set("X-Request-Id", log_.request_id);
  {
    // The access log: one line per answered request, errors louder.
    log_scope scope{log_};
    auto status = res.result_int();
    auto ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - started_)
                  .count();
    auto level = status >= 500 ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level, "http {} {} {} ({:.1f} ms) request_id={}",
                method_.empty() ? "-" : method_,
                target_.empty() ? "-" : target_, status, ms, log_.request_id);
  }
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
