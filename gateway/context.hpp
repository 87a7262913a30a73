// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/wire.hpp"
#include "core/bearer_auth.hpp"
#include "core/config.hpp"
#include "core/viewer_limits.hpp"
#include "gateway/static_files.hpp"

#include <atomic>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace argus {

class ws_session;

/// The track-history actors; both null when the store is disabled.
struct track_history {
  store_actor store;
  track_reader_actor reader;
};

/// What every connection of the gateway shares: the actor system, the
/// REGISTRY, limits, and the live WebSocket sessions (for shutdown).
struct gateway_context {
  gateway_context(caf::actor_system& sys, registry_actor registry,
                  track_history history, server_config cfg,
                  wire_codec_ptr codec)
      : sys(sys), registry(std::move(registry)), history(std::move(history)),
        cfg(std::move(cfg)), codec(std::move(codec)) {}

  caf::actor_system& sys;
  registry_actor registry;
  track_history history;
  server_config cfg;
  wire_codec_ptr codec;
  /// The frame server (null when not started).
  clip_manager_actor clips;
  frame_wire_codec_ptr frame_codec;
  /// The camera relay: one RELAY per configured camera (fixed at start).
  std::map<std::string, relay_actor> relays;
  relay_wire_codec_ptr relay_codec;
  relay_config relay_cfg;
  std::shared_ptr<viewer_limits> viewer_slots;
  /// Bearer tokens (open access when none are configured).
  std::shared_ptr<const bearer_auth> auth;
  /// The web client (server.web_root), loaded at start.
  std::shared_ptr<const static_files> web;
  std::atomic<int> ws_clients{0};
  std::atomic<int64_t> ws_refused{0};
  std::atomic<bool> accepting{true};

  std::mutex sessions_mtx;
  std::unordered_map<const ws_session*, std::weak_ptr<ws_session>> sessions;
};

/// Asks an actor from a non-actor thread without blocking it: a short-lived
/// actor sends the request and runs `on_ok` or `on_err` (on an actor
/// thread) with the answer. Callbacks must hand results back to their own
/// executor.
template <class Handle, class OnOk, class OnErr, class... Ts>
void ask(caf::actor_system& sys, const Handle& hdl,
         std::chrono::milliseconds timeout, OnOk on_ok, OnErr on_err,
         Ts... xs) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(hdl, timeout, xs...).then(on_ok, [=](caf::error& err) {
      on_err(err);
    });
  });
}

} // namespace argus
