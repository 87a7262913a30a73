// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "core/config.hpp"
#include "gateway/beast.hpp"
#include "gateway/context.hpp"

#include <caf/expected.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace argus {

/// The Beast gateway: an acceptor plus io threads that never block on
/// actors. Owns its io_context; the actor system is owned by the caller.
class server {
public:
  server(caf::actor_system& sys, registry_actor registry, track_history history,
         server_config cfg);
  ~server();

  /// Binds host:port (port 0 picks one) and starts the io threads.
  /// @returns the bound port.
  caf::expected<uint16_t> start();

  /// Serves /clips and /ws/frames from this CLIP MANAGER (before start()).
  void set_frame_server(clip_manager_actor clips);

  /// Serves the camera relay of the RELAYs in `handles` (by camera id),
  /// and finds the STORE there (the SUPERVISOR keeps both current).
  void set_relays(std::shared_ptr<supervised_handles> handles,
                  const relay_config& cfg);

  /// Requires bearer tokens (none: open access).
  void set_auth(std::shared_ptr<const bearer_auth> auth);

  /// Serves `metrics` at GET /metrics and /stats and counts WebSocket
  /// clients and closes into it.
  void set_metrics(metrics_ptr metrics);

  /// Serves /settings from this SETTINGS actor (unset: those routes 503).
  void set_settings(settings_actor settings);
  /// Serves /models from this MODELS actor; POST /models/upload accepts
  /// bodies up to `max_model_bytes` plus the framing. After set_metrics:
  /// uploads and activations are counted there.
  void set_models(models_actor models, size_t max_model_bytes);

  /// Stops accepting connections and new sessions (/readyz turns 503).
  void stop_accepting();

  /// Closes remaining WebSocket connections with `reason`, waits up to
  /// `grace` for them to finish, then stops the io threads.
  void stop(uint16_t code, const std::string& reason,
            std::chrono::milliseconds grace);

  /// Live WebSocket connections.
  int ws_clients() const { return ctx_->ws_clients.load(); }

private:
  void do_accept();
  /// One io thread: runs the io_context, surviving handler exceptions.
  void run_io();

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<gateway_context> ctx_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

} // namespace argus
