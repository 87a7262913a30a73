// SPDX-License-Identifier: Apache-2.0
#include "actors/supervisor.hpp"

#include "actors/failure.hpp"

#include <caf/exit_reason.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

const std::string camera_prefix = "camera/";
const std::string relay_prefix = "relay/";
const std::string ptz_prefix = "ptz/";
const std::string store_name = "store";

/// True for the reasons an actor ends by design: nothing to restart.
bool ended_by_design(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal
         || reason == caf::exit_reason::user_shutdown;
}

/// The child name of the actor at `addr`, or "" when it is not one.
std::string child_of(self_ptr self, const caf::actor_addr& addr) {
  auto& st = self->state.setup;
  for (auto& [id, cam] : st.cameras)
    if (cam.address() == addr)
      return camera_prefix + id;
  for (auto& [id, relay] : st.relays)
    if (relay.address() == addr)
      return relay_prefix + id;
  for (auto& [id, ptz] : st.ptz)
    if (ptz.address() == addr)
      return ptz_prefix + id;
  if (st.store && st.store.address() == addr)
    return store_name;
  return {};
}

void restart_camera(self_ptr self, const std::string& id) {
  auto& st = self->state.setup;
  auto cam = st.spawn_camera(id);
  self->monitor(cam);
  st.cameras[id] = cam;
  if (st.registry)
    self->send(st.registry, atom::replace_v, id, cam);
  auto relay = st.relays.find(id);
  if (relay != st.relays.end() && relay->second)
    self->send(relay->second, atom::replace_v, cam);
  auto ptz = st.ptz.find(id);
  if (ptz != st.ptz.end() && ptz->second)
    self->send(ptz->second, atom::replace_v, cam);
}

void restart_ptz(self_ptr self, const std::string& id) {
  auto& st = self->state.setup;
  auto ptz = st.spawn_ptz(id, st.cameras[id], st.store);
  self->monitor(ptz);
  st.ptz[id] = ptz;
  st.handles->set_ptz(id, ptz);
  if (st.registry)
    self->send(st.registry, atom::replace_v, id, ptz);
}

void restart_relay(self_ptr self, const std::string& id) {
  auto& st = self->state.setup;
  auto relay = st.spawn_relay(id, st.cameras[id]);
  self->monitor(relay);
  st.relays[id] = relay;
  st.handles->set_relay(id, relay);
}

void restart_store(self_ptr self) {
  auto& st = self->state.setup;
  st.store = st.spawn_store();
  self->monitor(st.store);
  st.handles->set_store(st.store);
  if (st.registry)
    self->send(st.registry, atom::replace_v, st.store);
  for (auto& [id, ptz] : st.ptz)
    self->send(ptz, atom::replace_v, ptz_log_actor{st.store});
}

void run_stage(self_ptr self);

/// Stops `hdl` and waits for its down message, at most `grace` (then
/// atom::stage kills it); a null handle is a stage with nothing to do.
void stop_and_await(self_ptr self, caf::actor hdl, caf::timespan grace,
                    const char* name) {
  auto& st = self->state;
  if (!hdl) {
    ++st.stage;
    return run_stage(self);
  }
  st.awaited = hdl;
  st.awaited_name = name;
  self->monitor(hdl);
  self->send_exit(hdl, caf::exit_reason::user_shutdown);
  self->delayed_send(self, grace, atom::stage_v, st.stage);
}

/// The next stage of the shutdown; see supervisor() for the order.
void run_stage(self_ptr self) {
  auto& st = self->state;
  auto& setup = st.setup;
  switch (st.stage) {
  case 0:
    if (setup.clips)
      self->send_exit(setup.clips, caf::exit_reason::user_shutdown);
    for (auto& [id, relay] : setup.relays)
      self->send_exit(relay, caf::exit_reason::user_shutdown);
    for (auto& [id, ptz] : setup.ptz)
      self->send_exit(ptz, caf::exit_reason::user_shutdown);
    ++st.stage;
    return run_stage(self);
  case 1:
    return stop_and_await(self, caf::actor_cast<caf::actor>(setup.registry),
                          setup.session_stop_grace, "sessions");
  case 2:
    return stop_and_await(self, caf::actor_cast<caf::actor>(setup.store),
                          setup.store_stop_grace, "store");
  default:
    if (setup.reader)
      self->send_exit(setup.reader, caf::exit_reason::user_shutdown);
    st.stopped.deliver(true);
    self->quit();
  }
}

/// The actor stage N waits for is down (or was killed): on to the next.
void stage_done(self_ptr self) {
  auto& st = self->state;
  st.awaited = nullptr;
  ++st.stage;
  run_stage(self);
}

