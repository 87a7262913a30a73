// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"

#include <caf/actor_system.hpp>

namespace argus {

/// Encodes the demo's sample clip once (ffmpeg CLI, libx265, into
/// data/sample.hevc) and registers it as "sample", so a newcomer can fetch
/// a frame with one curl command. Blocks: call it from the main thread
/// before the server starts. Failures are logged, never fatal.
void register_sample_clip(caf::actor_system& sys,
                          const clip_manager_actor& clips);

} // namespace argus
