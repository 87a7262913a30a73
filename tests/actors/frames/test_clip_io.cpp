// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.clip_io
#include "actors/frames/clip_io.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/actors/frames/clip_support.hpp"
#include "tests/support/temp_dir.hpp"

#include <fstream>

using namespace argus;
using namespace argus::test;

namespace {

struct clip_io_fixture : fixture {
  clip_io_actor io;

  ~clip_io_fixture() override {
    if (io)
      caf::anon_send_exit(io, caf::exit_reason::user_shutdown);
    drain();
  }

  // Spawned scheduled, not detached: the test coordinator runs it.
  void start(const std::string& uri) {
    io = sys.spawn(clip_io, uri, s3_settings{});
    drain();
  }

  caf::expected<clip_index_ptr> open() {
    return call<clip_index_ptr>(io, atom::open_v);
  }

  caf::expected<bytes_ptr> load(int32_t irap) {
    return call<bytes_ptr>(io, atom::load_v, irap);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(clip_io_tests, clip_io_fixture)

CAF_TEST(open indexes a raw H .265 clip once) {
  start(fixture_uri());
  auto idx = open();
  CAF_REQUIRE(idx);
  const auto& x = **idx;
  CAF_CHECK_EQUAL(x.container, "annexb");
  CAF_CHECK_EQUAL(x.width, 64);
  CAF_CHECK_EQUAL(x.height, 48);
  CAF_CHECK_EQUAL(x.frame_count, 6);
  CAF_REQUIRE_EQUAL(x.iraps.size(), 2u);
  CAF_CHECK_EQUAL(x.iraps[0].offset, 0);
  CAF_CHECK_EQUAL(x.iraps[0].end, x.iraps[1].offset);
  CAF_CHECK_EQUAL(x.iraps[1].end, x.object_size);
  CAF_CHECK_EQUAL(x.object_size,
                  static_cast<int64_t>(read_file(fixture_path()).size()));
  auto again = open();
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->get(), idx->get()); // the same index, not rebuilt
}

CAF_TEST(open indexes an MP4 clip) {
  start("file://" + std::string(ARGUS_SOURCE_DIR)
        + "/fixtures/fuzz/hevc_mp4/idr.mp4");
  auto idx = open();
  CAF_REQUIRE(idx);
  CAF_CHECK_EQUAL((*idx)->container, "mp4");
  CAF_CHECK_GREATER((*idx)->frame_count, 0);
  CAF_CHECK(!(*idx)->extradata.empty());
}

CAF_TEST(load reads exactly the bytes of one chunk) {
  start(fixture_uri());
  auto idx = open();
  CAF_REQUIRE(idx);
  auto all = read_file(fixture_path());
  for (int32_t i = 0; i < 2; ++i) {
    auto bytes = load(i);
    CAF_REQUIRE(bytes);
    const auto& e = (*idx)->iraps[static_cast<size_t>(i)];
    CAF_CHECK_EQUAL(**bytes, all.substr(static_cast<size_t>(e.offset),
                                        static_cast<size_t>(e.end - e.offset)));
  }
}

CAF_TEST(load of a chunk that does not exist is unknown_frame) {
  start(fixture_uri());
  auto early = load(0); // nothing opened yet
  CAF_REQUIRE(!early);
  CAF_CHECK_EQUAL(early.error(), ec::unknown_frame);
  CAF_REQUIRE(open());
  for (int32_t bad : {-1, 2, 1000}) {
    auto b = load(bad);
    CAF_REQUIRE(!b);
    CAF_CHECK_EQUAL(b.error(), ec::unknown_frame);
  }
}

CAF_TEST(a missing object fails open with source_not_found) {
  start("file:///nonexistent/argus/clip.h265");
  auto idx = open();
  CAF_REQUIRE(!idx);
  CAF_CHECK_EQUAL(idx.error(), ec::source_not_found);
}

CAF_TEST(an object that is not H .265 fails open) {
  temp_dir dir;
  auto path = dir.file("noise.h265");
  std::ofstream(path) << std::string(1000, 'x');
  start("file://" + path);
  auto idx = open();
  CAF_REQUIRE(!idx);
  CAF_CHECK(idx.error() != ec::no_error);
  auto b = load(0);
  CAF_REQUIRE(!b);
  CAF_CHECK_EQUAL(b.error(), ec::unknown_frame);
}

CAF_TEST_FIXTURE_SCOPE_END()
