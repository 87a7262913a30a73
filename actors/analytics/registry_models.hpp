// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/analytics/registry.hpp"

namespace argus {

using registry_self = registry_actor::stateful_pointer<registry_state>;

/// The configured detector.model as a spec (what a rollback returns to
/// before any activation).
model_spec configured_model(const config& cfg, std::vector<std::string> labels);

/// Switches every session's DETECTOR to `spec`; on success new sessions
/// load it too. When one detector fails, those that switched are sent
/// back to the previous model and the request fails with its error.
caf::result<int32_t> activate_model(registry_self self, const model_spec& spec);

/// Starts shadow mode for `spec` in every DETECTOR (and in new sessions').
caf::result<int32_t> start_shadow(registry_self self, const model_spec& spec,
                                  int32_t sample_every);

/// Keeps the comparison of a DETECTOR that ended with its session (while
/// that candidate's shadow run lasts).
void keep_ended_shadow(registry_self self, const shadow_report& part);

/// Asks every DETECTOR for its shadow comparison and merges them (and
/// those of detectors that ended during the run); with
/// `stop` the detectors end shadow mode as they answer.
caf::result<shadow_report> collect_shadow(registry_self self, bool stop);

} // namespace argus
