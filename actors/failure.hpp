// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/error.hpp"

#include <caf/scheduled_actor.hpp>
#include <exception>
#include <functional>
#include <spdlog/spdlog.h>
#include <string>

namespace argus {

/// Makes an exception that escapes one of `self`'s handlers a logged,
/// contained failure: the log names the actor, and the actor ends with
/// ec::internal_error. CAF 0.17 always terminates an actor on an escaped
/// exception; what follows is its owner's call (a session's peers end the
/// session, the supervisor restarts cameras, relays and the store; see
/// docs/architecture.md). The process never terminates.
/// `on_failure` runs first when given: an actor that owns a socket closes
/// it (1011), so the client is not left waiting on a dead actor.
template <class Self>
void log_failures(Self* self, std::string name,
                  std::function<void()> on_failure = {}) {
  self->set_exception_handler(
      [name, on_failure](caf::scheduled_actor* ptr,
                         std::exception_ptr& eptr) -> caf::error {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(eptr);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
          // keep the generic text
        }
        spdlog::error("actor {} (#{}) failed: {}", name, ptr->id(), what);
        if (on_failure)
          on_failure();
        return caf::make_error(ec::internal_error, name + " failed: " + what);
      });
}

} // namespace argus