void on_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (st.stopping) {
    if (st.awaited && dm.source == st.awaited.address())
      stage_done(self);
    return;
  }
  auto name = child_of(self, dm.source);
  if (name.empty())
    return;
  if (ended_by_design(dm.reason)) {
    spdlog::info("supervisor: {} stopped", name);
    return;
  }
  auto it = st.children.find(name);
  if (it == st.children.end()) {
    backoff wait{st.setup.restart_backoff, std::hash<std::string>{}(name)};
    it = st.children.emplace(name, child_restarts{wait, st.started}).first;
  }
  auto& child = it->second;
  if (self->clock().now() - child.up_since >= st.setup.stable_after)
    child.wait.reset();
  auto delay = std::chrono::milliseconds(child.wait.next_delay_ms());
  spdlog::error("supervisor: {} failed ({}); restarting in {} ms", name,
                render(dm.reason), delay.count());
  self->delayed_send(self, delay, atom::next_v, name);
}

} // namespace

supervisor_actor::behavior_type supervisor(self_ptr self,
                                           supervisor_setup setup) {
  log_failures(self, "supervisor");
  auto& st = self->state;
  st.setup = std::move(setup);
  st.started = self->clock().now();
  if (!st.setup.handles)
    st.setup.handles = std::make_shared<supervised_handles>();
  for (auto& [id, cam] : st.setup.cameras)
    self->monitor(cam);
  for (auto& [id, relay] : st.setup.relays) {
    self->monitor(relay);
    st.setup.handles->set_relay(id, relay);
  }
  for (auto& [id, ptz] : st.setup.ptz) {
    self->monitor(ptz);
    st.setup.handles->set_ptz(id, ptz);
  }
  if (st.setup.store) {
    self->monitor(st.setup.store);
    st.setup.handles->set_store(st.setup.store);
  }
  self->set_down_handler([=](const caf::down_msg& dm) { on_down(self, dm); });
  return {
      [=](atom::status) { return self->state.restarts; },
      [=](atom::shutdown) -> caf::result<bool> {
        auto& st = self->state;
        if (st.stopping)
          return caf::make_error(caf::sec::runtime_error,
                                 "shutdown already running");
        spdlog::info("supervisor: stopping the engine");
        st.stopping = true;
        st.stopped = self->make_response_promise<bool>();
        run_stage(self);
        return st.stopped;
      },
      [=](atom::stage, int32_t stage) {
        auto& st = self->state;
        if (stage != st.stage || !st.awaited)
          return;
        spdlog::warn("{} did not stop in time; killing it", st.awaited_name);
        self->send_exit(st.awaited, caf::exit_reason::kill);
        stage_done(self);
      },
      [=](atom::configure, const config_ptr& cfg) {
        auto& st = self->state;
        if (st.stopping || !st.setup.take_camera_sources)
          return;
        for (auto& id : st.setup.take_camera_sources(*cfg)) {
          auto it = st.setup.cameras.find(id);
          if (it == st.setup.cameras.end())
            continue;
          // Not a failure: no backoff, and the replacement starts now. Its
          // session ends with the old camera (clients are told); viewers
          // stay with the relay, which moves to the new one.
          spdlog::info("supervisor: restarting camera/{} with new settings",
                       id);
          self->demonitor(it->second.address());
          self->send_exit(it->second, caf::exit_reason::user_shutdown);
          restart_camera(self, id);
          // After the replace (same sender, so in order): a latest.jpg
          // request from now on takes a picture from the new source.
          if (auto relay = st.setup.relays.find(id);
              relay != st.setup.relays.end() && relay->second)
            self->send(relay->second, atom::reset_v);
        }
      },
      [=](atom::next, const std::string& name) {
        if (self->state.stopping)
          return; // a restart that was due when the shutdown began
        ++self->state.restarts;
        if (auto it = self->state.children.find(name);
            it != self->state.children.end())
          it->second.up_since = self->clock().now();
        spdlog::warn("supervisor: restarting {}", name);
        if (name.rfind(camera_prefix, 0) == 0)
          restart_camera(self, name.substr(camera_prefix.size()));
        else if (name.rfind(relay_prefix, 0) == 0)
          restart_relay(self, name.substr(relay_prefix.size()));
        else if (name.rfind(ptz_prefix, 0) == 0)
          restart_ptz(self, name.substr(ptz_prefix.size()));
        else if (name == store_name)
          restart_store(self);
      },
  };
}

} // namespace argus
