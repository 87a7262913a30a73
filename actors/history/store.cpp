// SPDX-License-Identifier: Apache-2.0
#include "actors/history/store.hpp"

#include "actors/failure.hpp"
#include "core/clock.hpp"
#include "core/defaults.hpp"

#include <chrono>
#include <limits>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = store_actor::stateful_pointer<store_state>;

/// Flush generation that means "final flush, then quit".
constexpr uint64_t final_flush = std::numeric_limits<uint64_t>::max();

/// Starts a new timer chain; the previous chain dies at its next tick.
void schedule_flush(self_ptr self, std::chrono::milliseconds delay) {
  auto gen = ++self->state.flush_generation;
  if (delay.count() == 0)
    self->send(self, atom::flush_v, gen);
  else
    self->delayed_send(self, delay, atom::flush_v, gen);
}

void on_flush(self_ptr self, uint64_t gen) {
  auto& st = self->state;
  if (gen == final_flush) {
    if (!st.core->flush(unix_now_ms()))
      spdlog::error("store: could not commit {} event(s) and {} sample(s) "
                    "before exit",
                    st.core->status().pending_events,
                    st.core->status().pending_samples);
    self->quit();
    return;
  }
  if (gen != st.flush_generation || st.stopping)
    return;
  auto& cfg = st.core->config();
  bool ok = st.core->flush(unix_now_ms());
  schedule_flush(self, std::chrono::milliseconds(ok ? cfg.flush_interval_ms
                                                    : cfg.retry_ms));
}

} // namespace

store_actor::behavior_type store(self_ptr self, store_setup setup) {
  log_failures(self, "store");
  auto& st = self->state;
  st.core = std::make_unique<track_store>(setup.cfg, setup.retain_days);
  st.core->count_interrupted(setup.interrupted_at_start);
  st.core->ensure_open();
  schedule_flush(self, std::chrono::milliseconds(setup.cfg.flush_interval_ms));
  self->delayed_send(self,
                     std::chrono::milliseconds(setup.cfg.expire_interval_ms),
                     atom::expire_v);
  // The exit message overtakes queued updates; commit them first by
  // queueing the final flush behind them.
  self->set_exit_handler([=](const caf::exit_msg&) {
    if (self->state.stopping)
      return;
    self->state.stopping = true;
    self->send(self, atom::flush_v, final_flush);
  });
  return {
      [=](store_update& update) {
        auto& core = *self->state.core;
        core.add(update);
        // Flush early when a batch is full, unless the disk is failing.
        if (core.wants_flush() && core.healthy())
          schedule_flush(self, std::chrono::milliseconds(0));
      },
      [=](session_record& record) { self->state.core->add(record); },
      [=](const ptz_command_record& record) {
        // Committed with the next batch; a failing disk sheds, never waits.
        self->state.core->add(record);
      },
      [=](atom::status) {
        // The store runs detached, so this thread's clock is its own cost.
        auto status = self->state.core->status();
        status.thread_cpu_ms = thread_cpu_ms();
        return status;
      },
      [=](atom::remove,
          const std::string& track_id) -> caf::result<std::string> {
        auto gone = self->state.core->remove(track_id, unix_now_ms());
        if (!gone)
          return gone.error();
        if (!*gone)
          return caf::make_error(ec::unknown_track,
                                 "no track '" + track_id + "'");
        return track_id;
      },
      [=](atom::retain, const std::string& track_id,
          bool retain) -> caf::result<std::string> {
        auto found = self->state.core->retain(track_id, retain, unix_now_ms());
        if (!found)
          return found.error();
        if (!*found)
          return caf::make_error(ec::unknown_track,
                                 "no track '" + track_id + "'");
        return track_id;
      },
      [=](atom::flush, uint64_t gen) { on_flush(self, gen); },
      [=](atom::expire) {
        auto& cfg = self->state.core->config();
        bool more = self->state.core->expire_step(unix_now_ms());
        // Small steps with a pause between keep write locks short.
        auto pause = more ? std::chrono::milliseconds(20)
                          : std::chrono::milliseconds(cfg.expire_interval_ms);
        self->delayed_send(self, pause, atom::expire_v);
      },
  };
}

} // namespace argus
