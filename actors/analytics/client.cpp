// SPDX-License-Identifier: Apache-2.0
#include "actors/analytics/client.hpp"

#include "actors/failure.hpp"
#include "core/defaults.hpp"

#include <algorithm>
#include <caf/actor_cast.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = client_actor::stateful_pointer<client_state>;

/// Hands the outbox's messages to the socket while its budget lasts.
void flush(self_ptr self) {
  auto& st = self->state;
  auto conn = st.setup.connection.lock();
  if (!conn)
    return;
  while (auto next = st.out.next())
    conn->send(std::move(*next));
}

/// Lets the connection read the next command once this client has room
/// for its reply: few enough commands pending and a short queue.
void maybe_resume_read(self_ptr self) {
  auto& st = self->state;
  bool room = st.pending_commands < st.setup.max_pending_commands
              && st.out.queued() < st.setup.max_queued_events / 2;
  if (!st.out.resume_reads(room))
    return;
  if (auto conn = st.setup.connection.lock())
    conn->resume_read();
}

/// Ends this client. The session outlives it: drop the monitor, or each
/// closed connection would leave its record on the session for good.
void quit_client(self_ptr self) {
  self->demonitor(self->state.setup.session.address());
  self->quit();
}

void close_and_quit(self_ptr self, uint16_t code, const std::string& reason) {
  if (auto conn = self->state.setup.connection.lock())
    conn->close(code, reason);
  quit_client(self);
}

void enqueue(self_ptr self, text_ptr text) {
  auto& st = self->state;
  if (!st.out.push(std::move(text))) {
    spdlog::warn("client {} closed: event queue full ({} messages)", self->id(),
                 st.out.queued());
    self->send(st.setup.session, atom::evicted_v,
               caf::actor_cast<client_actor>(self));
    close_and_quit(self, close_code::try_again_later,
                   "client too slow: event queue overflow");
    return;
  }
  flush(self);
}

/// Queues the reply to command number `seq` once every earlier command's
/// reply is queued: a parse error is known at once, a session answer later,
/// and the client must see them in command order.
void reply_in_order(self_ptr self, uint64_t seq, text_ptr text) {
  auto& st = self->state;
  st.ready_replies.emplace(seq, std::move(text));
  while (!st.ready_replies.empty()
         && st.ready_replies.begin()->first == st.next_reply_out) {
    auto next = std::move(st.ready_replies.begin()->second);
    st.ready_replies.erase(st.ready_replies.begin());
    ++st.next_reply_out;
    enqueue(self, std::move(next));
  }
}

} // namespace

client_actor::behavior_type client(self_ptr self, client_setup setup) {
  log_failures(self, "client", [conn = setup.connection] {
    if (auto c = conn.lock())
      c->close(1011, "internal error");
  });
  self->state.setup = std::move(setup);
  self->state.out = outbox<text_ptr>(
      {self->state.setup.max_queued_events, self->state.setup.max_in_flight});
  self->monitor(self->state.setup.session);
  // Down messages overtake ordinary ones, so the session's last events and
  // its own close message may still be in the mailbox: queue the close
  // behind them instead of closing at once.
  self->set_down_handler([=](const caf::down_msg& dm) {
    if (dm.reason == caf::exit_reason::user_shutdown)
      self->send(self, atom::close_v, close_code::normal,
                 std::string("session deleted"));
    else if (dm.reason == ec::shutting_down)
      self->send(self, atom::close_v, close_code::going_away,
                 std::string("server shutting down"));
    else
      self->send(self, atom::close_v, close_code::going_away,
                 std::string("session ended"));
  });
  auto& own = self->state.setup;
  if ((own.extensions & wire_ext::stats) != 0)
    self->send(own.session, atom::subscribe_v,
               caf::actor_cast<client_actor>(self), own.extensions,
               std::clamp(own.stats_hz, min_stats_hz, max_stats_hz));
  else
    self->send(own.session, atom::subscribe_v,
               caf::actor_cast<client_actor>(self), own.extensions);
  return {
      [=](atom::tick, text_ptr text) {
        self->state.out.put_latest(std::move(text));
        flush(self);
      },
      [=](atom::event, text_ptr text) { enqueue(self, std::move(text)); },
      [=](client_command& cmd) {
        auto& st = self->state;
        st.out.pause_reads(); // the connection read one message and waits
        auto seq = st.next_reply_seq++;
        if (cmd.kind == client_command::invalid) {
          command_reply r;
          r.error = cmd.error;
          r.detail = cmd.detail;
          reply_in_order(self, seq, st.setup.codec->encode(r));
          maybe_resume_read(self);
          return;
        }
        if (st.pending_commands >= st.setup.max_pending_commands) {
          command_reply r;
          r.error = "too_many_pending_commands";
          r.detail = "wait for replies before sending more commands";
          reply_in_order(self, seq, st.setup.codec->encode(r));
          maybe_resume_read(self);
          return;
        }
        ++st.pending_commands;
        self->request(st.setup.session, defaults::server::request_timeout, cmd)
            .then(
                [=](command_reply& r) {
                  --self->state.pending_commands;
                  reply_in_order(self, seq, self->state.setup.codec->encode(r));
                  maybe_resume_read(self);
                },
                [=](caf::error& err) {
                  --self->state.pending_commands;
                  command_reply r;
                  r.error = "internal_error";
                  r.detail = render(err);
                  reply_in_order(self, seq, self->state.setup.codec->encode(r));
                  maybe_resume_read(self);
                });
        maybe_resume_read(self);
      },
      [=](atom::written) {
        self->state.out.written();
        flush(self);
        maybe_resume_read(self);
      },
      [=](atom::closed) {
        self->send(self->state.setup.session, atom::unsubscribe_v,
                   caf::actor_cast<client_actor>(self));
        quit_client(self);
      },
      [=](atom::close, uint16_t code, const std::string& reason) {
        // Deliver what is queued (e.g. final "end" events) before closing:
        // the connection writes its queue before the close frame.
        if (auto conn = self->state.setup.connection.lock())
          for (auto& text : self->state.out.drain())
            conn->send(std::move(text));
        close_and_quit(self, code, reason);
      },
  };
}

} // namespace argus
