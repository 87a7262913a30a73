// SPDX-License-Identifier: Apache-2.0
// Peers of the frame-server actors for the deterministic tests: the real
// CLIP IO and DECODER spawned scheduled (not detached, so the test
// coordinator runs them), scripted mocks of both, and the H.265 fixtures.
#pragma once

#include "actors/frames/clip.hpp"
#include "actors/frames/clip_io.hpp"
#include "actors/frames/decoder.hpp"
#include "core/frames/byte_source.hpp"
#include "core/frames/hevc_index.hpp"
#include "tests/actors/fixture.hpp"

#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace argus::test {

/// A raw H.265 fixture: 6 frames of 64x48 in two closed GOPs of 3.
inline std::string fixture_path(const std::string& name = "idr.h265") {
  return std::string(ARGUS_SOURCE_DIR) + "/fixtures/fuzz/hevc_annexb/" + name;
}

inline std::string fixture_uri(const std::string& name = "idr.h265") {
  return "file://" + fixture_path(name);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The fixture's index, built by the same code as CLIP IO's.
inline clip_index_ptr load_index(const std::string& uri = fixture_uri()) {
  auto src = open_byte_source(uri, s3_settings{});
  CAF_REQUIRE(src);
  auto idx = build_clip_index(**src);
  CAF_REQUIRE(idx);
  return std::make_shared<const clip_index>(std::move(*idx));
}

/// The bytes of one chunk, as CLIP IO reads them.
inline bytes_ptr chunk_bytes(const clip_index& idx, size_t irap,
                             const std::string& path = fixture_path()) {
  auto all = read_file(path);
  const auto& e = idx.iraps.at(irap);
  return std::make_shared<const std::string>(all.substr(
      static_cast<size_t>(e.offset), static_cast<size_t>(e.end - e.offset)));
}

/// A CLIP mock: `info` answers create and status, FRAME_DONE messages go
/// to `on_frame`; frames are unknown, the index empty, prefetches no-ops.
inline clip_actor::behavior_type
scripted_clip(std::function<caf::result<clip_info>()> info,
              std::function<void(encoded_frame&)> on_frame) {
  return {
      [=](atom::create) { return info(); },
      [=](atom::status) { return info(); },
      [=](atom::index) -> caf::result<clip_index_ptr> {
        return clip_index_ptr{};
      },
      [=](frame_key&) -> caf::result<encoded_frame> {
        return caf::make_error(ec::unknown_frame);
      },
      [=](atom::prefetch, int64_t irap) -> caf::result<int64_t> {
        return irap;
      },
      [=](atom::prefetch, int64_t, int32_t) {},
      [=](encoded_frame& f) { on_frame(f); },
  };
}

/// The production peers, spawned so the test coordinator runs them.
inline clip_io_actor scheduled_io(caf::local_actor* parent, std::string uri,
                                  s3_settings s3) {
  return parent->spawn<caf::linked>(clip_io, std::move(uri), std::move(s3));
}

inline decoder_actor scheduled_decoder(caf::local_actor* parent,
                                       decoder_setup setup) {
  return parent->spawn<caf::linked>(decoder, std::move(setup));
}

inline bool is_jpeg(const bytes_ptr& b) {
  return b && b->size() > 4 && static_cast<unsigned char>((*b)[0]) == 0xFF
         && static_cast<unsigned char>((*b)[1]) == 0xD8;
}

// -- a scripted CLIP IO -------------------------------------------------------

struct io_script {
  /// What atom::open answers (an error, or the index).
  caf::expected<clip_index_ptr> index{caf::sec::bad_function_call};
  /// Hold atom::open (a clip that is still indexing) until the test sends
  /// (atom::load, -1): a promise must be delivered from inside its actor,
  /// because under the test coordinator the actor's execution unit is
  /// gone between runs.
  bool hold_open = false;
  /// Chunk loads fail with this error when set.
  caf::error load_error;
  std::string path = fixture_path();
  int opens = 0;
  int loads = 0;
  std::vector<caf::typed_response_promise<clip_index_ptr>> held;
};

using io_script_ptr = std::shared_ptr<io_script>;

inline clip_io_actor::behavior_type scripted_io(clip_io_actor::pointer self,
                                                io_script_ptr s) {
  return {
      [=](atom::open) -> caf::result<clip_index_ptr> {
        ++s->opens;
        if (s->hold_open) {
          auto rp = self->make_response_promise<clip_index_ptr>();
          s->held.push_back(rp);
          return rp;
        }
        if (!s->index)
          return s->index.error();
        return *s->index;
      },
      [=](atom::load, int32_t irap) -> caf::result<bytes_ptr> {
        if (irap == -1) { // the test releases the held opens
          for (auto& rp : s->held)
            rp.deliver(*s->index);
          s->held.clear();
          return bytes_ptr{};
        }
        ++s->loads;
        if (s->load_error)
          return s->load_error;
        return chunk_bytes(**s->index, static_cast<size_t>(irap), s->path);
      },
  };
}

// -- a scripted DECODER -------------------------------------------------------

struct decoder_script {
  std::vector<decode_job> jobs;
  /// Fail every wanted frame with this detail when set.
  std::string fail_detail;
};

using decoder_script_ptr = std::shared_ptr<decoder_script>;

/// Publishes a fake JPEG for each wanted frame to the CLIP (and the cache),
/// as the real DECODER does, or fails them all.
inline decoder_actor::behavior_type
scripted_decoder(decoder_actor::pointer self, decoder_script_ptr s,
                 decoder_setup setup) {
  return {
      [=](decode_job& job) {
        s->jobs.push_back(job);
        decode_report r;
        r.irap_index = job.irap_index;
        r.quality = job.quality;
        r.passes_total = static_cast<int64_t>(s->jobs.size());
        if (!s->fail_detail.empty()) {
          r.failed = job.wanted;
          r.detail = s->fail_detail;
          return r;
        }
        const auto& chunk
            = setup.index->iraps[static_cast<size_t>(job.irap_index)];
        for (auto d : job.wanted) {
          const auto& f = chunk.frames[static_cast<size_t>(d)];
          encoded_frame out;
          out.clip_id = setup.clip_id;
          out.key = frame_key{chunk.offset, f.offset, job.quality};
          out.display_index = f.display_index;
          out.decode_index = f.decode_index;
          out.pts = f.pts;
          out.jpeg = std::make_shared<const std::string>(
              "jpeg@" + std::to_string(f.offset));
          setup.cache->put(setup.clip_id, f.offset, job.quality, out.jpeg);
          self->send(setup.clip, std::move(out));
        }
        return r;
      },
  };
}

} // namespace argus::test
