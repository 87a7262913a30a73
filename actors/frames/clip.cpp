// SPDX-License-Identifier: Apache-2.0
#include "actors/frames/clip.hpp"

#include "actors/failure.hpp"
#include "core/defaults.hpp"
#include "core/frames/hevc_index.hpp"

#include <caf/actor_cast.hpp>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = clip_actor::stateful_pointer<clip_state>;

void schedule(self_ptr self);

/// Answers everyone waiting for `key` with an error.
void fail_waiters(self_ptr self, const frame_key& key, const caf::error& err) {
  self->state.requeued.erase(key);
  auto it = self->state.waiting.find(key);
  if (it == self->state.waiting.end())
    return;
  for (auto& rp : it->second)
    rp.deliver(err);
  self->state.waiting.erase(it);
  ++self->state.info.errors;
}

void load_chunk(self_ptr self, int32_t irap) {
  self->request(self->state.io, defaults::frames::io_timeout, atom::load_v,
                irap)
      .then(
          [=](bytes_ptr& bytes) {
            ++self->state.info.chunks_loaded;
            self->state.info.bytes_loaded
                += static_cast<int64_t>(bytes->size());
            self->state.scheduler->chunk_loaded(irap, std::move(bytes));
            schedule(self);
          },
          [=](caf::error& err) {
            auto& st = self->state;
            // Its own frames and the next chunk's RASL pictures fail.
            for (auto lost : st.scheduler->chunk_failed(irap)) {
              const auto& chunk
                  = st.index->iraps[static_cast<size_t>(lost.irap)];
              const auto& f
                  = chunk.frames[static_cast<size_t>(lost.decode_index)];
              fail_waiters(
                  self, frame_key{chunk.offset, f.offset, lost.quality}, err);
            }
            schedule(self);
          });
}

encoded_frame cached_frame(self_ptr self, const frame_key& key,
                           const frame_location& loc, bytes_ptr jpeg) {
  const auto& f = self->state.index->iraps[static_cast<size_t>(loc.irap_index)]
                      .frames[static_cast<size_t>(loc.decode_index)];
  encoded_frame out;
  out.clip_id = self->state.setup.source.clip_id;
  out.key = key;
  out.display_index = f.display_index;
  out.decode_index = f.decode_index;
  out.pts = f.pts;
  out.jpeg = std::move(jpeg);
  return out;
}

/// A pass ended: the wanted frames it could not produce fail with
/// `detail`; the decoder is free for the next pass. Nobody is left
/// waiting: a wanted frame the pass did produce earlier (and so did not
/// emit again) is answered from the cache, or fails if already evicted.
void finish_pass(self_ptr self, int32_t irap, int32_t quality,
                 const std::vector<int32_t>& wanted,
                 const std::vector<int32_t>& failed,
                 const std::string& detail) {
  auto& st = self->state;
  st.decoder_busy = false;
  const auto& chunk = st.index->iraps[static_cast<size_t>(irap)];
  for (auto d : failed) {
    const auto& f = chunk.frames[static_cast<size_t>(d)];
    fail_waiters(self, frame_key{chunk.offset, f.offset, quality},
                 caf::make_error(ec::decode_failed,
                                 "frame at byte " + std::to_string(f.offset)
                                     + ": " + detail));
  }
  for (auto d : wanted) {
    const auto& f = chunk.frames[static_cast<size_t>(d)];
    frame_key key{chunk.offset, f.offset, quality};
    if (!st.waiting.count(key))
      continue;
    if (auto jpeg
        = st.setup.cache->get(st.setup.source.clip_id, f.offset, quality)) {
      auto frame = cached_frame(self, key, frame_location{irap, d}, jpeg);
      for (auto& rp : st.waiting[key])
        rp.deliver(frame);
      st.waiting.erase(key);
      st.requeued.erase(key);
    } else if (st.requeued.insert(key).second) {
      // Produced, then evicted by other players' frames before this pass
      // ended (a request_chunk player asking late): one more pass.
      st.scheduler->want(irap, d, quality);
    } else {
      fail_waiters(self, key,
                   caf::make_error(ec::decode_failed,
                                   "frame at byte " + std::to_string(f.offset)
                                       + " was evicted from the frame cache "
                                         "before delivery; ask again"));
    }
  }
  schedule(self);
}

void on_report(self_ptr self, const std::vector<int32_t>& wanted,
               const decode_report& r) {
  auto& info = self->state.info;
  info.decode_passes = r.passes_total;
  info.frames_decoded = r.decoded_total;
  info.frames_skipped = r.skipped_total;
  info.frames_encoded = r.encoded_total;
  finish_pass(self, r.irap_index, r.quality, wanted, r.failed, r.detail);
}

/// Starts chunk loads and, when the decoder is idle, the next pass.
void schedule(self_ptr self) {
  auto& st = self->state;
  auto step = st.scheduler->next(!st.decoder_busy);
  for (auto irap : step.loads)
    load_chunk(self, irap);
  if (!step.job)
    return;
  st.decoder_busy = true;
  auto irap = step.job->irap_index;
  auto quality = step.job->quality;
  auto wanted = step.job->wanted;
  self->request(st.decoder, defaults::frames::decode_timeout, *step.job)
      .then([=](decode_report& r) { on_report(self, wanted, r); },
            [=](caf::error& err) {
              // The decoder died or timed out: this pass's frames failed
              // (fail_waiters skips those a decode_ahead already served).
              finish_pass(self, irap, quality, wanted, wanted, render(err));
            });
}

