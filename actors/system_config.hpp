// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <caf/actor_system_config.hpp>

namespace argus {

/// The actor system configuration of argus: loads the type-ID block and the
/// error category. Production and the deterministic tests both use it.
class actor_config : public caf::actor_system_config {
public:
  actor_config();
};

} // namespace argus
