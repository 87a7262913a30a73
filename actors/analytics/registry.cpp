// SPDX-License-Identifier: Apache-2.0
#include "actors/analytics/registry.hpp"

#include "actors/analytics/registry_models.hpp"
#include "actors/analytics/session.hpp"
#include "actors/analytics/tracker.hpp"
#include "actors/failure.hpp"
#include "actors/spawn.hpp"
#include "core/defaults.hpp"
#include "core/models/model_catalog.hpp"
#include "core/stored_json.hpp"

#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <chrono>
#include <ctime>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = registry_actor::stateful_pointer<registry_state>;

const camera_config* find_camera(const config& cfg, const std::string& id) {
  if (id.empty())
    return &cfg.cameras.front();
  for (auto& c : cfg.cameras)
    if (c.id == id)
      return &c;
  return nullptr;
}

session_actor spawn_session(self_ptr self, const camera_config& cam,
                            const std::string& session_id,
                            detector_actor& det_hdl) {
  auto& st = self->state;
  auto& cfg = st.setup.cfg;
  auto& cam_hdl = st.setup.cameras[cam.id];
  if (!cam_hdl)
    cam_hdl = st.setup.spawn_camera ? st.setup.spawn_camera(cam)
                                    : spawn_camera(self->system(), cam);
  // A moving camera moves the whole picture: a PTZ camera's detector
  // measures that motion for the tracker where frames carry no view.
  auto det_cfg = st.active_model ? with_model(cfg.detector, *st.active_model)
                                 : cfg.detector;
  det_cfg.ego_motion = cam.ptz.backend != ptz_backend::none;
  det_hdl = st.setup.spawn_detector ? st.setup.spawn_detector(det_cfg)
                                    : spawn_detector(self->system(), det_cfg);
  auto params = cfg.tracker;
  params.frame_rate = cam.synthetic.fps;
  auto& ids = st.track_ids[cam.id];
  if (!ids)
    ids = std::make_shared<std::atomic<int64_t>>(
        st.setup.last_track_ids.count(cam.id) ? st.setup.last_track_ids[cam.id]
                                              : 0);
  auto trk_hdl = self->spawn(tracker, params, ids);
  session_setup setup;
  setup.params = {session_id, cam.id, cfg.session, st.setup.labels};
  setup.codec = st.setup.codec;
  setup.metrics = st.setup.metrics;
  setup.camera = cam_hdl;
  setup.detector = det_hdl;
  setup.tracker = trk_hdl;
  setup.store = st.setup.store;
  if (auto it = st.setup.ptz.find(cam.id); it != st.setup.ptz.end())
    setup.ptz = it->second;
  setup.sampling.interval_ms = cfg.store.sample_interval_ms;
  setup.config_json = describe_session(cfg, cam);
  if (st.shadow)
    self->request(det_hdl, defaults::models::load_timeout, atom::shadow_v,
                  st.shadow->first, st.shadow->second)
        .then([](bool) {},
              [](caf::error& err) {
                spdlog::warn("a new session runs without shadow mode: {}",
                             render(err));
              });
  return self->spawn(session, std::move(setup));
}

/// Keeps a DETECTOR whose session ended referenced until it has ended too:
/// CAF ends an actor nobody references without running its exit handler,
/// and that handler hands over its shadow counts (keep_ended_shadow).
void hold_until_down(self_ptr self, const detector_actor& det) {
  if (!det)
    return;
  self->monitor(det);
  self->state.ending_detectors.push_back(det);
}

void forget(self_ptr self, const caf::actor_addr& addr) {
  auto& st = self->state;
  auto& ending = st.ending_detectors;
  ending.erase(std::remove_if(ending.begin(), ending.end(),
                              [&](const detector_actor& d) {
                                return d.address() == addr;
                              }),
               ending.end());
  for (auto it = st.sessions.begin(); it != st.sessions.end(); ++it) {
    if (it->second.handle.address() == addr) {
      hold_until_down(self, it->second.detector);
      st.by_camera.erase(it->second.camera_id);
      st.sessions.erase(it);
      break;
    }
  }
  if (st.shutting_down && st.sessions.empty())
    self->quit(caf::exit_reason::user_shutdown);
}

} // namespace

void take_live_settings(config& running, const config& accepted) {
  running.tracker = accepted.tracker;
  running.session.publish_hz = accepted.session.publish_hz;
  running.session.confirm_hits = accepted.session.confirm_hits;
  running.session.end_after_ms = accepted.session.end_after_ms;
  running.session.update_min_conf_gain = accepted.session.update_min_conf_gain;
  for (auto& cam : running.cameras)
    for (auto& next : accepted.cameras)
      if (next.id == cam.id) {
        // The source settings (the SUPERVISOR restarts the camera with
        // them) and the autotrack settings; the rest of the PTZ block and
        // the retention wait for a restart.
        auto ptz = cam.ptz;
        auto retain_days = cam.retain_days;
        cam = next;
        cam.ptz = ptz;
        cam.retain_days = retain_days;
        cam.ptz.autotrack = next.ptz.autotrack;
        cam.ptz.autotrack.enabled = ptz.autotrack.enabled;
        cam.ptz.autotrack.max_magnification = ptz.autotrack.max_magnification;
      }
}

std::string make_session_id(const std::string& camera_id, uint64_t counter) {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                now.time_since_epoch())
                .count()
            % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("session-{}-{}.{:03d}Z-{}", camera_id, buf, ms, counter);
}

