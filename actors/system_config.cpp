// SPDX-License-Identifier: Apache-2.0
#include "actors/system_config.hpp"

#include "messages/error.hpp"
#include "messages/type_ids.hpp"

#include <algorithm>
#include <thread>

namespace argus {

actor_config::actor_config() {
  // One scheduler worker per core (CAF's default is at least 4), and short
  // busy-polling before a worker sleeps on its condition variable (woken
  // by the next enqueue): CAF's default keeps idle workers polling after
  // every job, CPU the decoders need on a 2-core machine (benchmarks §3,
  // §4 and §6 were measured with this setting).
  set("scheduler.max-threads",
      size_t{std::max(2u, std::thread::hardware_concurrency())});
  set("work-stealing.aggressive-poll-attempts", size_t{10});
  set("work-stealing.moderate-poll-attempts", size_t{20});
  add_message_types<caf::id_block::argus>();
  add_error_category(error_category(), [](uint8_t code, caf::atom_value,
                                          const caf::message& ctx) {
    auto name = to_string(static_cast<ec>(code));
    return ctx.empty() ? std::string(name)
                       : std::string(name) + ": " + caf::to_string(ctx);
  });
}

} // namespace argus
