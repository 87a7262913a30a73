// SPDX-License-Identifier: Apache-2.0
#include "actors/analytics/session.hpp"

#include "actors/failure.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/defaults.hpp"

#include <algorithm>
#include <caf/actor_cast.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = session_actor::stateful_pointer<session_state>;

/// The latest tick, stamped now (only `?ext=timing` clients see the stamp).
metadata_tick stamped_tick(self_ptr self) {
  auto tick = self->state.core->tick();
  tick.published_unix_us = unix_now_us();
  return tick;
}

void broadcast_events(self_ptr self, const std::vector<track_event>& events) {
  auto& st = self->state;
  if (st.metrics)
    st.metrics.events_published->inc(events.size());
  for (auto& ev : events) {
    auto text = st.setup.codec->encode(ev);
    for (auto& c : st.clients)
      self->send(c.handle, atom::event_v, text);
  }
}

/// Hands events and samples to the STORE; it never blocks the session.
void feed_store(self_ptr self, std::vector<track_event> events,
                std::vector<track_sample> samples, int64_t selected = none_id) {
  auto& st = self->state;
  if (!st.setup.store)
    return;
  if (events.empty() && samples.empty() && selected == none_id)
    return;
  self->send(st.setup.store,
             store_update{st.setup.params.session_id, st.setup.params.camera_id,
                          std::move(events), std::move(samples), selected});
}

void record_session(self_ptr self, int64_t end_ts) {
  auto& st = self->state;
  if (st.setup.store)
    self->send(st.setup.store,
               session_record{st.setup.params.session_id,
                              st.setup.params.camera_id, st.started_unix_ms,
                              end_ts, st.setup.config_json});
}

/// Tells the camera's PTZ controller what the frame showed of the target;
/// its answer (the commanded velocities) goes into the next tick.
void steer_ptz(self_ptr self, int64_t ts_mono_ms, double lens_zoom) {
  auto& st = self->state;
  if (!st.setup.ptz)
    return;
  self->request(st.setup.ptz, defaults::session::stage_timeout,
                st.core->observe_target(ts_mono_ms, lens_zoom))
      .then([=](const ptz_telemetry& t) { self->state.core->set_ptz(t); },
            [=](caf::error& err) {
              // A restarting controller costs a frame or two of
              // autotracking, never the session.
              log_with(self->state.log, spdlog::level::debug,
                       "session {}: ptz: {}",
                       self->state.setup.params.session_id, render(err));
            });
}

/// Folds a frame's tracks in. `lens_zoom`: the frame's lens position
/// (< 0: not a PTZ view).
void on_tracks(self_ptr self, const track_set& ts, double detect_ms,
               double lens_zoom) {
  auto& st = self->state;
  auto now = mono_now_ms();
  auto latency = double(now - ts.ts_mono_ms);
  auto events = st.core->process(ts, latency, detect_ms, now);
  if (auto& m = st.metrics) {
    m.frames_processed->inc();
    m.detection_latency->observe(detect_ms / 1e3);
    m.pipeline_latency->observe(latency / 1e3);
    m.active_tracks->set(double(st.core->tick().tracks.size()));
  }
  broadcast_events(self, events);
  steer_ptz(self, ts.ts_mono_ms, lens_zoom);
  if (!st.setup.store)
    return;
  st.sampler->observe(events);
  feed_store(self, std::move(events),
             st.sampler->sample(st.core->tick().tracks, ts.ts_unix_ms));
}

void dispatch(self_ptr self, frame_ptr f) {
  auto& st = self->state;
  st.detector_busy = true;
  auto next = [=] {
    auto& s = self->state;
    s.detector_busy = false;
    if (s.pending) {
      auto p = std::move(s.pending);
      s.pending = nullptr;
      dispatch(self, std::move(p));
    }
  };
  self->request(st.setup.detector, defaults::session::stage_timeout, f)
      .then(
          [=](detection_set& ds) {
            auto detect_ms = ds.detect_ms;
            auto lens_zoom = f->view.w > 0 ? f->lens_zoom : -1.0;
            self->request(self->state.setup.tracker,
                          defaults::session::stage_timeout, std::move(ds))
                .then(
                    [=](track_set& ts) {
                      on_tracks(self, ts, detect_ms, lens_zoom);
                    },
                    [=](caf::error& err) {
                      self->state.last_error = render(err);
                      log_with(self->state.log, spdlog::level::err,
                               "session {} failed to track: {}",
                               self->state.setup.params.session_id,
                               self->state.last_error);
                    });
            next();
          },
          [=](caf::error& err) {
            self->state.last_error = render(err);
            log_with(self->state.log, spdlog::level::err,
                     "session {} failed to detect: {}",
                     self->state.setup.params.session_id,
                     self->state.last_error);
            next();
          });
}

