// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/models/model_catalog.hpp"

#include <optional>

namespace argus {

/// State of the MODELS actor.
struct models_state {
  static inline constexpr const char* name = "models";
  std::optional<model_catalog> catalog;
  registry_actor registry;
  /// Told each activation (null until it subscribes).
  settings_actor settings;
};

/// The MODELS actor: the one owner of the model catalog and of which model
/// is active and which runs in shadow mode (decision 0013). It validates
/// and stores uploads and trial-loads a model before telling the REGISTRY
/// to switch every DETECTOR to it. File I/O and trial loads block: spawn
/// it detached (spawn_models).
models_actor::behavior_type
models(models_actor::stateful_pointer<models_state> self,
       detector_config detector, registry_actor registry);

} // namespace argus
