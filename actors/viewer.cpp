// SPDX-License-Identifier: Apache-2.0
#include "actors/viewer.hpp"

#include "actors/failure.hpp"
#include "core/clock.hpp"

#include <caf/actor_cast.hpp>

namespace argus {

namespace {

using self_ptr = viewer_actor::stateful_pointer<viewer_state>;

void send_text(self_ptr self, text_ptr text) {
  if (auto conn = self->state.setup.connection.lock()) {
    ++self->state.unwritten;
    conn->send(std::move(text));
  }
}

/// Sends the pending frame if the socket has nothing left to write.
void flush(self_ptr self) {
  auto& st = self->state;
  if (st.unwritten > 0 || !st.pending)
    return;
  auto conn = st.setup.connection.lock();
  if (!conn)
    return;
  auto f = std::move(*st.pending);
  st.pending.reset();
  st.unwritten += 2;
  conn->send(st.setup.codec->frame_header(f, unix_now_ms()));
  conn->send_binary(f.jpeg);
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
        self->state.pending = std::move(f); // latest wins
        flush(self);
      },
      [=](camera_status& cs) {
        send_text(self, self->state.setup.codec->camera_state(cs));
      },
      [=](atom::written) {
        auto& st = self->state;
        if (st.unwritten > 0)
          --st.unwritten;
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
