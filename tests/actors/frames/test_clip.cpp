// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.clip
#include "actors/frames/clip.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/actors/frames/clip_support.hpp"

#include <set>

using namespace argus;
using namespace argus::test;

namespace {

struct clip_fixture : fixture {
  std::shared_ptr<frame_cache> cache
      = std::make_shared<frame_cache>(16 * 1024 * 1024);
  clip_index_ptr idx = load_index();
  io_script_ptr io = std::make_shared<io_script>();
  decoder_script_ptr dec = std::make_shared<decoder_script>();
  clip_actor c;
  /// The scripted CLIP IO the clip started.
  clip_io_actor io_hdl;

  ~clip_fixture() override {
    if (c)
      caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
    drain();
  }

  clip_setup base_setup() {
    clip_setup cs;
    cs.source = clip_source{"c1", fixture_uri()};
    cs.cache = cache;
    return cs;
  }

  /// A clip on the real CLIP IO and DECODER, run by the test coordinator.
  void start_real() {
    auto cs = base_setup();
    cs.start_io = scheduled_io;
    cs.start_decoder = scheduled_decoder;
    c = sys.spawn(clip, std::move(cs));
    drain();
  }

  /// A clip on the scripted peers.
  void start_scripted() {
    auto cs = base_setup();
    cs.start_io = [this](caf::local_actor* parent, std::string, s3_settings) {
      io_hdl = parent->spawn<caf::linked>(scripted_io, io);
      return io_hdl;
    };
    cs.start_decoder = [s = dec](caf::local_actor* parent, decoder_setup ds) {
      return parent->spawn<caf::linked>(scripted_decoder, s, std::move(ds));
    };
    c = sys.spawn(clip, std::move(cs));
    drain();
  }

  frame_key key_of(size_t irap, size_t decode_index, int32_t quality = 80) {
    const auto& chunk = idx->iraps.at(irap);
    return {chunk.offset, chunk.frames.at(decode_index).offset, quality};
  }

  caf::expected<encoded_frame> frame(frame_key key) {
    return call<encoded_frame>(c, key);
  }