registry_actor::behavior_type registry(self_ptr self, registry_setup setup) {
  log_failures(self, "registry");
  self->state.setup = std::move(setup);
  self->set_down_handler(
      [=](const caf::down_msg& dm) { forget(self, dm.source); });
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    auto& st = self->state;
    if (st.shutting_down)
      return;
    st.shutting_down = true;
    spdlog::info("registry stopping {} session(s)", st.sessions.size());
    // Sessions first: a camera's exit produces a down message at its
    // session, and that must arrive after the session's own exit, so
    // clients hear "server shutting down" (1001), not "session ended".
    for (auto& [id, e] : st.sessions)
      self->send_exit(e.handle, caf::make_error(ec::shutting_down));
    for (auto& [id, cam] : st.setup.cameras)
      if (cam)
        self->send_exit(cam, msg.reason);
    if (st.sessions.empty()) {
      self->quit(msg.reason);
      return;
    }
  });
  return {
      [=](atom::list) {
        std::vector<camera_info> result;
        for (auto& c : self->state.setup.cfg.cameras) {
          camera_info info{c.id,
                           to_string(c.source),
                           c.synthetic.width,
                           c.synthetic.height,
                           c.synthetic.fps,
                           ""};
          auto it = self->state.by_camera.find(c.id);
          if (it != self->state.by_camera.end())
            info.session_id = it->second;
          result.push_back(std::move(info));
        }
        return result;
      },
      [=](atom::create,
          const std::string& camera_id) -> caf::result<session_info> {
        auto& st = self->state;
        if (st.shutting_down)
          return caf::make_error(ec::shutting_down, "server is shutting down");
        auto cam = find_camera(st.setup.cfg, camera_id);
        if (!cam)
          return caf::make_error(ec::unknown_camera,
                                 "no camera with id '" + camera_id + "'");
        auto it = st.by_camera.find(cam->id);
        if (it != st.by_camera.end())
          return session_info{it->second, cam->id, false};
        auto id = make_session_id(cam->id, ++st.created);
        detector_actor det;
        auto hdl = spawn_session(self, *cam, id, det);
        self->monitor(hdl);
        st.sessions[id] = {hdl, cam->id, det};
        st.by_camera[cam->id] = id;
        // Before anything else reaches the session: a watcher's subscribe
        // is on its way before the session has processed a frame.
        for (auto& w : st.watchers)
          self->send(w, atom::create_v, cam->id, id, hdl);
        return session_info{id, cam->id, true};
      },
      [=](atom::get, const std::string& id) -> caf::result<session_actor> {
        auto it = self->state.sessions.find(id);
        if (it == self->state.sessions.end())
          return caf::make_error(ec::unknown_session,
                                 "no session '" + id + "'");
        return it->second.handle;
      },
      [=](atom::status, const std::string& id) -> caf::result<session_status> {
        auto it = self->state.sessions.find(id);
        if (it == self->state.sessions.end())
          return caf::make_error(ec::unknown_session,
                                 "no session '" + id + "'");
        return self->delegate(it->second.handle, atom::status_v);
      },
      [=](atom::remove, const std::string& id) -> caf::result<std::string> {
        auto& st = self->state;
        auto it = st.sessions.find(id);
        if (it == st.sessions.end())
          return caf::make_error(ec::unknown_session,
                                 "no session '" + id + "'");
        self->demonitor(it->second.handle.address());
        self->send_exit(it->second.handle, caf::exit_reason::user_shutdown);
        hold_until_down(self, it->second.detector);
        st.by_camera.erase(it->second.camera_id);
        st.sessions.erase(it);
        return id;
      },
      [=](atom::ready) { return !self->state.shutting_down; },
      [=](atom::watch, session_watcher_actor w) {
        auto& ws = self->state.watchers;
        if (std::find(ws.begin(), ws.end(), w) == ws.end())
          ws.push_back(std::move(w));
      },
      [=](atom::replace, const std::string& camera_id, camera_actor cam) {
        self->state.setup.cameras[camera_id] = std::move(cam);
      },
      [=](atom::replace, store_actor store) {
        auto& st = self->state;
        st.setup.store = store;
        for (auto& [id, e] : st.sessions)
          self->send(e.handle, atom::replace_v, store);
      },
      [=](atom::replace, const std::string& camera_id, ptz_actor ptz) {
        auto& st = self->state;
        st.setup.ptz[camera_id] = ptz;
        // A restarted controller starts from the boot config: bring it up
        // to the settings accepted since.
        if (st.settings)
          self->send(ptz, atom::configure_v, st.settings);
        for (auto& [id, e] : st.sessions)
          if (e.camera_id == camera_id)
            self->send(e.handle, atom::replace_v, ptz);
      },
      [=](atom::configure, const config_ptr& cfg) {
        auto& st = self->state;
        st.settings = cfg;
        take_live_settings(st.setup.cfg, *cfg);
        for (auto& [id, e] : st.sessions)
          self->send(e.handle, atom::configure_v, cfg);
        for (auto& [camera_id, ptz] : st.setup.ptz)
          if (ptz)
            self->send(ptz, atom::configure_v, cfg);
      },
      [=](atom::activate, const model_spec& spec) {
        return activate_model(self, spec);
      },
      [=](atom::shadow, const model_spec& spec, int32_t sample_every) {
        return start_shadow(self, spec, sample_every);
      },
      [=](atom::shadow, atom::status) { return collect_shadow(self, false); },
      [=](atom::shadow, atom::remove) { return collect_shadow(self, true); },
      [=](atom::shadow, const shadow_report& part) {
        keep_ended_shadow(self, part);
      },
  };
}

} // namespace argus
