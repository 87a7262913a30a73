// SPDX-License-Identifier: Apache-2.0
#include "actors/frames/frame_client.hpp"

#include "actors/failure.hpp"
#include "core/defaults.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = frame_client_actor::stateful_pointer<frame_client_state>;

void pump(self_ptr self);

/// Hands the outbox's messages to the socket while its budget lasts.
void flush(self_ptr self) {
  auto& st = self->state;
  auto conn = st.setup.connection.lock();
  if (!conn)
    return;
  while (auto next = st.out.next()) {
    conn->send(std::move(next->json));
    if (next->jpeg)
      conn->send_binary(std::move(next->jpeg));
  }
}

/// Queues a message (two when it carries a JPEG); a client that reads
/// nothing while 1024 of them pile up is closed.
void send_message(self_ptr self, frame_message msg) {
  auto& st = self->state;
  int messages = msg.jpeg ? 2 : 1;
  if (!st.out.push(std::move(msg), messages)) {
    spdlog::warn("frame client {} closed: {} messages unread", self->id(),
                 st.out.queued());
    if (auto conn = st.setup.connection.lock())
      conn->close(close_code::try_again_later,
                  "client too slow: message queue overflow");
    return;
  }
  flush(self);
}

void send_notice(self_ptr self, const frame_notice& n) {
  send_message(self, {self->state.setup.codec->encode(n), nullptr});
}

void send_error(self_ptr self, const std::string& request_id,
                const std::string& code, const std::string& detail) {
  frame_notice n;
  n.kind = frame_notice::error;
  n.request_id = request_id;
  n.error_code = code;
  n.detail = detail;
  send_notice(self, n);
}

void send_caf_error(self_ptr self, const std::string& request_id,
                    const caf::error& err, const frame_key* key = nullptr) {
  frame_notice n;
  n.kind = frame_notice::error;
  n.request_id = request_id;
  n.error_code = wire_code(err);
  n.detail = error_detail(err).empty() ? render(err) : error_detail(err);
  if (key) {
    n.key = *key;
    n.has_key = true;
  }
  send_notice(self, n);
}

void resume_read(self_ptr self) {
  if (!self->state.out.resume_reads(true))
    return;
  if (auto conn = self->state.setup.connection.lock())
    conn->resume_read();
}

/// Resolves a clip handle (cached per connection), then runs `then`.
template <class F>
void with_clip(self_ptr self, const std::string& request_id,
               const std::string& clip_id, F then) {
  auto it = self->state.clips.find(clip_id);
  if (it != self->state.clips.end()) {
    then(it->second);
    return;
  }
  self->request(self->state.setup.clips, defaults::server::request_timeout,
                atom::get_v, clip_id)
      .then(
          [=](clip_actor& clip) {
            // Watched, so a clip that dies is resolved again (the CLIP
            // MANAGER forgets it; it may be registered anew) instead of
            // failing every later request of this connection.
            if (!self->state.clips.count(clip_id))
              self->monitor(clip);
            self->state.clips[clip_id] = clip;
            then(clip);
          },
          [=](caf::error& err) {
            send_caf_error(self, request_id, err);
            resume_read(self);
          });
}

void on_frame(self_ptr self, const std::string& request_id,
              encoded_frame& frame) {
  auto& st = self->state;
  frame_notice n;
  n.kind = frame_notice::frame;
  n.request_id = request_id;
  n.clip_id = frame.clip_id;
  n.key = frame.key;
  n.display_index = frame.display_index;
  n.decode_index = frame.decode_index;
  n.pts = frame.pts;
  n.size = static_cast<int64_t>(frame.jpeg->size());
  // Header and image go out back to back, in this order.
  send_message(self, {st.setup.codec->encode(n), std::move(frame.jpeg)});
}

/// One asked frame was answered (or failed); a request with every frame
/// answered is done.
void count_answer(self_ptr self, const std::string& request_id, bool ok) {
  auto& st = self->state;
  --st.in_flight;
  if (auto done = st.requests.answered(request_id, ok)) {
    frame_notice n;
    n.kind = frame_notice::done;
    n.request_id = done->request_id;
    n.clip_id = done->clip_id;
    n.frames = done->sent;
    n.errors = done->failed;
    send_notice(self, n);
  }
}

void on_answer(self_ptr self, const std::string& request_id, bool ok) {
  count_answer(self, request_id, ok);
  pump(self);
}

/// Asks clips for the newest requests' frames while there is room.
void pump(self_ptr self) {
  auto& st = self->state;
  while (st.in_flight < st.setup.max_in_flight
         && st.out.queued_messages() < st.setup.max_unwritten) {
    auto next = st.requests.take();
    if (!next)
      return;
    ++st.in_flight;
    auto request_id = next->first;
    auto key = next->second;
    auto clip = st.clips.find(st.requests.clip_of(request_id));
    if (clip == st.clips.end()) {
      // The clip died after the request was queued.
      send_caf_error(self, request_id,
                     caf::make_error(ec::unknown_clip,
                                     "the clip is gone; register it again"),
                     &key);
      count_answer(self, request_id, false);
      continue;
    }
    self->request(clip->second, defaults::frames::frame_timeout, key)
        .then(
            [=](encoded_frame& frame) {
              on_frame(self, request_id, frame);
              on_answer(self, request_id, true);
            },
            [=](caf::error& err) {
              send_caf_error(self, request_id, err, &key);
              on_answer(self, request_id, false);
            });
  }
}

