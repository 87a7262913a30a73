// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/history/track_store.hpp"

#include <map>
#include <memory>
#include <string>

namespace argus {

/// Everything the STORE is started with.
struct store_setup {
  store_config cfg;
  /// Per-camera retention overrides (cameras[].retain_days).
  std::map<std::string, double> retain_days;
  /// Tracks the start-up recovery closed as interrupted.
  int64_t interrupted_at_start = 0;
};

/// State of the STORE.
struct store_state {
  static inline constexpr const char* name = "store";
  std::unique_ptr<track_store> core;
  /// Generation of the flush timer chain; an older timer is ignored.
  uint64_t flush_generation = 0;
  bool stopping = false;
};

/// The STORE: the one writer of the track-history database. Sessions send it
/// events and samples, PTZ controllers their audit records; it commits them
/// in batches every flush interval (or sooner when many samples wait),
/// expires old tracks and audit records in small steps, and
/// survives a failing disk by staying "degraded" and retrying. Spawn it
/// detached: every handler may block on SQLite. On exit it commits what it
/// holds before quitting.
store_actor::behavior_type
store(store_actor::stateful_pointer<store_state> self, store_setup setup);

} // namespace argus
