// SPDX-License-Identifier: Apache-2.0
#include "actors/ptz/onvif_device.hpp"

#include "actors/failure.hpp"
#include "core/clock.hpp"
#include "core/ptz/onvif_http.hpp"
#include "messages/error.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <chrono>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = ptz_device_actor::stateful_pointer<onvif_device_state>;

/// The actor clock in milliseconds (tests drive it).
int64_t now_ms(self_ptr self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             self->clock().now().time_since_epoch())
      .count();
}

/// Schedules one reconnect attempt at next_attempt_ms: a position query
/// sent anonymously, so its answer goes nowhere.
void schedule_attempt(self_ptr self) {
  auto& st = self->state;
  if (st.attempt_scheduled)
    return;
  st.attempt_scheduled = true;
  auto wait = std::max<int64_t>(0, st.next_attempt_ms - now_ms(self));
  caf::delayed_anon_send(caf::actor_cast<ptz_device_actor>(self),
                         std::chrono::milliseconds(wait), ptz_command{});
}

/// The device did not answer (or connecting failed): wait before the next
/// attempt, log the outage once.
caf::error note_outage(self_ptr self, caf::error err) {
  auto& st = self->state;
  auto text = render(err);
  if (st.outage.empty())
    log_with(st.log, spdlog::level::warn,
             "ptz {}: ONVIF device unavailable: {}", st.camera_id, text);
  st.outage = text;
  st.next_attempt_ms = now_ms(self) + st.retry->next_delay_ms();
  schedule_attempt(self);
  return err;
}

/// Connects unless connected; an error while the backoff wait runs says
/// so without touching the device.
caf::error ensure_connected(self_ptr self) {
  auto& st = self->state;
  if (st.client->connected())
    return {};
  auto now = now_ms(self);
  if (now < st.next_attempt_ms)
    return caf::make_error(ec::ptz_device_failed,
                           fmt::format("{} (next attempt in {} ms)", st.outage,
                                       st.next_attempt_ms - now));
  if (auto err = st.client->connect())
    return note_outage(self, std::move(err));
  st.retry->reset();
  if (!st.outage.empty())
    log_with(st.log, spdlog::level::info, "ptz {}: ONVIF device back",
             st.camera_id);
  else
    log_with(st.log, spdlog::level::info, "ptz {}: ONVIF profile {} connected",
             st.camera_id, st.client->profile_token());
  st.outage.clear();
  return {};
}

} // namespace

ptz_device_actor::behavior_type onvif_device(self_ptr self,
                                             std::string camera_id,
                                             onvif_config cfg,
                                             onvif::client_io io) {
  log_failures(self, "onvif_device");
  auto& st = self->state;
  st.camera_id = std::move(camera_id);
  st.log.camera_id = st.camera_id;
  st.retry.emplace(backoff_policy{cfg.retry_min_ms, cfg.retry_max_ms, 2.0, 0.2},
                   std::hash<std::string>{}(st.camera_id));
  st.client.emplace(std::move(cfg), std::move(io));
  return {
      [=](const ptz_command& cmd) -> caf::result<ptz_pose> {
        auto& st = self->state;
        if (cmd.what == ptz_command::kind::none && !self->current_sender()) {
          // Our own reconnect timer: its time has come.
          st.attempt_scheduled = false;
          st.next_attempt_ms = 0;
        }
        if (auto err = ensure_connected(self))
          return err;
        auto pose = st.client->execute(cmd);
        if (!pose && st.client->lost_connection())
          return note_outage(self, std::move(pose.error()));
        if (!pose)
          return std::move(pose.error());
        return *pose;
      },
  };
}

onvif::client_io onvif_io(const onvif_config& cfg) {
  onvif::client_io io;
  io.post = onvif::curl_transport(cfg.timeout_ms, {cfg.username, cfg.password});
  io.nonce = [] {
    std::string nonce(16, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), 16);
    return nonce;
  };
  io.unix_now_ms = [] { return unix_now_ms(); };
  return io;
}

} // namespace argus
