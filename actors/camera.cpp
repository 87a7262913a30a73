// SPDX-License-Identifier: Apache-2.0
#include "actors/camera.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
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

void start(self_ptr self) {
  auto& st = self->state;
  ++st.generation;
  st.status.state = "connecting";
  st.due = clock::now();
  self->send(self, atom::next_v, st.generation);
}

void stop(self_ptr self) {
  auto& st = self->state;
  ++st.generation;
  st.source->close();
  st.status.state = "idle";
  spdlog::info("camera {} stopped decoding: no subscribers", st.cfg.id);
}

/// Schedules the next reopen attempt, doubling the wait up to the maximum.
void retry_later(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  st.source->close();
  st.status.last_error = render(err);
  if (st.status.state != "disconnected")
    spdlog::warn("camera {} disconnected: {}", st.cfg.id, st.status.last_error);
  st.status.state = "disconnected";
  st.retry_ms = st.retry_ms == 0
                    ? st.cfg.retry_min_ms
                    : std::min(st.retry_ms * 2, st.cfg.retry_max_ms);
  ++st.status.reconnects;
  self->delayed_send(self, std::chrono::milliseconds(st.retry_ms), atom::next_v,
                     st.generation);
}

void decode_next(self_ptr self) {
  auto& st = self->state;
  auto f = std::make_shared<frame>();
  if (auto err = st.source->read(*f)) {
    retry_later(self, err);
    return;
  }
  auto captured = clock::now();
  f->ts_mono_ms = now_ms(captured);
  f->ts_unix_ms = unix_now_ms();
  if (st.status.state != "online")
    spdlog::info("camera {} online ({}x{})", st.cfg.id, f->bgr.cols,
                 f->bgr.rows);
  st.status.state = "online";
  st.retry_ms = 0;
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

} // namespace

camera_actor::behavior_type camera(self_ptr self, camera_config cfg) {
  self->state.cfg = cfg;
  self->state.source = make_frame_source(cfg);
  self->state.status.state = "idle";
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& sinks = self->state.sinks;
    auto before = sinks.size();
    sinks.erase(
        std::remove_if(sinks.begin(), sinks.end(),
                       [&](auto& s) { return s.address() == dm.source; }),
        sinks.end());
    if (before > 0 && sinks.empty())
      stop(self);
  });
  return {
      [=](atom::subscribe, frame_sink_actor sink) {
        auto& st = self->state;
        if (std::find(st.sinks.begin(), st.sinks.end(), sink) != st.sinks.end())
          return;
        self->monitor(sink);
        st.sinks.push_back(sink);
        if (st.sinks.size() == 1)
          start(self);
      },
      [=](atom::unsubscribe, frame_sink_actor sink) {
        auto& sinks = self->state.sinks;
        auto it = std::find(sinks.begin(), sinks.end(), sink);
        if (it == sinks.end())
          return;
        self->demonitor(sink.address());
        sinks.erase(it);
        if (sinks.empty())
          stop(self);
      },
      [=](atom::status) {
        auto result = self->state.status;
        result.subscribers = int64_t(self->state.sinks.size());
        return result;
      },
      [=](atom::next, uint64_t generation) {
        if (generation != self->state.generation || self->state.sinks.empty())
          return;
        decode_next(self);
      },
  };
}

} // namespace argus
