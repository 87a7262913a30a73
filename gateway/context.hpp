// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/supervised_handles.hpp"
#include "actors/wire.hpp"
#include "core/bearer_auth.hpp"
#include "core/config.hpp"
#include "core/metrics/argus_metrics.hpp"
#include "core/relay/viewer_limits.hpp"
#include "core/settings/write_rate_limiter.hpp"
#include "gateway/static_files.hpp"

#include <atomic>
#include <caf/actor_system.hpp>
#include <caf/detail/type_traits.hpp>
#include <caf/event_based_actor.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <spdlog/spdlog.h>
#include <unordered_map>

namespace argus {

class ws_session;

/// What every connection of the gateway shares: the actor system, the
/// REGISTRY, limits, and the live WebSocket sessions (for shutdown).
struct gateway_context {
  gateway_context(caf::actor_system& sys, registry_actor registry,
                  track_history history, server_config cfg,
                  wire_codec_ptr codec)
      : sys(sys), registry(std::move(registry)), history(std::move(history)),
        cfg(std::move(cfg)), codec(std::move(codec)) {
    handles->set_store(this->history.store);
  }

  caf::actor_system& sys;
  registry_actor registry;
  /// The reader; the store's current handle is in `handles`.
  track_history history;
  server_config cfg;
  wire_codec_ptr codec;
  /// The frame server (null when not started).
  clip_manager_actor clips;
  /// The model catalog (null when not started: /models answers 503).
  models_actor models;
  /// Largest model POST /models/upload takes (detector.max_model_bytes).
  size_t max_model_bytes = 0;
  /// Model uploads and activations by result (in `metrics`; null without).
  metrics::counter_family* model_uploads = nullptr;
  metrics::counter_family* model_activations = nullptr;
  frame_wire_codec_ptr frame_codec;
  /// The current RELAY of each camera and the STORE (the SUPERVISOR
  /// replaces a handle when it restarts that actor).
  std::shared_ptr<supervised_handles> handles
      = std::make_shared<supervised_handles>();
  relay_wire_codec_ptr relay_codec;
  relay_config relay_cfg;
  std::shared_ptr<viewer_limits> viewer_slots;
  /// Bearer tokens (open access when none are configured).
  std::shared_ptr<const bearer_auth> auth;
  /// The web client (server.web_root), loaded at start.
  std::shared_ptr<const static_files> web;
  /// What GET /metrics exposes and the gateway counts (WebSocket clients
  /// and closes); null in tests that run without one.
  metrics_ptr metrics;
  /// Owns the running configuration (GET/PATCH /settings); null: none.
  settings_actor settings;
  /// Writes to /settings per client (server.settings_writes_per_minute).
  std::mutex settings_writes_mtx;
  write_rate_limiter settings_writes{cfg.settings_writes_per_minute};
  std::atomic<int> ws_clients{0};
  std::atomic<int64_t> ws_refused{0};
  std::atomic<bool> accepting{true};

  std::mutex sessions_mtx;
  std::unordered_map<const ws_session*, std::weak_ptr<ws_session>> sessions;
};

/// Wraps an answer callback so an exception inside it becomes an
/// `internal_error` answer through `on_err` instead of killing the asking
/// actor and leaving the connection without a reply. Keeps the callback's
/// exact signature: CAF matches response handlers by their argument types.
template <class F, class OnErr, class... Args>
auto guard_callback(F f, OnErr on_err, caf::detail::type_list<Args...>) {
  return [f, on_err](Args... xs) {
    try {
      f(std::forward<Args>(xs)...);
    } catch (const std::exception& e) {
      spdlog::error("reply handler failed: {}", e.what());
      try {
        on_err(caf::make_error(ec::internal_error,
                               "the reply failed inside argus"));
      } catch (...) {
        spdlog::error("the error handler failed too; the request is dropped");
      }
    }
  };
}

template <class F, class OnErr> auto guard_callback(F f, OnErr on_err) {
  using args = typename caf::detail::get_callable_trait<F>::arg_types;
  return guard_callback(std::move(f), std::move(on_err), args{});
}

/// Asks an actor from a non-actor thread without blocking it: a short-lived
/// actor sends the request and runs `on_ok` or `on_err` (on an actor
/// thread) with the answer. Callbacks must hand results back to their own
/// executor.
template <class Handle, class OnOk, class OnErr, class... Ts>
void ask(caf::actor_system& sys, const Handle& hdl,
         std::chrono::milliseconds timeout, OnOk on_ok, OnErr on_err,
         Ts... xs) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(hdl, timeout, xs...)
        .then(guard_callback(on_ok, on_err), [=](caf::error& err) {
          guard_callback([=](caf::error& e) { on_err(e); }, on_err)(err);
        });
  });
}

} // namespace argus