void on_index(self_ptr self, clip_index_ptr idx) {
  auto& st = self->state;
  st.index = idx;
  st.scheduler.emplace(idx, st.setup.max_chunks);
  st.info.container = idx->container;
  st.info.width = idx->width;
  st.info.height = idx->height;
  st.info.frame_count = idx->frame_count;
  st.info.irap_count = static_cast<int64_t>(idx->iraps.size());
  st.info.object_size = idx->object_size;
  decoder_setup ds;
  ds.clip_id = st.setup.source.clip_id;
  ds.index = idx;
  ds.clip = caf::actor_cast<clip_actor>(self);
  ds.cache = st.setup.cache;
  if (st.setup.metrics)
    ds.decode_seconds
        = &st.setup.metrics->frames_decode.with({st.setup.source.clip_id});
  st.decoder = st.setup.start_decoder(self, std::move(ds));
  for (auto& rp : st.openers)
    rp.deliver(st.info);
  st.openers.clear();
}

caf::result<encoded_frame> on_frame_request(self_ptr self, frame_key key) {
  auto& st = self->state;
  ++st.info.frames_requested;
  auto loc = locate_frame(*st.index, key.irap, key.offset);
  if (!loc)
    return loc.error();
  st.scheduler->viewed(loc->irap_index, loc->decode_index, key.quality);
  if (auto jpeg
      = st.setup.cache->get(st.setup.source.clip_id, key.offset, key.quality)) {
    ++st.info.cache_hits;
    schedule(self); // the player moved on: decode-ahead may continue
    return cached_frame(self, key, *loc, std::move(jpeg));
  }
  auto rp = self->make_response_promise<encoded_frame>();
  auto& waiters = st.waiting[key];
  waiters.push_back(rp);
  if (waiters.size() == 1) { // the first asker queues the decode
    st.scheduler->want(loc->irap_index, loc->decode_index, key.quality);
    schedule(self);
  }
  return rp;
}

} // namespace

clip_actor::behavior_type clip(self_ptr self, clip_setup setup) {
  log_failures(self, "clip");
  auto& st = self->state;
  st.setup = std::move(setup);
  st.info.clip_id = st.setup.source.clip_id;
  st.info.uri = st.setup.source.uri;
  st.io = st.setup.start_io(self, st.setup.source.uri, st.setup.s3);
  self->request(st.io, defaults::frames::open_timeout, atom::open_v)
      .then([=](clip_index_ptr& idx) { on_index(self, std::move(idx)); },
            [=](caf::error& err) {
              spdlog::warn("clip {}: cannot open {}: {}",
                           self->state.info.clip_id, self->state.info.uri,
                           render(err));
              self->state.open_error = err;
              for (auto& rp : self->state.openers)
                rp.deliver(err);
              self->state.openers.clear();
            });
  return {
      [=](atom::create) -> caf::result<clip_info> {
        if (self->state.index)
          return self->state.info;
        if (self->state.open_error)
          return self->state.open_error;
        auto rp = self->make_response_promise<clip_info>();
        self->state.openers.push_back(rp);
        return rp;
      },
      [=](atom::status) -> caf::result<clip_info> { return self->state.info; },
      [=](atom::index) -> caf::result<clip_index_ptr> {
        if (!self->state.index)
          return caf::make_error(ec::unknown_clip, "clip is still indexing");
        return self->state.index;
      },
      [=](frame_key& key) -> caf::result<encoded_frame> {
        if (!self->state.index)
          return caf::make_error(ec::unknown_clip, "clip is still indexing");
        return on_frame_request(self, key);
      },
      [=](atom::prefetch, int64_t irap) -> caf::result<int64_t> {
        if (!self->state.index)
          return caf::make_error(ec::unknown_clip, "clip is still indexing");
        auto chunk = locate_irap(*self->state.index, irap);
        if (!chunk)
          return chunk.error();
        if (self->state.scheduler->start_load(*chunk))
          load_chunk(self, *chunk);
        return irap;
      },
      [=](atom::prefetch, int64_t irap, int32_t quality) {
        auto& st = self->state;
        if (!st.index)
          return;
        auto chunk = locate_irap(*st.index, irap);
        if (!chunk)
          return;
        st.scheduler->play(*chunk, quality);
        if (st.scheduler->start_load(*chunk))
          load_chunk(self, *chunk);
        schedule(self);
      },
      [=](encoded_frame& frame) {
        auto& st = self->state;
        if (auto loc
            = locate_frame(*st.index, frame.key.irap, frame.key.offset))
          st.scheduler->produced(loc->irap_index, loc->decode_index,
                                 frame.key.quality);
        auto it = st.waiting.find(frame.key);
        if (it == st.waiting.end())
          return; // decoded ahead: only cached
        for (auto& rp : it->second)
          rp.deliver(frame);
        st.waiting.erase(it);
        st.requeued.erase(frame.key);
      },
  };
}

clip_actor spawn_clip(caf::local_actor* parent, clip_setup setup) {
  return parent->spawn(clip, std::move(setup));
}

} // namespace argus