void enqueue_request(self_ptr self, frame_request req) {
  auto& st = self->state;
  for (auto& gone : st.requests.push(std::move(req))) {
    auto lost = static_cast<int64_t>(gone.keys.size() - gone.next);
    st.dropped += lost;
    frame_notice n;
    n.kind = frame_notice::dropped;
    n.request_id = gone.request_id;
    n.clip_id = gone.clip_id;
    n.frames = lost;
    send_notice(self, n);
  }
  pump(self);
}

void on_register_clip(self_ptr self, const frame_command& cmd) {
  self->request(self->state.setup.clips, defaults::frames::open_timeout,
                clip_source{cmd.clip_id, cmd.uri})
      .then(
          [=](clip_info& info) {
            frame_notice n;
            n.kind = frame_notice::clip_registered;
            n.request_id = cmd.request_id;
            n.clip_id = info.clip_id;
            n.clip = info;
            send_notice(self, n);
          },
          [=](caf::error& err) { send_caf_error(self, cmd.request_id, err); });
  resume_read(self);
}

void on_command(self_ptr self, frame_command& cmd) {
  auto& st = self->state;
  st.out.pause_reads(); // the connection read one message and waits
  if (cmd.kind == frame_command::invalid) {
    send_error(self, cmd.request_id, cmd.error, cmd.detail);
    resume_read(self);
    return;
  }
  if (cmd.kind == frame_command::register_clip) {
    on_register_clip(self, cmd);
    return;
  }
  if (!st.requests.clip_of(cmd.request_id).empty()) {
    send_error(self, cmd.request_id, "duplicate_request_id",
               "a request with this request_id is still being served");
    resume_read(self);
    return;
  }
  with_clip(self, cmd.request_id, cmd.clip_id, [=](clip_actor clip) {
    if (cmd.kind == frame_command::register_chunks) {
      for (auto irap : cmd.iraps)
        self->request(clip, defaults::server::request_timeout, atom::prefetch_v,
                      irap)
            .then([](int64_t) {},
                  [=](caf::error& err) {
                    send_caf_error(self, cmd.request_id, err);
                  });
      frame_notice n;
      n.kind = frame_notice::chunks_registered;
      n.request_id = cmd.request_id;
      n.clip_id = cmd.clip_id;
      n.iraps = cmd.iraps;
      send_notice(self, n);
      resume_read(self);
      return;
    }
    auto quality
        = cmd.quality > 0 ? cmd.quality : self->state.setup.default_quality;
    if (cmd.kind == frame_command::request_frames) {
      frame_request req{cmd.request_id, cmd.clip_id, {}, 0, 0, 0, 0};
      for (auto off : cmd.offsets)
        req.keys.push_back(frame_key{cmd.iraps[0], off, quality});
      enqueue_request(self, std::move(req));
      resume_read(self);
      return;
    }
    // request_chunk: the index says which frames; decode order, so the
    // decoder's one pass hands them out as they come.
    self->request(clip, defaults::server::request_timeout, atom::index_v)
        .then(
            [=](clip_index_ptr& idx) {
              auto irap = cmd.iraps[0];
              frame_request req{cmd.request_id, cmd.clip_id, {}, 0, 0, 0, 0};
              for (auto& chunk : idx->iraps)
                if (chunk.offset == irap)
                  for (auto& f : chunk.frames)
                    req.keys.push_back(frame_key{irap, f.offset, quality});
              if (req.keys.empty()) {
                send_error(self, cmd.request_id, "unknown_frame",
                           "no IRAP starts at byte " + std::to_string(irap));
              } else {
                // One sequential pass for the whole chunk, started now.
                self->send(clip, atom::prefetch_v, irap, quality);
                enqueue_request(self, std::move(req));
              }
              resume_read(self);
            },
            [=](caf::error& err) {
              send_caf_error(self, cmd.request_id, err);
              resume_read(self);
            });
  });
}

} // namespace

frame_client_actor::behavior_type frame_client(self_ptr self,
                                               frame_client_setup setup) {
  log_failures(self, "frame_client", [conn = setup.connection] {
    if (auto c = conn.lock())
      c->close(1011, "internal error");
  });
  self->state.requests = frame_request_stack(setup.lifo_depth);
  self->state.setup = std::move(setup);
  self->state.out = outbox<frame_message>(
      {self->state.setup.max_queued, self->state.setup.max_unwritten});
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& clips = self->state.clips;
    for (auto it = clips.begin(); it != clips.end();)
      it = it->second.address() == dm.source ? clips.erase(it) : std::next(it);
  });
  return {
      [=](frame_command& cmd) { on_command(self, cmd); },
      [=](atom::written) {
        self->state.out.written();
        flush(self);
        pump(self);
      },
      [=](atom::closed) { self->quit(); },
  };
}

} // namespace argus
