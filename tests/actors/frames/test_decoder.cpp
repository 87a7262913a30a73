// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.decoder
#include "actors/frames/decoder.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/actors/frames/clip_support.hpp"

#include <algorithm>
#include <turbojpeg.h>

using namespace argus;
using namespace argus::test;

namespace {

/// A CLIP that records the frames its DECODER publishes (FRAME_DONE).
clip_actor::behavior_type
recording_clip(std::shared_ptr<std::vector<encoded_frame>> got) {
  return scripted_clip(
      []() -> caf::result<clip_info> { return clip_info{}; },
      [got](encoded_frame& f) { got->push_back(std::move(f)); });
}

/// Width and height of a JPEG, or {0, 0}.
std::pair<int, int> jpeg_size(const std::string& jpeg) {
  auto* tj = tjInitDecompress();
  int w = 0, h = 0, sub = 0, cs = 0;
  if (tjDecompressHeader3(
          tj, reinterpret_cast<const unsigned char*>(jpeg.data()),
          static_cast<unsigned long>(jpeg.size()), &w, &h, &sub, &cs)
      != 0)
    w = h = 0;
  tjDestroy(tj);
  return {w, h};
}

struct decoder_fixture : fixture {
  clip_index_ptr idx = load_index();
  std::shared_ptr<frame_cache> cache
      = std::make_shared<frame_cache>(16 * 1024 * 1024);
  std::shared_ptr<std::vector<encoded_frame>> published
      = std::make_shared<std::vector<encoded_frame>>();
  clip_actor clip_probe;
  decoder_actor dec;

  decoder_fixture() { clip_probe = sys.spawn(recording_clip, published); }

  ~decoder_fixture() override {
    if (dec)
      caf::anon_send_exit(dec, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(clip_probe, caf::exit_reason::user_shutdown);
    drain();
  }

  // Spawned scheduled, not detached: the test coordinator runs it.
  void start(clip_index_ptr index) {
    decoder_setup ds;
    ds.clip_id = "c1";
    ds.index = std::move(index);
    ds.clip = clip_probe;
    ds.cache = cache;
    dec = sys.spawn(decoder, std::move(ds));
    drain();
  }

  decode_job job_for(int32_t irap, std::vector<int32_t> wanted,
                     int32_t quality = 75) {
    decode_job job;
    job.chunk = chunk_bytes(*idx, static_cast<size_t>(irap));
    job.irap_index = irap;
    job.wanted = std::move(wanted);
    job.quality = quality;
    return job;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(decoder_tests, decoder_fixture)

CAF_TEST(a pass publishes each wanted frame to the clip and the cache) {
  start(idx);
  auto report = call<decode_report>(dec, job_for(0, {0, 1, 2}));
  CAF_REQUIRE(report);
  CAF_CHECK(report->failed.empty());
  CAF_CHECK(report->detail.empty());
  CAF_CHECK_EQUAL(report->irap_index, 0);
  CAF_CHECK_EQUAL(report->quality, 75);
  CAF_CHECK_EQUAL(report->passes_total, 1);
  CAF_CHECK_GREATER_OR_EQUAL(report->encoded_total, 3);
  // FRAME_DONE reached the clip before the report reached us.
  CAF_REQUIRE_GREATER_OR_EQUAL(published->size(), 3u);
  const auto& chunk = idx->iraps[0];
  for (int32_t d = 0; d < 3; ++d) {
    const auto& want = chunk.frames[static_cast<size_t>(d)];
    auto it = std::find_if(
        published->begin(), published->end(),
        [&](const encoded_frame& f) { return f.key.offset == want.offset; });
    CAF_REQUIRE(it != published->end());
    CAF_CHECK_EQUAL(it->clip_id, "c1");
    CAF_CHECK_EQUAL(it->key.irap, chunk.offset);
    CAF_CHECK_EQUAL(it->key.quality, 75);
    CAF_CHECK_EQUAL(it->decode_index, want.decode_index);
    CAF_CHECK_EQUAL(it->display_index, want.display_index);
    CAF_CHECK(jpeg_size(*it->jpeg) == std::make_pair(64, 48));
    auto cached = cache->get("c1", want.offset, 75);
    CAF_CHECK_EQUAL(cached.get(), it->jpeg.get());
  }
}

CAF_TEST(the decoder is reused across passes and keeps running totals) {
  start(idx);
  auto first = call<decode_report>(dec, job_for(1, {0}));
  CAF_REQUIRE(first);
  CAF_CHECK(first->failed.empty());
  auto second = call<decode_report>(dec, job_for(0, {2}, 90));
  CAF_REQUIRE(second);
  CAF_CHECK(second->failed.empty());
  CAF_CHECK_EQUAL(second->passes_total, 2);
  CAF_CHECK_GREATER(second->decoded_total, first->decoded_total);
  auto q90 = cache->get("c1", idx->iraps[0].frames[2].offset, 90);
  CAF_CHECK(is_jpeg(q90));
}

CAF_TEST(a chunk of garbage fails the wanted frames with a reason) {
  start(idx);
  auto job = job_for(0, {0, 1});
  job.chunk = std::make_shared<const std::string>(std::string(3000, '\x17'));
  auto report = call<decode_report>(dec, job);
  CAF_REQUIRE(report);
  CAF_CHECK_EQUAL(report->failed.size(), 2u);
  CAF_CHECK(!report->detail.empty());
  CAF_CHECK(cache->get("c1", idx->iraps[0].frames[0].offset, 75) == nullptr);
}

CAF_TEST_FIXTURE_SCOPE_END()
