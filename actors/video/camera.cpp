// SPDX-License-Identifier: Apache-2.0
#include "actors/video/camera.hpp"

#include "actors/failure.hpp"
#include "core/clock.hpp"
#include "core/ptz/view_truth.hpp"

#include <algorithm>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <cmath>
#include <functional>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using clock = std::chrono::steady_clock;
using self_ptr = camera_actor::stateful_pointer<camera_state>;

int64_t now_ms(clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             t.time_since_epoch())
      .count();
}

/// The status as reported: live counters and the time left to a retry.
camera_status current_status(self_ptr self) {
  auto& st = self->state;
  auto out = st.status;
  out.subscribers = static_cast<int64_t>(st.sinks.size());
  out.next_retry_ms
      = out.state == camera_link::disconnected ? std::max<int64_t>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(
                   st.retry_at - clock::now())
                   .count())
                                               : 0;
  return out;
}

/// Enters `state` and tells every watcher.
void set_state(self_ptr self, camera_link state) {
  auto& st = self->state;
  if (st.status.state == state && state != camera_link::disconnected)
    return;
  st.status.state = state;
  st.status.since_unix_ms = unix_now_ms();
  auto snapshot = current_status(self);
  for (auto& w : st.watchers)
    self->send(w, snapshot);
}

void start(self_ptr self) {
  auto& st = self->state;
  ++st.generation;
  set_state(self, camera_link::connecting);
  st.due = clock::now();
  self->send(self, atom::next_v, st.generation);
}

void stop(self_ptr self) {
  auto& st = self->state;
  ++st.generation;
  st.source->close();
  set_state(self, camera_link::idle);
  log_with(st.log, spdlog::level::info,
           "camera {} stopped decoding: no consumers", st.cfg.id);
}

/// The last consumer left: stop after the grace period unless one comes
/// back meanwhile (a page reload should not cost a reconnect).
void last_consumer_left(self_ptr self) {
  auto& st = self->state;
  auto token = ++st.idle_token;
  if (st.cfg.idle_grace_ms <= 0)
    return stop(self);
  self->delayed_send(self, std::chrono::milliseconds(st.cfg.idle_grace_ms),
                     atom::idle_v, token);
}

/// Schedules the next reopen attempt after a backoff delay with jitter.
void retry_later(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  st.source->close();
  st.status.last_error = render(err);
  if (st.status.state != camera_link::disconnected)
    log_with(st.log, spdlog::level::warn, "camera {} disconnected: {}",
             st.cfg.id, st.status.last_error);
  auto delay = std::chrono::milliseconds(st.retry->next_delay_ms());
  st.retry_at = clock::now() + delay;
  ++st.status.reconnects;
  set_state(self, camera_link::disconnected);
  self->delayed_send(self, delay, atom::next_v, st.generation);
}

/// The virtual head's frame size: the configured width and height.
cv::Size view_size(const camera_config& cfg) {
  return {cfg.synthetic.width, cfg.synthetic.height};
}

/// Creates the virtual head for a wide picture of `wide` size, or reshapes
/// it (keeping where it points) when a file turns out to have another
/// aspect than assumed.
void ensure_head(self_ptr self, cv::Size wide) {
  auto& st = self->state;
  auto out = view_size(st.cfg);
  double source_aspect = double(wide.height) / wide.width;
  double out_aspect = double(out.height) / out.width;
  if (st.head && std::abs(st.head->source_aspect() - source_aspect) < 1e-9)
    return;
  virtual_ptz head{st.cfg.ptz.sim, source_aspect, out_aspect};
  if (st.head)
    head.go_to(st.head->pose(), true);
  st.head = std::move(head);
}

/// Turns the wide picture in `f` into the head's view: pixels, ground
/// truth (boxes outside the view dropped, the rest clipped to it), the view
/// and the lens position.
void apply_view(self_ptr self, frame& f, clock::time_point captured) {
  auto& st = self->state;
  ensure_head(self, f.bgr.size());
  st.head->advance(now_ms(captured));
  auto view = st.head->view();
  auto out = view_size(st.cfg);
  f.truth = truth_in_view(f.truth, f.bgr.size(), view, out);
  f.bgr = render_view(f.bgr, view, out);
  f.view = view;
  f.lens_zoom = st.head->pose().zoom;
}

/// A ptz_command for the virtual head; `none` only asks where it points.
caf::result<ptz_pose> drive_head(self_ptr self, const ptz_command& cmd) {
  auto& st = self->state;
  if (st.cfg.ptz.backend != ptz_backend::sim)
    return caf::make_error(ec::no_ptz, st.cfg.id);
  if (!st.head) // no frame yet: assume the wide picture has the view's shape
    ensure_head(self, view_size(st.cfg));
  auto now = now_ms(clock::now());
  st.head->advance(now);
  using kind = ptz_command::kind;
  switch (cmd.what) {
  case kind::move:
    st.head->move(cmd.pan, cmd.tilt, cmd.zoom, now,
                  cmd.timeout_ms > 0 ? cmd.timeout_ms
                                     : st.cfg.ptz.move_timeout_ms);
    break;
  case kind::stop:
    st.head->stop();
    break;
  case kind::home:
    st.head->go_to({});
    break;
  case kind::preset:
    return caf::make_error(ec::invalid_argument,
                           "the virtual camera has no preset '" + cmd.preset
                               + "'");
  case kind::none:
    break;
  }
  auto pos = st.head->onvif_position();
  return ptz_pose{true, pos[0], pos[1], pos[2], st.head->moving()};
}

