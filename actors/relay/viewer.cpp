// SPDX-License-Identifier: Apache-2.0
#include "actors/relay/viewer.hpp"

#include "actors/failure.hpp"
#include "core/clock.hpp"

#include <caf/actor_cast.hpp>

namespace argus {

namespace {

using self_ptr = viewer_actor::stateful_pointer<viewer_state>;

/// Hands the outbox's messages to the socket while its budget lasts.
void flush(self_ptr self) {
  auto& st = self->state;
  auto conn = st.setup.connection.lock();
  if (!conn)
    return;
  while (auto next = st.out.next()) {
    if (auto* text = std::get_if<text_ptr>(&*next)) {
      conn->send(std::move(*text));
      continue;
    }
    auto& f = std::get<relay_frame>(*next);
    conn->send(st.setup.codec->frame_header(f, unix_now_ms()));
    conn->send_binary(std::move(f.jpeg));
  }
}

/// Queues a camera state change; a viewer that reads none of them for
/// long is closed rather than kept with an ever longer queue.
void send_state(self_ptr self, const camera_status& cs) {
  auto& st = self->state;
  if (!st.out.push(st.setup.codec->camera_state(cs))) {
    if (auto conn = st.setup.connection.lock())
      conn->close(close_code::try_again_later,
                  "viewer too slow: state queue overflow");
    return;
  }
  flush(self);
}

} // namespace

viewer_actor::behavior_type viewer(self_ptr self, viewer_setup setup) {
  log_failures(self, "viewer", [conn = setup.connection] {
    if (auto c = conn.lock())
      c->close(1011, "internal error");
  });
  self->state.setup = std::move(setup);
  self->send(self->state.setup.relay, atom::join_v,
             caf::actor_cast<viewer_actor>(self), self->state.setup.fps);
  // A relay that fails is restarted by the SUPERVISOR under a new handle;
  // this connection cannot follow it, so it ends with "try again later"
  // and the client reconnects to the new one.
  self->monitor(self->state.setup.relay);
  self->set_down_handler([=](const caf::down_msg& dm) {
    if (dm.source != self->state.setup.relay.address())
      return;
    if (auto conn = self->state.setup.connection.lock())
      conn->close(1013, "camera relay restarted");
    self->quit();
  });
  return {
      [=](relay_frame& f) {
        self->state.out.put_latest(std::move(f), 2);
        flush(self);
      },
      [=](camera_status& cs) { send_state(self, cs); },
      [=](atom::written) {
        self->state.out.written();
        flush(self);
      },
      [=](atom::closed) {
        self->send(self->state.setup.relay, atom::leave_v,
                   caf::actor_cast<viewer_actor>(self));
        // The relay outlives this viewer: drop the monitor, or every
        // closed connection would leave its record on the relay.
        self->demonitor(self->state.setup.relay.address());
        self->quit();
      },
  };
}

} // namespace argus
