// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/settings/settings_core.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace argus {

/// Everything the SETTINGS actor is started with.
struct settings_setup {
  /// The config file argus was started with and its document.
  std::string path;
  settings_core core;
  /// Told every accepted configuration (it passes it on to sessions and
  /// PTZ controllers).
  registry_actor registry;
  /// Runs on each accepted configuration in the actor (production: sets
  /// the log level); may be empty.
  std::function<void(const config&)> on_accept;
  /// Told every accepted configuration too: it restarts a camera whose
  /// source settings changed (null: none is).
  supervisor_actor supervisor;
  /// The clock of backup names (tests fix it).
  std::function<std::chrono::system_clock::time_point()> now
      = [] { return std::chrono::system_clock::now(); };
};

/// State of the SETTINGS actor.
struct settings_state {
  static inline constexpr const char* name = "settings";
  std::optional<settings_setup> setup;
};

/// The SETTINGS actor: owns the running configuration behind GET, PATCH
/// and POST /settings (docs/protocol.md, "Settings"). It validates a whole
/// change before taking any of it, publishes an accepted config to the
/// REGISTRY, and writes the file (atomically, with backups) when asked.
/// Detached: persist and reload are file I/O.
settings_actor::behavior_type
settings(settings_actor::stateful_pointer<settings_state> self,
         settings_setup setup);

} // namespace argus
