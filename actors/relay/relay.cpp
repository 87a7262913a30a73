// SPDX-License-Identifier: Apache-2.0
#include "actors/relay/relay.hpp"

#include "actors/failure.hpp"

#include <algorithm>
#include <caf/actor_cast.hpp>
#include <cmath>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = relay_actor::stateful_pointer<relay_state>;
using clock = relay_state::clock;

bool wanted(self_ptr self) {
  return !self->state.viewers->empty() || !self->state.snapshot_waiters.empty();
}

/// Consumes the camera exactly while someone wants frames.
void update_subscription(self_ptr self) {
  auto& st = self->state;
  auto sink = caf::actor_cast<frame_sink_actor>(self);
  if (wanted(self) && !st.subscribed) {
    self->send(st.setup.camera, atom::subscribe_v, sink);
    st.subscribed = true;
  } else if (!wanted(self) && st.subscribed) {
    self->send(st.setup.camera, atom::unsubscribe_v, sink);
    st.subscribed = false;
  }
}

caf::expected<relay_frame> encode(self_ptr self, const frame& f) {
  auto& st = self->state;
  auto jpg = st.jpeg.encode_bgr(f.bgr.data, f.bgr.cols, f.bgr.rows,
                                static_cast<int>(f.bgr.step[0]),
                                st.setup.cfg.jpeg_quality);
  if (!jpg)
    return jpg.error();
  relay_frame out;
  out.camera_id = st.setup.camera_id;
  out.frame_no = ++st.status.frames_encoded;
  out.captured_unix_ms = f.ts_unix_ms;
  out.width = f.bgr.cols;
  out.height = f.bgr.rows;
  out.jpeg = std::make_shared<const std::string>(std::move(*jpg));
  return out;
}

/// Every `persist_every` frames (the first one too): a restart still has
/// a picture. A failing disk is logged once and counted; frames go on.
void persist(self_ptr self, const relay_frame& f) {
  auto& st = self->state;
  auto every = st.setup.cfg.persist_every;
  if (!st.disk || every <= 0 || (f.frame_no - 1) % every != 0)
    return;
  if (auto err = st.disk->save(f)) {
    ++st.status.persist_errors;
    if (!st.persist_failing)
      log_with(st.log, spdlog::level::err,
               "relay {}: cannot persist the latest frame: {}",
               st.setup.camera_id, render(err));
    st.persist_failing = true;
    return;
  }
  if (st.persist_failing)
    log_with(st.log, spdlog::level::info,
             "relay {}: persisting the latest frame again", st.setup.camera_id);
  st.persist_failing = false;
  ++st.status.frames_persisted;
}

void on_frame(self_ptr self, const frame_ptr& f) {
  auto& st = self->state;
  ++st.status.frames_received;
  // Encoding fell behind the camera (a burst of viewers joining, the naive
  // baseline): drop frames already two intervals old instead of queueing.
  auto age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    clock::now().time_since_epoch())
                    .count()
                - f->ts_mono_ms;
  if (age_ms > static_cast<int64_t>(2000.0 / st.setup.source_fps) + 20) {
    ++st.status.frames_stale;
    return;
  }
  // Pacing reads the actor clock (the steady clock in production, the
  // test coordinator's in tests); the age above compares with the camera's
  // steady-clock stamp.
  auto due = st.viewers->due(self->clock().now());
  if (due.empty() && st.snapshot_waiters.empty())
    return; // nobody is due one: no encode
  auto out = encode(self, *f);
  if (!out) {
    log_with(st.log, spdlog::level::err, "relay {}: {}", st.setup.camera_id,
             render(out.error()));
    return;
  }
  st.latest = *out;
  st.status.latest_unix_ms = out->captured_unix_ms;
  persist(self, *out);
  for (auto& v : due) {
    if (st.setup.cfg.encode_per_viewer && &v != &due.front()) {
      // Benchmark baseline: the naive design encodes for each viewer.
      if (auto again = encode(self, *f)) {
        self->send(v, *again);
        continue;
      }
    }
    self->send(v, *out);
  }
  for (auto& rp : st.snapshot_waiters)
    rp.deliver(*out);
  st.snapshot_waiters.clear();
  update_subscription(self);
}

void remove_viewer(self_ptr self, const caf::actor_addr& addr) {
  auto& vs = *self->state.viewers;
  vs.remove_if([&](const viewer_actor& v) { return v.address() == addr; });
  self->state.status.viewers = static_cast<int64_t>(vs.size());
  update_subscription(self);
}

caf::error disconnected_error(const camera_status& cs) {
  return caf::make_error(ec::camera_disconnected,
                         "camera " + cs.camera_id + " is disconnected ("
                             + cs.last_error + "); next retry in "
                             + std::to_string(cs.next_retry_ms) + " ms");
}

