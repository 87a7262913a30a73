// SPDX-License-Identifier: Apache-2.0
#include "actors/system_config.hpp"

#include "messages/error.hpp"
#include "messages/type_ids.hpp"

namespace argus {

actor_config::actor_config() {
  add_message_types<caf::id_block::argus>();
  add_error_category(error_category(), [](uint8_t code, caf::atom_value,
                                          const caf::message& ctx) {
    auto name = to_string(static_cast<ec>(code));
    return ctx.empty() ? std::string(name)
                       : std::string(name) + ": " + caf::to_string(ctx);
  });
}

} // namespace argus
