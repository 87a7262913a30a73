// SPDX-License-Identifier: Apache-2.0
#include "actors/ptz/ptz.hpp"

#include "actors/failure.hpp"
#include "core/clock.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = ptz_actor::stateful_pointer<ptz_state>;

/// A device call that has not answered by then failed; the next command
/// goes out anyway.
constexpr auto device_timeout = std::chrono::seconds(2);

void send_next(self_ptr self);

void issue(self_ptr self, std::optional<ptz_command> cmd) {
  if (!cmd)
    return;
  auto& st = self->state;
  st.queued = std::move(cmd);
  if (!st.in_flight)
    send_next(self);
}

void send_next(self_ptr self) {
  auto& st = self->state;
  if (!st.queued || !st.setup.device)
    return;
  auto cmd = std::move(*st.queued);
  st.queued.reset();
  st.in_flight = true;
  self->request(st.setup.device, device_timeout, cmd)
      .then(
          [=](const ptz_pose& pose) {
            self->state.core->answered(pose);
            self->state.in_flight = false;
            send_next(self);
          },
          [=](caf::error& err) {
            auto& s = self->state;
            auto text = render(err);
            if (s.core->status().last_error != text)
              spdlog::warn("ptz {}: {} failed: {}", s.setup.camera_id,
                           to_string(cmd.what), text);
            s.core->failed(text);
            s.in_flight = false;
            send_next(self);
          });
}

} // namespace

ptz_actor::behavior_type ptz(self_ptr self, ptz_setup setup) {
  log_failures(self, "ptz");
  auto& st = self->state;
  st.setup = std::move(setup);
  st.core.emplace(st.setup.camera_id, st.setup.cfg);
  if (st.setup.owns_device && st.setup.device)
    self->link_to(st.setup.device);
  return {
      [=](const ptz_observation& obs) {
        auto& core = *self->state.core;
        issue(self, core.observe(obs));
        return core.telemetry();
      },
      [=](atom::status) -> caf::result<ptz_status> {
        // Ask the device where it points now: between commands (a home
        // move under way) the last answer is stale.
        auto& st = self->state;
        if (!st.setup.device)
          return st.core->status();
        auto rp = self->make_response_promise<ptz_status>();
        self->request(st.setup.device, device_timeout, ptz_command{})
            .then(
                [=](const ptz_pose& pose) mutable {
                  self->state.core->answered(pose);
                  rp.deliver(self->state.core->status());
                },
                [=](caf::error& err) mutable {
                  self->state.core->unanswered(render(err));
                  rp.deliver(self->state.core->status());
                });
        return rp;
      },
      [=](atom::enable, bool enabled) {
        issue(self, self->state.core->set_enabled(enabled, mono_now_ms()));
        return self->state.core->status();
      },
      [=](atom::home) {
        issue(self, self->state.core->go_home(mono_now_ms()));
        return self->state.core->status();
      },
      [=](atom::replace, camera_actor cam) {
        if (!self->state.setup.owns_device) // sim: the camera is the head
          self->state.setup.device = std::move(cam);
      },
  };
}

} // namespace argus