caf::result<relay_frame> on_latest(self_ptr self) {
  auto& st = self->state;
  if (st.status.camera.state == camera_link::disconnected)
    return disconnected_error(st.status.camera);
  if (st.latest)
    return *st.latest;
  // Nothing in memory or on disk: take one picture, then let go.
  auto rp = self->make_response_promise<relay_frame>();
  st.snapshot_waiters.push_back(rp);
  update_subscription(self);
  self->delayed_send(
      self, std::chrono::milliseconds(st.setup.cfg.snapshot_timeout_ms),
      atom::idle_v, ++st.snapshot_token);
  return rp;
}

} // namespace

relay_actor::behavior_type relay(self_ptr self, relay_setup setup) {
  log_failures(self, "relay");
  auto& st = self->state;
  st.setup = std::move(setup);
  st.status.camera_id = st.setup.camera_id;
  st.log.camera_id = st.setup.camera_id;
  st.viewers.emplace(st.setup.source_fps);
  if (st.setup.cfg.persist_every > 0 && !st.setup.cfg.persist_dir.empty()) {
    st.disk.emplace(st.setup.cfg.persist_dir);
    st.latest = st.disk->load(st.setup.camera_id);
    if (st.latest) {
      st.status.latest_unix_ms = st.latest->captured_unix_ms;
      log_with(st.log, spdlog::level::info,
               "relay {}: restored the latest frame from disk",
               st.setup.camera_id);
    }
  }
  self->send(st.setup.camera, atom::watch_v,
             caf::actor_cast<camera_watcher_actor>(self));
  self->set_down_handler(
      [=](const caf::down_msg& dm) { remove_viewer(self, dm.source); });
  return {
      [=](camera_status& cs) {
        auto& st = self->state;
        st.status.camera = cs;
        st.viewers->for_each([&](const viewer_actor& v) { self->send(v, cs); });
        if (cs.state == camera_link::disconnected) {
          for (auto& rp : st.snapshot_waiters)
            rp.deliver(disconnected_error(cs));
          st.snapshot_waiters.clear();
          update_subscription(self);
        }
      },
      [=](const frame_ptr& f) { on_frame(self, f); },
      [=](atom::join, viewer_actor v, double fps) {
        auto& st = self->state;
        self->monitor(v);
        // Until the camera has answered the watch, there is no state to
        // tell; the viewer gets the first one with everyone else.
        if (st.status.camera.state != camera_link::unknown)
          self->send(v, st.status.camera);
        // A new viewer sees a picture at once, from memory, at no cost;
        // that counts as its frame of the current slot.
        bool served
            = st.latest && st.status.camera.state != camera_link::disconnected;
        if (served)
          self->send(v, *st.latest);
        st.viewers->add(v, fps, self->clock().now(), served);
        st.status.viewers = static_cast<int64_t>(st.viewers->size());
        update_subscription(self);
      },
      [=](atom::leave, viewer_actor v) {
        self->demonitor(v.address());
        remove_viewer(self, v.address());
      },
      [=](atom::latest) { return on_latest(self); },
      [=](atom::status) -> caf::result<relay_status> {
        auto rp = self->make_response_promise<relay_status>();
        auto snapshot = self->state.status;
        self->request(self->state.setup.camera, std::chrono::seconds(2),
                      atom::status_v)
            .then(
                [=](camera_status& cs) mutable {
                  snapshot.camera = cs;
                  rp.deliver(snapshot);
                },
                [=](caf::error&) mutable { rp.deliver(snapshot); });
        return rp;
      },
      [=](atom::reinit) -> caf::result<camera_status> {
        return self->delegate(self->state.setup.camera, atom::reinit_v);
      },
      [=](atom::replace, camera_actor cam) {
        // The old camera died and took our subscription with it.
        auto& st = self->state;
        st.setup.camera = std::move(cam);
        st.subscribed = false;
        self->send(st.setup.camera, atom::watch_v,
                   caf::actor_cast<camera_watcher_actor>(self));
        update_subscription(self);
      },
      [=](atom::reset) {
        auto& st = self->state;
        st.latest.reset();
        st.status.latest_unix_ms = 0;
        if (st.disk)
          if (auto err = st.disk->forget(st.setup.camera_id))
            log_with(st.log, spdlog::level::err, "relay {}: {}",
                     st.setup.camera_id, render(err));
        log_with(st.log, spdlog::level::info,
                 "relay {}: new source settings; the previous picture is "
                 "dropped",
                 st.setup.camera_id);
      },
      [=](atom::idle, uint64_t token) {
        auto& st = self->state;
        if (token != st.snapshot_token || st.snapshot_waiters.empty())
          return;
        for (auto& rp : st.snapshot_waiters)
          rp.deliver(caf::make_error(
              ec::no_frame,
              "camera " + st.setup.camera_id + " produced no frame within "
                  + std::to_string(st.setup.cfg.snapshot_timeout_ms)
                  + " ms (state: " + to_string(st.status.camera.state) + ")"));
        st.snapshot_waiters.clear();
        update_subscription(self);
      },
  };
}

} // namespace argus
