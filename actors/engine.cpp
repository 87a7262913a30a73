// SPDX-License-Identifier: Apache-2.0
#include "actors/engine.hpp"

#include "actors/analytics/registry.hpp"
#include "actors/spawn.hpp"
#include "actors/supervisor.hpp"
#include "core/clock.hpp"
#include "core/history/track_db.hpp"
#include "core/settings/settings_core.hpp"

#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

/// The configured camera `id` (the factories are only asked for those).
const camera_config& camera_config_of(const config& cfg,
                                      const std::string& id) {
  for (auto& cam : cfg.cameras)
    if (cam.id == id)
      return cam;
  throw std::out_of_range("no configured camera '" + id + "'");
}

/// Closes the tracks an unclean stop left open and learns each camera's
/// last track id, before any session runs. A database that cannot be
/// opened is not fatal: the STORE reports it and keeps retrying.
store_setup recover_history(const config& cfg,
                            std::map<std::string, int64_t>& last_track_ids) {
  store_setup setup;
  setup.cfg = cfg.store;
  for (auto& cam : cfg.cameras)
    setup.retain_days[cam.id] = cam.retain_days;
  auto db = track_db::open_writer(cfg.store.path);
  if (!db) {
    // Unknown history: start ids from the clock so they cannot collide
    // with stored tracks (still below 2^53, exact in JSON).
    for (auto& cam : cfg.cameras)
      last_track_ids[cam.id] = unix_now_ms();
    return setup;
  }
  auto closed = db->close_interrupted(unix_now_ms());
  if (closed && *closed > 0)
    spdlog::warn("store: closed {} track(s) left open by an unclean stop",
                 *closed);
  setup.interrupted_at_start = closed ? *closed : 0;
  if (auto ids = db->max_track_ids())
    last_track_ids = std::move(*ids);
  return setup;
}

/// The factories the SUPERVISOR restarts cameras, relays, PTZ controllers
/// and the store with; the first instances are made with them too.
void set_factories(caf::actor_system& sys, const config& cfg,
                   const metrics_ptr& metrics, supervisor_setup& sup) {
  // The cameras' configs as accepted last: PATCH /settings changes them
  // (take_camera_sources) and the next restart of a camera uses them.
  auto cameras = std::make_shared<std::map<std::string, camera_config>>();
  for (auto& cam : cfg.cameras)
    (*cameras)[cam.id] = cam;
  sup.spawn_camera = [&sys, cameras](const std::string& id) {
    return spawn_camera(sys, cameras->at(id));
  };
  sup.take_camera_sources = [cameras](const config& accepted) {
    std::vector<std::string> changed;
    for (auto& next : accepted.cameras) {
      auto it = cameras->find(next.id);
      if (it == cameras->end() || !camera_source_changed(it->second, next))
        continue;
      auto ptz = it->second.ptz; // a PTZ backend changes on restart only
      it->second = next;
      it->second.ptz = ptz;
      changed.push_back(next.id);
    }
    return changed;
  };
  sup.spawn_relay = [&sys, cfg](const std::string& id, camera_actor cam) {
    return spawn_relay(sys, camera_config_of(cfg, id), cfg.relay,
                       std::move(cam));
  };
  sup.spawn_ptz = [&sys, cfg, metrics](const std::string& id, camera_actor cam,
                                       ptz_log_actor log) {
    return spawn_ptz(sys, camera_config_of(cfg, id), std::move(cam),
                     std::move(log), metrics);
  };
}

} // namespace

engine start_engine(caf::actor_system& sys, const config& cfg,
                    std::vector<std::string> labels, wire_codec_ptr codec) {
  engine out;
  out.metrics = std::make_shared<argus_metrics>();
  supervisor_setup sup;
  registry_setup reg;
  reg.cfg = cfg;
  reg.labels = std::move(labels);
  reg.codec = std::move(codec);
  if (cfg.store.enabled) {
    auto store_cfg = recover_history(cfg, reg.last_track_ids);
    sup.spawn_store = [&sys, store_cfg] { return spawn_store(sys, store_cfg); };
    out.history.store = sup.spawn_store();
    out.history.reader = spawn_track_reader(sys, cfg.store.path);
  }
  set_factories(sys, cfg, out.metrics, sup);
  // One shared CAMERA per configured camera (the sessions' and the
  // relay's), its RELAY and, for a PTZ camera, its PTZ controller.
  for (const auto& cam : cfg.cameras) {
    sup.cameras[cam.id] = sup.spawn_camera(cam.id);
    sup.relays[cam.id] = sup.spawn_relay(cam.id, sup.cameras[cam.id]);
    if (cam.ptz.backend != ptz_backend::none)
      sup.ptz[cam.id]
          = sup.spawn_ptz(cam.id, sup.cameras[cam.id], out.history.store);
  }
  reg.store = out.history.store;
  reg.cameras = sup.cameras;
  reg.ptz = sup.ptz;
  reg.metrics = out.metrics;
  out.registry = sys.spawn(registry, std::move(reg));
  out.models = spawn_models(sys, cfg.detector, out.registry);
  if (cfg.frames.enabled)
    out.clips = spawn_clip_manager(sys, cfg.frames, out.metrics);
  // Filled here, before the server starts: the supervisor's own start runs
  // later on a scheduler thread, and the first requests must find them.
  out.handles = std::make_shared<supervised_handles>();
  for (auto& [id, relay_hdl] : sup.relays)
    out.handles->set_relay(id, relay_hdl);
  for (auto& [id, ptz_hdl] : sup.ptz)
    out.handles->set_ptz(id, ptz_hdl);
  out.handles->set_store(out.history.store);
  sup.store = out.history.store;
  sup.registry = out.registry;
  sup.clips = out.clips;
  sup.reader = out.history.reader;
  sup.handles = out.handles;
  out.supervisor = sys.spawn(supervisor, std::move(sup));
  return out;
}

void stop_engine(caf::actor_system& sys, const engine& running) {
  // Each stage has its own grace in the supervisor; this bound only keeps
  // a supervisor that cannot answer from hanging the process.
  constexpr auto bound = std::chrono::seconds(30);
  caf::scoped_actor self{sys};
  self->request(running.supervisor, bound, atom::shutdown_v)
      .receive([](bool) {},
               [](caf::error& err) {
                 spdlog::error("staged shutdown did not finish: {}",
                               render(err));
               });
}

} // namespace argus