void publish_tick(self_ptr self) {
  auto& st = self->state;
  if (!st.core->take_dirty() || st.clients.empty())
    return;
  auto tick = stamped_tick(self);
  if (auto& m = st.metrics) {
    m.ticks_published->inc();
    // Both wall clocks: the capture stamp is the only one the tick has.
    m.end_to_end_latency->observe(
        std::max(0.0, tick.published_unix_us / 1e6 - tick.ts_unix_ms / 1e3));
  }
  // Encoded once per extension set in use (two at most today), so the
  // cost stays flat however many clients share a variant.
  std::vector<std::pair<wire_extensions, text_ptr>> texts;
  for (auto& c : st.clients) {
    auto it = std::find_if(texts.begin(), texts.end(), [&](const auto& t) {
      return t.first == c.extensions;
    });
    if (it == texts.end())
      it = texts.emplace(texts.end(), c.extensions,
                         st.setup.codec->encode(tick, c.extensions));
    self->send(c.handle, atom::tick_v, it->second);
  }
}

/// GET /sessions/{id}'s counters as this session has them (the camera's
/// state, which needs a round trip, left out).
session_status local_status(self_ptr self) {
  auto& s = self->state;
  auto result = s.core->status();
  result.clients = int64_t(s.clients.size());
  result.clients_closed_slow = s.clients_evicted;
  result.last_error = s.last_error;
  return result;
}

/// Time between two `stats` messages at `hz`.
int64_t stats_period_ms(int32_t hz) {
  return 1000 / std::clamp(hz, min_stats_hz, max_stats_hz);
}

/// Arms the stats timer for the client due first, unless the running timer
/// fires no later (a newer generation makes an older timer a no-op).
void schedule_stats(self_ptr self) {
  auto& s = self->state;
  int64_t due = 0;
  for (auto& c : s.clients)
    if (c.stats_hz > 0 && (due == 0 || c.next_stats_ms < due))
      due = c.next_stats_ms;
  if (due == 0 || (s.stats_timer_ms != 0 && s.stats_timer_ms <= due))
    return;
  s.stats_timer_ms = due;
  auto delay = std::max<int64_t>(0, due - mono_now_ms());
  self->delayed_send(self, std::chrono::milliseconds(delay), atom::publish_v,
                     ++s.stats_generation);
}

/// Sends `stats` (encoded once) to every client due one. Each client's
/// next one is due a period after its last due time, so its rate holds on
/// average whatever the timer's jitter; one that fell a period behind
/// starts afresh instead of catching up in a burst. `stats` goes with the
/// events (ordered, never dropped): at 1-5 Hz it cannot crowd them out,
/// and a client that stops reading is closed as too slow like for events.
void publish_stats(self_ptr self) {
  auto& s = self->state;
  s.stats_timer_ms = 0;
  auto now = mono_now_ms();
  text_ptr text;
  for (auto& c : s.clients) {
    if (c.stats_hz <= 0 || c.next_stats_ms > now)
      continue;
    if (!text)
      text = s.setup.codec->encode_stats(local_status(self), unix_now_ms());
    self->send(c.handle, atom::event_v, text);
    auto period = stats_period_ms(c.stats_hz);
    c.next_stats_ms += period;
    if (c.next_stats_ms <= now)
      c.next_stats_ms = now + period;
  }
  schedule_stats(self);
}

/// Adds a client; it gets the latest tick at once.
void add_client(self_ptr self, client_actor c, wire_extensions ext,
                int32_t stats_hz) {
  auto& s = self->state;
  self->monitor(c);
  // The stats bit adds messages, not tick fields: ticks stay shared with
  // clients that did not ask for stats.
  ext &= ~wire_ext::stats;
  s.clients.push_back({c, ext, 0, 0});
  if (s.core->has_tick())
    self->send(c, atom::tick_v, s.setup.codec->encode(stamped_tick(self), ext));
  if (stats_hz > 0) {
    s.clients.back().stats_hz
        = std::clamp(stats_hz, min_stats_hz, max_stats_hz);
    s.clients.back().next_stats_ms = mono_now_ms(); // the first one at once
    schedule_stats(self);
  }
}

void remove_client(self_ptr self, const caf::actor_addr& addr) {
  auto& cs = self->state.clients;
  cs.erase(std::remove_if(cs.begin(), cs.end(),
                          [&](auto& c) { return c.handle.address() == addr; }),
           cs.end());
}

/// Ends every track, tells clients why the session is over, and quits.
void shut_down(self_ptr self, const caf::error& reason) {
  auto& st = self->state;
  auto ts = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  auto final_events = st.core->finish(ts);
  broadcast_events(self, final_events);
  feed_store(self, std::move(final_events), {});
  record_session(self, ts);
  bool server_exit = reason == ec::shutting_down;
  for (auto& c : st.clients)
    self->send(
        c.handle, atom::close_v,
        server_exit ? close_code::going_away : close_code::normal,
        std::string(server_exit ? "server shutting down" : "session deleted"));
  log_with(st.log, spdlog::level::info, "session {} stopped ({})",
           st.setup.params.session_id, server_exit ? "shutdown" : "deleted");
  self->quit(reason);
}

} // namespace