  clip_info info() {
    auto i = call<clip_info>(c, atom::status_v);
    CAF_REQUIRE(i);
    return *i;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(clip_tests, clip_fixture)

CAF_TEST(create answers the clip summary once it is indexed) {
  start_real();
  auto created = call<clip_info>(c, atom::create_v);
  CAF_REQUIRE(created);
  CAF_CHECK_EQUAL(created->clip_id, "c1");
  CAF_CHECK_EQUAL(created->uri, fixture_uri());
  CAF_CHECK_EQUAL(created->container, "annexb");
  CAF_CHECK_EQUAL(created->width, 64);
  CAF_CHECK_EQUAL(created->height, 48);
  CAF_CHECK_EQUAL(created->frame_count, 6);
  CAF_CHECK_EQUAL(created->irap_count, 2);
  auto index = call<clip_index_ptr>(c, atom::index_v);
  CAF_REQUIRE(index);
  CAF_CHECK_EQUAL((*index)->iraps.size(), idx->iraps.size());
}

CAF_TEST(every frame of the clip decodes to a JPEG through the real peers) {
  start_real();
  std::set<int32_t> shown;
  for (size_t i = 0; i < idx->iraps.size(); ++i)
    for (size_t d = 0; d < idx->iraps[i].frames.size(); ++d) {
      auto f = frame(key_of(i, d));
      CAF_REQUIRE(f);
      CAF_CHECK(is_jpeg(f->jpeg));
      CAF_CHECK_EQUAL(f->decode_index, static_cast<int32_t>(d));
      CAF_CHECK_EQUAL(f->key.quality, 80);
      shown.insert(f->display_index);
    }
  CAF_CHECK_EQUAL(shown.size(), 6u);
  auto st = info();
  CAF_CHECK_EQUAL(st.frames_requested, 6);
  CAF_CHECK_EQUAL(st.chunks_loaded, 2);
  CAF_CHECK_GREATER(st.frames_encoded, 0);
}

CAF_TEST(a cached frame is answered without a decode) {
  start_real();
  auto first = frame(key_of(0, 1));
  CAF_REQUIRE(first);
  auto passes = info().decode_passes;
  CAF_CHECK_GREATER(passes, 0);
  auto again = frame(key_of(0, 1));
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->jpeg.get(), first->jpeg.get());
  auto st = info();
  CAF_CHECK_EQUAL(st.cache_hits, 1);
  CAF_CHECK_EQUAL(st.decode_passes, passes);
}

CAF_TEST(concurrent requests for one frame share one decode) {
  io->index = idx;
  start_scripted();
  auto a = self->request(c, caf::infinite, key_of(1, 2));
  auto b = self->request(c, caf::infinite, key_of(1, 2));
  drain();
  auto fa = reply<encoded_frame>(a);
  auto fb = reply<encoded_frame>(b);
  CAF_REQUIRE(fa);
  CAF_REQUIRE(fb);
  CAF_CHECK_EQUAL(fa->jpeg.get(), fb->jpeg.get());
  CAF_REQUIRE_EQUAL(dec->jobs.size(), 1u);
  CAF_CHECK_EQUAL(dec->jobs[0].irap_index, 1);
  CAF_CHECK_EQUAL(dec->jobs[0].wanted, std::vector<int32_t>{2});
  CAF_CHECK_EQUAL(io->loads, 1);
}

CAF_TEST(a clip that cannot be opened answers create with the error) {
  io->index = caf::make_error(ec::source_not_found, "no such object");
  start_scripted();
  auto created = call<clip_info>(c, atom::create_v);
  CAF_REQUIRE(!created);
  CAF_CHECK_EQUAL(created.error(), ec::source_not_found);
  auto f = frame(key_of(0, 0));
  CAF_REQUIRE(!f);
  CAF_CHECK_EQUAL(f.error(), ec::unknown_clip);
}

CAF_TEST(requests before the index exists are refused and create waits) {
  io->hold_open = true;
  start_scripted();
  auto waiting = self->request(c, caf::infinite, atom::create_v);
  drain();
  CAF_CHECK(!reply<clip_info>(waiting));
  auto f = frame(key_of(0, 0));
  CAF_REQUIRE(!f);
  CAF_CHECK_EQUAL(f.error(), ec::unknown_clip);
  auto index = call<clip_index_ptr>(c, atom::index_v);
  CAF_REQUIRE(!index);
  CAF_CHECK_EQUAL(index.error(), ec::unknown_clip);
  CAF_REQUIRE_EQUAL(io->held.size(), 1u);
  io->index = idx;
  caf::anon_send(io_hdl, atom::load_v, int32_t{-1});
  drain();
  auto created = reply<clip_info>(waiting);
  CAF_REQUIRE(created);
  CAF_CHECK_EQUAL(created->frame_count, 6);
}

CAF_TEST(a chunk that cannot be read fails its waiting frames) {
  io->index = idx;
  io->load_error = caf::make_error(ec::source_unavailable, "disk gone");
  start_scripted();
  auto f = frame(key_of(0, 1));
  CAF_REQUIRE(!f);
  CAF_CHECK_EQUAL(f.error(), ec::source_unavailable);
  CAF_CHECK(dec->jobs.empty());
  CAF_CHECK_EQUAL(info().errors, 1);
}

CAF_TEST(frames the decoder could not produce fail with decode_failed) {
  io->index = idx;
  dec->fail_detail = "corrupt slice";
  start_scripted();
  auto f = frame(key_of(0, 2));
  CAF_REQUIRE(!f);
  CAF_CHECK_EQUAL(f.error(), ec::decode_failed);
  CAF_CHECK(caf::to_string(f.error()).find("corrupt slice")
            != std::string::npos);
  // The decoder is free again: the next request gets its own pass.
  dec->fail_detail.clear();
  auto g = frame(key_of(0, 2));
  CAF_REQUIRE(g);
  CAF_CHECK_EQUAL(dec->jobs.size(), 2u);
}

CAF_TEST(a frame offset outside the index is unknown_frame) {
  io->index = idx;
  start_scripted();
  auto f = frame(frame_key{idx->iraps[0].offset, 1, 80});
  CAF_REQUIRE(!f);
  CAF_CHECK_EQUAL(f.error(), ec::unknown_frame);
  auto p = call<int64_t>(c, atom::prefetch_v, int64_t{12345});
  CAF_REQUIRE(!p);
  CAF_CHECK_EQUAL(p.error(), ec::unknown_frame);
  CAF_CHECK(dec->jobs.empty());
  CAF_CHECK_EQUAL(io->loads, 0);
}

CAF_TEST(prefetch loads a chunk ahead of requests) {
  io->index = idx;
  start_scripted();
  auto p = call<int64_t>(c, atom::prefetch_v, idx->iraps[1].offset);
  CAF_REQUIRE(p);
  CAF_CHECK_EQUAL(*p, idx->iraps[1].offset);
  CAF_CHECK_EQUAL(io->loads, 1);
  CAF_CHECK_EQUAL(info().chunks_loaded, 1);
  auto f = frame(key_of(1, 0));
  CAF_REQUIRE(f);
  CAF_CHECK_EQUAL(io->loads, 1); // the chunk was already there
}

CAF_TEST_FIXTURE_SCOPE_END()