/// The source a virtual PTZ camera renders from: a synthetic scene
/// 1 / wide_fov times the view's size with sizes scaled back (so its wide
/// view looks like an ordinary camera: objects of the usual size, more
/// sky); other sources as they are.
camera_config wide_source_config(camera_config cfg) {
  if (cfg.ptz.backend != ptz_backend::sim
      || cfg.source != source_kind::synthetic)
    return cfg;
  auto& s = cfg.synthetic;
  s.width = int(std::lround(s.width / cfg.ptz.sim.wide_fov));
  s.height = int(std::lround(s.height / cfg.ptz.sim.wide_fov));
  s.size_scale = cfg.ptz.sim.wide_fov;
  return cfg;
}

void decode_next(self_ptr self) {
  auto& st = self->state;
  auto f = std::make_shared<frame>();
  if (auto err = st.source->read(*f)) {
    retry_later(self, err);
    return;
  }
  auto captured = clock::now();
  if (st.cfg.ptz.backend == ptz_backend::sim)
    apply_view(self, *f, captured);
  f->ts_mono_ms = now_ms(captured);
  f->ts_unix_ms = unix_now_ms();
  if (st.status.state != camera_link::online)
    log_with(st.log, spdlog::level::info, "camera {} online ({}x{})", st.cfg.id,
             f->bgr.cols, f->bgr.rows);
  set_state(self, camera_link::online);
  st.retry->reset();
  ++st.status.frames_decoded;
  frame_ptr shared = std::move(f);
  for (auto& sink : st.sinks)
    self->send(sink, shared);
  auto interval = st.source->frame_interval_s();
  if (interval <= 0) {
    self->send(self, atom::next_v, st.generation);
    return;
  }
  // Pace on a fixed grid; if we fell behind by more than a frame, restart
  // the grid instead of bursting to catch up.
  st.due += std::chrono::microseconds(int64_t(interval * 1e6));
  auto now = clock::now();
  if (st.due < now - std::chrono::microseconds(int64_t(interval * 1e6)))
    st.due = now;
  auto wait = std::max(clock::duration::zero(), st.due - now);
  self->delayed_send(self, wait, atom::next_v, st.generation);
}

void add_sink(self_ptr self, frame_sink_actor sink) {
  auto& st = self->state;
  if (std::find(st.sinks.begin(), st.sinks.end(), sink) != st.sinks.end())
    return;
  self->monitor(sink);
  st.sinks.push_back(sink);
  ++st.idle_token; // cancels a pending grace timer
  if (st.status.state == camera_link::idle)
    start(self);
}

void remove_sink(self_ptr self, const caf::actor_addr& addr) {
  auto& sinks = self->state.sinks;
  auto before = sinks.size();
  sinks.erase(std::remove_if(sinks.begin(), sinks.end(),
                             [&](auto& s) { return s.address() == addr; }),
              sinks.end());
  if (before > 0 && sinks.empty())
    last_consumer_left(self);
}

} // namespace

camera_actor::behavior_type camera(self_ptr self, camera_config cfg) {
  log_failures(self, "camera");
  auto& st = self->state;
  st.cfg = cfg;
  st.source = make_frame_source(wide_source_config(cfg));
  st.status.camera_id = cfg.id;
  st.log.camera_id = cfg.id;
  st.status.state = camera_link::idle;
  st.status.since_unix_ms = unix_now_ms();
  // Seeded per camera: cameras that failed together retry apart.
  st.retry.emplace(backoff_policy{cfg.retry_min_ms, cfg.retry_max_ms,
                                  cfg.retry_factor, cfg.retry_jitter},
                   std::hash<std::string>{}(cfg.id));
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& ws = self->state.watchers;
    ws.erase(std::remove_if(ws.begin(), ws.end(),
                            [&](auto& w) { return w.address() == dm.source; }),
             ws.end());
    remove_sink(self, dm.source);
  });
  return {
      [=](atom::subscribe, frame_sink_actor sink) { add_sink(self, sink); },
      [=](atom::unsubscribe, frame_sink_actor sink) {
        self->demonitor(sink.address());
        remove_sink(self, sink.address());
      },
      [=](atom::watch, camera_watcher_actor watcher) {
        self->monitor(watcher);
        self->state.watchers.push_back(watcher);
        self->send(watcher, current_status(self));
      },
      [=](atom::status) { return current_status(self); },
      [=](const ptz_command& cmd) { return drive_head(self, cmd); },
      [=](atom::reinit) {
        auto& st = self->state;
        st.retry->reset();
        if (st.status.state != camera_link::idle) {
          log_with(st.log, spdlog::level::info,
                   "camera {}: reconnecting now (reinit)", st.cfg.id);
          st.source->close();
          start(self);
        }
        return current_status(self);
      },
      [=](atom::next, uint64_t generation) {
        if (generation != self->state.generation
            || self->state.status.state == camera_link::idle)
          return;
        decode_next(self);
      },
      [=](atom::idle, uint64_t token) {
        auto& st = self->state;
        if (token == st.idle_token && st.sinks.empty()
            && st.status.state != camera_link::idle)
          stop(self);
      },
  };
}

} // namespace argus