session_actor::behavior_type session(self_ptr self, session_setup setup) {
  log_failures(self, "session");
  auto& st = self->state;
  st.core.emplace(setup.params);
  st.sampler.emplace(setup.sampling);
  st.setup = std::move(setup);
  st.metrics = series_of(st.setup.metrics, st.setup.params.camera_id);
  st.log.session_id = st.setup.params.session_id;
  st.log.camera_id = st.setup.params.camera_id;
  st.started_unix_ms = unix_now_ms();
  record_session(self, none_id);
  // The camera is shared (relay, later sessions): watch it, do not link,
  // so a session ending never takes the camera down with it.
  self->monitor(st.setup.camera);
  self->link_to(st.setup.detector);
  self->link_to(st.setup.tracker);
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    if (msg.source == self->state.setup.detector.address()
        || msg.source == self->state.setup.tracker.address()) {
      self->state.last_error = "worker failed: " + render(msg.reason);
      log_with(self->state.log, spdlog::level::err, "session {}: {}",
               self->state.setup.params.session_id, self->state.last_error);
    }
    shut_down(self, msg.reason);
  });
  self->set_down_handler([=](const caf::down_msg& dm) {
    if (dm.source == self->state.setup.camera.address()) {
      self->state.last_error = "camera failed: " + render(dm.reason);
      log_with(self->state.log, spdlog::level::err, "session {}: {}",
               self->state.setup.params.session_id, self->state.last_error);
      return shut_down(self, dm.reason);
    }
    remove_client(self, dm.source);
  });
  self->send(st.setup.camera, atom::subscribe_v,
             caf::actor_cast<frame_sink_actor>(self));
  self->send(self, atom::tick_v, st.tick_generation);
  log_with(st.log, spdlog::level::info, "session {} started for camera {}",
           st.setup.params.session_id, st.setup.params.camera_id);
  return {
      [=](const frame_ptr& f) {
        auto& s = self->state;
        if (s.metrics)
          s.metrics.frames_in->inc();
        if (s.detector_busy) {
          if (s.pending) {
            s.core->count_dropped();
            if (s.metrics)
              s.metrics.frames_dropped->inc();
          }
          s.pending = f;
          return;
        }
        dispatch(self, f);
      },
      [=](atom::subscribe, client_actor c, wire_extensions ext) {
        add_client(self, std::move(c), ext, 0);
      },
      [=](atom::subscribe, client_actor c, wire_extensions ext,
          int32_t stats_hz) { add_client(self, std::move(c), ext, stats_hz); },
      [=](atom::publish, uint64_t generation) {
        if (generation == self->state.stats_generation)
          publish_stats(self);
      },
      [=](atom::unsubscribe, client_actor c) {
        self->demonitor(c.address());
        remove_client(self, c.address());
      },
      [=](atom::evicted, client_actor c) {
        ++self->state.clients_evicted;
        self->demonitor(c.address());
        remove_client(self, c.address());
      },
      [=](const client_command& cmd) {
        auto reply = self->state.core->command(cmd);
        if (reply.ok && cmd.kind == client_command::set_target)
          feed_store(self, {}, {}, reply.target_id);
        return reply;
      },
      [=](atom::status) -> caf::result<session_status> {
        auto& s = self->state;
        auto result = local_status(self);
        auto rp = self->make_response_promise<session_status>();
        self->request(s.setup.camera, defaults::session::camera_status_timeout,
                      atom::status_v)
            .then(
                [=](camera_status& cs) mutable {
                  auto r = result;
                  r.camera_state = to_string(cs.state);
                  if (r.last_error.empty())
                    r.last_error = cs.last_error;
                  rp.deliver(std::move(r));
                },
                [=](caf::error&) mutable {
                  auto r = result;
                  r.camera_state = "unresponsive";
                  rp.deliver(std::move(r));
                });
        return rp;
      },
      [=](atom::replace, store_actor store) {
        self->state.setup.store = std::move(store);
      },
      [=](atom::replace, ptz_actor ptz) {
        self->state.setup.ptz = std::move(ptz);
      },
      [=](atom::configure, const config_ptr& cfg) {
        // The next tick timer already runs at the new rate: it reads
        // publish_hz each time it is armed.
        auto& s = self->state;
        auto window = s.setup.params.cfg.stats_window;
        s.setup.params.cfg = cfg->session;
        s.setup.params.cfg.stats_window = window;
        s.core->reconfigure(cfg->session);
        self->send(s.setup.tracker, atom::configure_v, cfg);
      },
      [=](atom::tick, uint64_t generation) {
        auto& s = self->state;
        if (generation != s.tick_generation)
          return;
        publish_tick(self);
        auto period = std::chrono::microseconds(
            int64_t(1e6 / s.setup.params.cfg.publish_hz));
        self->delayed_send(self, period, atom::tick_v, generation);
      },
  };
}

} // namespace argus
