// SPDX-License-Identifier: Apache-2.0
#include "actors/ptz/ptz.hpp"

#include "actors/failure.hpp"
#include "core/clock.hpp"

#include <algorithm>
#include <caf/typed_event_based_actor.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = ptz_actor::stateful_pointer<ptz_state>;

/// A device call that has not answered by then failed (audit record,
/// error count); the next command waits until the device is free again.
constexpr auto device_timeout = std::chrono::seconds(2);

void send_next(self_ptr self);

/// A call that timed out still runs on the device (its actor is busy with
/// it): a position query queued behind it answers once the device is
/// free, and only then does the newest waiting command go out — never a
/// backlog of stale moves after a hang.
void wait_for_device(self_ptr self) {
  self->request(self->state.setup.device, caf::infinite, ptz_command{})
      .then(
          [=](const ptz_pose& pose) {
            self->state.core->answered(pose);
            self->state.in_flight = false;
            send_next(self);
          },
          [=](caf::error& err) {
            self->state.core->unanswered(render(err),
                                         err == ec::ptz_command_refused);
            self->state.in_flight = false;
            send_next(self);
          });
}

/// Sends the audit record of one device call to the STORE: fire and
/// forget, so a store that is down, slow or gone never holds up control.
/// `err` is empty when the device answered.
void log_call(self_ptr self, ptz_command cmd, int64_t sent_unix_ms,
              caf::actor_clock::time_point sent, const caf::error& err) {
  auto& st = self->state;
  auto result = err == caf::sec::request_timeout ? ptz_result::timeout
                : err                            ? ptz_result::error
                                                 : ptz_result::ok;
  if (st.setup.metrics)
    st.setup.metrics->ptz_commands
        .with({st.setup.camera_id, to_string(cmd.what), to_string(result)})
        .inc();
  if (!st.setup.log)
    return;
  ptz_command_record rec;
  rec.ts_unix_ms = sent_unix_ms;
  rec.camera_id = st.setup.camera_id;
  rec.backend = to_string(st.setup.cfg.backend);
  rec.command = std::move(cmd);
  rec.latency_ms = std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::milliseconds>(
             self->clock().now() - sent)
             .count());
  if (err == caf::sec::request_timeout) {
    rec.result = ptz_result::timeout;
    rec.error
        = "no answer within "
          + std::to_string(std::chrono::milliseconds(device_timeout).count())
          + " ms";
  } else if (err) {
    rec.result = ptz_result::error;
    rec.error = render(err);
  }
  self->send(st.setup.log, std::move(rec));
}

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
  auto sent_unix_ms = unix_now_ms();
  auto sent = self->clock().now();
  self->request(st.setup.device, device_timeout, cmd)
      .then(
          [=](const ptz_pose& pose) {
            log_call(self, cmd, sent_unix_ms, sent, caf::error{});
            self->state.core->answered(pose);
            self->state.in_flight = false;
            send_next(self);
          },
          [=](caf::error& err) {
            log_call(self, cmd, sent_unix_ms, sent, err);
            auto& s = self->state;
            auto text = render(err);
            if (s.core->status().last_error != text)
              log_with(s.log, spdlog::level::warn, "ptz {}: {} failed: {}",
                       s.setup.camera_id, to_string(cmd.what), text);
            if (err == ec::ptz_command_refused)
              s.core->refused(text);
            else
              s.core->failed(text);
            if (err == caf::sec::request_timeout)
              return wait_for_device(self); // still in flight
            s.in_flight = false;
            send_next(self);
          });
}

} // namespace

ptz_actor::behavior_type ptz(self_ptr self, ptz_setup setup) {
  log_failures(self, "ptz");
  auto& st = self->state;
  st.setup = std::move(setup);
  st.log.camera_id = st.setup.camera_id;
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
          return st.core->status(mono_now_ms());
        auto rp = self->make_response_promise<ptz_status>();
        self->request(st.setup.device, device_timeout, ptz_command{})
            .then(
                [=](const ptz_pose& pose) mutable {
                  self->state.core->answered(pose);
                  rp.deliver(self->state.core->status(mono_now_ms()));
                },
                [=](caf::error& err) mutable {
                  self->state.core->unanswered(render(err),
                                               err == ec::ptz_command_refused);
                  rp.deliver(self->state.core->status(mono_now_ms()));
                });
        return rp;
      },
      [=](atom::enable, bool enabled) {
        issue(self, self->state.core->set_enabled(enabled, mono_now_ms()));
        return self->state.core->status(mono_now_ms());
      },
      [=](atom::home) {
        issue(self, self->state.core->go_home(mono_now_ms()));
        return self->state.core->status(mono_now_ms());
      },
      [=](atom::replace, camera_actor cam) {
        if (!self->state.setup.owns_device) // sim: the camera is the head
          self->state.setup.device = std::move(cam);
      },
      [=](atom::replace, ptz_log_actor log) {
        self->state.setup.log = std::move(log);
      },
      [=](atom::configure, const config_ptr& cfg) {
        for (auto& cam : cfg->cameras)
          if (cam.id == self->state.setup.camera_id)
            self->state.core->retune(cam.ptz.autotrack);
      },
  };
}

} // namespace argus
