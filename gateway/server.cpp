// SPDX-License-Identifier: Apache-2.0
#include "gateway/server.hpp"

#include "gateway/frame_codec.hpp"
#include "gateway/http_session.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/relay_codec.hpp"
#include "gateway/ws_session.hpp"
#include "messages/error.hpp"

#include <spdlog/spdlog.h>

namespace argus {

server::server(caf::actor_system& sys, registry_actor registry,
               track_history history, server_config cfg)
    : ioc_(cfg.io_threads), acceptor_(net::make_strand(ioc_)),
      ctx_(std::make_shared<gateway_context>(
          sys, std::move(registry), std::move(history), std::move(cfg),
          std::make_shared<json_wire_codec>())) {
  // nop
}

void server::set_frame_server(clip_manager_actor clips) {
  ctx_->clips = std::move(clips);
  ctx_->frame_codec = std::make_shared<json_frame_codec>();
}

void server::set_relays(std::shared_ptr<supervised_handles> handles,
                        const relay_config& cfg) {
  ctx_->handles = std::move(handles);
  ctx_->relay_cfg = cfg;
  ctx_->relay_codec = std::make_shared<json_relay_codec>();
  ctx_->viewer_slots = std::make_shared<viewer_limits>(
      cfg.max_viewers_per_camera, cfg.max_viewers);
}

void server::set_auth(std::shared_ptr<const bearer_auth> auth) {
  ctx_->auth = std::move(auth);
}

void server::set_metrics(metrics_ptr metrics) {
  ctx_->metrics = std::move(metrics);
}

void server::set_settings(settings_actor settings) {
  ctx_->settings = std::move(settings);
}

void server::set_models(models_actor models, size_t max_model_bytes) {
  ctx_->models = std::move(models);
  ctx_->max_model_bytes = max_model_bytes;
  if (ctx_->metrics && !ctx_->model_uploads) {
    ctx_->model_uploads = &ctx_->metrics->registry.add_counter(
        "argus_model_uploads_total",
        "POST /models/upload by result (ok, refused, failed).", {"result"});
    ctx_->model_activations = &ctx_->metrics->registry.add_counter(
        "argus_model_activations_total",
        "POST /models/{name}/activate by result (ok, refused, failed).",
        {"result"});
  }
}

server::~server() {
  if (!stopped_)
    stop(close_code::going_away, "server shutting down",
         std::chrono::milliseconds(0));
}

caf::expected<uint16_t> server::start() {
  ctx_->web = static_files::load(ctx_->cfg.web_root);
  if (ctx_->web->size() > 0)
    spdlog::info("web client: {} file(s) from {}", ctx_->web->size(),
                 ctx_->cfg.web_root);
  beast::error_code ec;
  auto addr = net::ip::make_address(ctx_->cfg.host, ec);
  if (ec)
    return caf::make_error(ec::invalid_config, "server.listen: bad address '"
                                                   + ctx_->cfg.host
                                                   + "': " + ec.message());
  tcp::endpoint ep{addr, ctx_->cfg.port};
  acceptor_.open(ep.protocol(), ec);
  if (!ec)
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(ep, ec);
  if (!ec)
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return caf::make_error(ec::invalid_config,
                           "cannot listen on " + ctx_->cfg.host + ":"
                               + std::to_string(ctx_->cfg.port) + ": "
                               + ec.message());
  auto port = acceptor_.local_endpoint().port();
  do_accept();
  for (int i = 0; i < ctx_->cfg.io_threads; ++i)
    threads_.emplace_back([this] { run_io(); });
  return port;
}

void server::run_io() {
  // The last catch boundary: an exception that escapes a completion
  // handler unwinds out of run(). The connection it belonged to is dropped
  // with its handler; every other connection keeps being served.
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("io thread: a connection handler failed: {}", e.what());
    } catch (...) {
      spdlog::error("io thread: a connection handler failed");
    }
  }
}

void server::do_accept() {
  acceptor_.async_accept(
      net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
          if (ec != net::error::operation_aborted)
            spdlog::warn("accept failed: {}", ec.message());
          if (!acceptor_.is_open())
            return;
        } else {
          // Small messages (a frame's JSON header before its JPEG, ticks)
          // must not wait for the peer's delayed ACK (Nagle), which holds
          // the second of two back-to-back writes for tens of ms.
          beast::error_code opt_ec;
          socket.set_option(tcp::no_delay(true), opt_ec);
          std::make_shared<http_session>(std::move(socket), ctx_)->run();
        }
        do_accept();
      });
}

void server::stop_accepting() {
  ctx_->accepting = false;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
}

void server::stop(uint16_t code, const std::string& reason,
                  std::chrono::milliseconds grace) {
  if (stopped_)
    return;
  stopped_ = true;
  stop_accepting();
  std::vector<std::shared_ptr<ws_session>> live;
  {
    std::lock_guard<std::mutex> guard{ctx_->sessions_mtx};
    for (auto& [_, weak] : ctx_->sessions)
      if (auto s = weak.lock())
        live.push_back(s);
  }
  for (auto& s : live)
    s->close(code, reason);
  live.clear();
  // Wait for close handshakes; the sessions unregister as they finish.
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (ctx_->ws_clients.load() > 0
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ioc_.stop();
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
}

} // namespace argus
