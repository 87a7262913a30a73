// SPDX-License-Identifier: Apache-2.0
// The frame server's scheduling decisions, on synthetic indexes: which pass
// a clip's decoder runs next (LIFO groups, sequential detection, read-ahead)
// and which client requests are served or superseded.
#include "core/frames/clip_scheduler.hpp"
#include "core/frames/frame_requests.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <tuple>

using namespace argus;

namespace {

/// `chunks` chunks of `gop` frames with one B-frame pattern: decode order
/// I P B P B ..., display order I B P B P ... (like x265 with B-frames).
clip_index_ptr synthetic_index(int chunks, int gop) {
  auto idx = std::make_shared<clip_index>();
  int64_t offset = 0;
  for (int c = 0; c < chunks; ++c) {
    irap_entry e;
    e.offset = offset;
    for (int d = 0; d < gop; ++d) {
      frame_entry f;
      f.offset = offset;
      f.decode_index = d;
      // d=0 -> 0; odd d (P) -> d+1; even d>0 (B) -> d-1
      int local = d == 0 ? 0 : (d % 2 ? d + 1 : d - 1);
      f.display_index = c * gop + std::min(local, gop - 1);
      e.frames.push_back(f);
      offset += 100;
    }
    e.end = offset;
    idx->iraps.push_back(e);
  }
  idx->frame_count = chunks * gop;
  return idx;
}

bytes_ptr some_bytes() {
  return std::make_shared<const std::string>("x");
}

/// Like synthetic_index, with open GOPs: decode indices 1 and 2 of every
/// chunk but the first are RASL pictures (display before their CRA).
clip_index_ptr open_gop_index(int chunks, int gop) {
  auto idx = std::const_pointer_cast<clip_index>(synthetic_index(chunks, gop));
  for (int c = 1; c < chunks; ++c)
    for (size_t d : {1, 2})
      idx->iraps[static_cast<size_t>(c)].frames[d].from_previous_chunk = true;
  return idx;
}

using lost = std::tuple<int32_t, int32_t, int32_t>;

std::vector<lost> sorted(const std::vector<clip_scheduler::lost_frame>& v) {
  std::vector<lost> out;
  for (auto& x : v)
    out.emplace_back(x.irap, x.decode_index, x.quality);
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST(clip_scheduler, loads_a_missing_chunk_once_then_decodes_it) {
  clip_scheduler s{synthetic_index(3, 8), 4};
  s.want(1, 3, 90);
  auto first = s.next(true);
  EXPECT_FALSE(first.job);
  ASSERT_EQ(first.loads, std::vector<int32_t>{1});
  EXPECT_TRUE(s.next(true).loads.empty()) << "asked for twice";
  s.chunk_loaded(1, some_bytes());
  auto step = s.next(true);
  ASSERT_TRUE(step.job);
  EXPECT_EQ(step.job->irap_index, 1);
  EXPECT_EQ(step.job->wanted, std::vector<int32_t>{3});
  EXPECT_FALSE(step.job->encode_all) << "a first request is random access";
}

TEST(clip_scheduler, serves_the_newest_group_first_and_waits_while_busy) {
  clip_scheduler s{synthetic_index(3, 8), 4};
  for (int c = 0; c < 3; ++c)
    s.chunk_loaded(c, some_bytes());
  s.want(0, 2, 90);
  s.want(2, 5, 90);
  s.want(0, 4, 90); // re-asking moves chunk 0 to the top again
  EXPECT_FALSE(s.next(false).job);
  auto a = s.next(true);
  ASSERT_TRUE(a.job);
  EXPECT_EQ(a.job->irap_index, 0);
  EXPECT_EQ(a.job->wanted, (std::vector<int32_t>{2, 4}));
  auto b = s.next(true);
  ASSERT_TRUE(b.job);
  EXPECT_EQ(b.job->irap_index, 2);
  EXPECT_FALSE(s.next(true).job);
}

TEST(clip_scheduler, a_player_stepping_on_keeps_one_pass_open_across_chunks) {
  clip_scheduler s{synthetic_index(3, 8), 4, 12};
  for (int c = 0; c < 3; ++c)
    s.chunk_loaded(c, some_bytes());
  s.want(0, 0, 90); // display 0
  s.viewed(0, 0, 90);
  auto first = s.next(true);
  ASSERT_TRUE(first.job);
  EXPECT_FALSE(first.job->encode_all);
  EXPECT_FALSE(s.next(true).job) << "no decode-ahead after a random pass";
  s.want(0, 2, 90); // display 1: right after the last pass
  s.viewed(0, 2, 90);
  auto seq = s.next(true);
  ASSERT_TRUE(seq.job);
  EXPECT_TRUE(seq.job->encode_all);
  EXPECT_EQ(seq.job->wanted, std::vector<int32_t>{2});
  // Idle decoder: decode-ahead slices continue the pass into chunk 1.
  auto a1 = s.next(true);
  ASSERT_TRUE(a1.job && a1.job->encode_all);
  EXPECT_EQ(a1.job->irap_index, 0);
  EXPECT_EQ(a1.job->wanted, (std::vector<int32_t>{3, 4, 5, 6}));
  auto a2 = s.next(true);
  ASSERT_TRUE(a2.job);
  EXPECT_EQ(a2.job->wanted, std::vector<int32_t>{7});
  auto a3 = s.next(true);
  ASSERT_TRUE(a3.job);
  EXPECT_EQ(a3.job->irap_index, 1);
  EXPECT_EQ(a3.job->wanted, (std::vector<int32_t>{0, 1, 2, 3}));
  // 6 frames of chunk 0 plus 4 of chunk 1 ahead of the player; 12 max.
  auto a4 = s.next(true);
  ASSERT_TRUE(a4.job);
  EXPECT_EQ(a4.job->wanted, (std::vector<int32_t>{4, 5, 6, 7}));
  EXPECT_FALSE(s.next(true).job) << "stops decode_ahead frames ahead";
  s.viewed(1, 0, 90); // the player caught up (cache hits)
  auto a5 = s.next(true);
  ASSERT_TRUE(a5.job);
  EXPECT_EQ(a5.job->irap_index, 2);
  // The player overtakes the pass: its frame continues the open pass.
  s.want(2, 6, 90);
  auto cont = s.next(true);
  ASSERT_TRUE(cont.job);
  EXPECT_TRUE(cont.job->encode_all);
  EXPECT_EQ(cont.job->wanted, std::vector<int32_t>{6});
  // A jump back is random access and ends the open pass.
  s.want(0, 5, 90);
  auto jump = s.next(true);
  ASSERT_TRUE(jump.job);
  EXPECT_FALSE(jump.job->encode_all);
  EXPECT_FALSE(s.next(true).job);
}

TEST(clip_scheduler, a_frame_a_pass_already_produced_needs_no_new_pass) {
  clip_scheduler s{synthetic_index(2, 8), 4, 0}; // no decode-ahead
  s.chunk_loaded(0, some_bytes());
  s.want(0, 0, 90);
  ASSERT_TRUE(s.next(true).job);
  s.want(0, 2, 90);
  ASSERT_TRUE(s.next(true).job); // sequential: encodes the whole chunk
  // The player asks for the next frames while that pass produces them.
  s.want(0, 1, 90);
  s.want(0, 4, 90);
  s.produced(0, 1, 90);
  s.produced(0, 4, 90);
  s.produced(0, 4, 75); // another quality: not what was asked for
  EXPECT_FALSE(s.next(true).job) << "would decode the chunk a second time";
  s.want(0, 3, 90);
  s.produced(0, 4, 90); // produced again: no effect on others
  auto step = s.next(true);
  ASSERT_TRUE(step.job);
  EXPECT_EQ(step.job->wanted, std::vector<int32_t>{3});
}

TEST(clip_scheduler, a_whole_chunk_request_is_one_sequential_pass) {
  clip_scheduler s{synthetic_index(2, 8), 4, 32};
  s.chunk_loaded(0, some_bytes());
  s.play(0, 75);
  // Frames asked a few at a time (the client's in-flight cap) continue the
  // one pass instead of each group starting a random pass at the IRAP.
  s.want(0, 0, 75);
  s.want(0, 1, 75);
  auto first = s.next(true);
  ASSERT_TRUE(first.job);
  EXPECT_TRUE(first.job->encode_all);
  EXPECT_EQ(first.job->wanted, (std::vector<int32_t>{0, 1}));
  s.want(0, 2, 75);
  s.want(0, 3, 75);
  auto second = s.next(true);
  ASSERT_TRUE(second.job);
  EXPECT_TRUE(second.job->encode_all) << "continues the pass";
  // Idle with nothing asked: the rest is decoded ahead.
  auto ahead = s.next(true);
  ASSERT_TRUE(ahead.job);
  EXPECT_EQ(ahead.job->wanted, (std::vector<int32_t>{4, 5, 6, 7}));
}

TEST(clip_scheduler, a_sequential_pass_reads_the_next_chunk_ahead) {
  clip_scheduler s{synthetic_index(3, 8), 4};
  s.chunk_loaded(0, some_bytes());
  s.want(0, 0, 90);
  ASSERT_TRUE(s.next(true).job);
  s.want(0, 2, 90);
  auto step = s.next(true);
  ASSERT_TRUE(step.job && step.job->encode_all);
  EXPECT_EQ(step.loads, std::vector<int32_t>{1});
  EXPECT_FALSE(s.start_load(1)) << "already loading";
  EXPECT_TRUE(s.start_load(2));
}

TEST(clip_scheduler, a_failed_load_returns_its_waiters_and_keeps_others) {
  clip_scheduler s{synthetic_index(3, 8), 4};
  s.chunk_loaded(0, some_bytes());
  s.want(1, 3, 90);
  s.want(1, 4, 75);
  s.want(0, 1, 90);
  auto step = s.next(false);
  ASSERT_EQ(step.loads, std::vector<int32_t>{1});
  EXPECT_EQ(sorted(s.chunk_failed(1)),
            (std::vector<lost>{{1, 3, 90}, {1, 4, 75}}));
  auto left = s.next(true);
  ASSERT_TRUE(left.job);
  EXPECT_EQ(left.job->irap_index, 0);
  EXPECT_TRUE(left.loads.empty()) << "nothing waits for chunk 1 any more";
}

TEST(clip_scheduler, a_rasl_frame_waits_for_the_previous_chunk_too) {
  clip_scheduler s{open_gop_index(3, 8), 4};
  s.chunk_loaded(1, some_bytes());
  s.want(1, 2, 90); // RASL: decodes from chunk 0's IRAP
  auto first = s.next(true);
  EXPECT_FALSE(first.job) << "chunk 0's bytes are not loaded yet";
  EXPECT_EQ(first.loads, std::vector<int32_t>{0});
  s.chunk_loaded(0, some_bytes());
  auto step = s.next(true);
  ASSERT_TRUE(step.job);
  EXPECT_EQ(step.job->irap_index, 1);
  EXPECT_EQ(step.job->wanted, std::vector<int32_t>{2});
  EXPECT_TRUE(step.job->chunk);
  EXPECT_TRUE(step.job->previous) << "the pass starts at chunk 0";
  // A random pass for a frame of the CRA's own GOP needs no previous chunk.
  s.want(1, 7, 90);
  auto own = s.next(true);
  ASSERT_TRUE(own.job);
  EXPECT_FALSE(own.job->encode_all);
  EXPECT_FALSE(own.job->previous);
}

TEST(clip_scheduler, a_failed_load_fails_the_next_chunks_rasl_frames) {
  clip_scheduler s{open_gop_index(3, 8), 4};
  s.chunk_loaded(1, some_bytes());
  s.want(1, 1, 90); // RASL of chunk 1
  s.want(1, 5, 90); // a trailing picture of chunk 1
  s.want(0, 3, 75);
  EXPECT_EQ(s.next(false).loads, std::vector<int32_t>{0});
  EXPECT_EQ(sorted(s.chunk_failed(0)),
            (std::vector<lost>{{0, 3, 75}, {1, 1, 90}}));
  auto left = s.next(true);
  ASSERT_TRUE(left.job);
  EXPECT_EQ(left.job->irap_index, 1);
  EXPECT_EQ(left.job->wanted, std::vector<int32_t>{5});
}

TEST(clip_scheduler, a_sequential_pass_gets_the_next_chunk_to_run_into) {
  clip_scheduler s{open_gop_index(3, 8), 4, 32};
  s.chunk_loaded(0, some_bytes());
  s.want(0, 0, 90);
  ASSERT_TRUE(s.next(true).job);
  s.want(0, 2, 90);
  auto seq = s.next(true);
  ASSERT_TRUE(seq.job && seq.job->encode_all);
  EXPECT_FALSE(seq.job->following) << "chunk 1 is still loading";
  EXPECT_EQ(seq.loads, std::vector<int32_t>{1});
  s.chunk_loaded(1, some_bytes());
  auto ahead = s.next(true);
  ASSERT_TRUE(ahead.job);
  EXPECT_EQ(ahead.job->irap_index, 0);
  EXPECT_TRUE(ahead.job->following)
      << "the pass runs on through chunk 1's CRA to its RASL pictures";
  EXPECT_EQ(ahead.loads, std::vector<int32_t>{}) << "chunk 1 is here";
  s.next(true); // the rest of chunk 0
  auto into = s.next(true);
  ASSERT_TRUE(into.job);
  EXPECT_EQ(into.job->irap_index, 1);
  EXPECT_EQ(into.job->wanted, (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_TRUE(into.job->previous) << "RASL pictures 1 and 2";
  EXPECT_EQ(into.loads, std::vector<int32_t>{2}) << "read ahead";
}

TEST(clip_scheduler, keeps_at_most_max_chunks_buffers) {
  clip_scheduler s{synthetic_index(4, 4), 2};
  for (int c = 0; c < 3; ++c)
    s.chunk_loaded(c, some_bytes());
  EXPECT_FALSE(s.chunk(0)) << "the oldest buffer is evicted";
  EXPECT_TRUE(s.chunk(1));
  EXPECT_TRUE(s.chunk(2));
}

namespace {

frame_request request(const std::string& id, int frames) {
  frame_request r;
  r.request_id = id;
  r.clip_id = "c";
  for (int i = 0; i < frames; ++i)
    r.keys.push_back(frame_key{0, i * 100, 90});
  return r;
}

} // namespace

TEST(frame_request_stack, serves_the_newest_request_first) {
  frame_request_stack st{4};
  st.push(request("old", 2));
  st.push(request("new", 2));
  auto a = st.take();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->first, "new");
  EXPECT_EQ(a->second.offset, 0);
  EXPECT_EQ(st.take()->first, "new");
  EXPECT_EQ(st.take()->first, "old");
  EXPECT_FALSE(st.answered("new", true));
  auto done = st.answered("new", false);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->sent, 1);
  EXPECT_EQ(done->failed, 1);
  EXPECT_EQ(st.clip_of("new"), "");
  EXPECT_EQ(st.clip_of("old"), "c");
}

TEST(frame_request_stack, a_full_stack_drops_the_oldest_unissued_request) {
  frame_request_stack st{2};
  EXPECT_TRUE(st.push(request("a", 3)).empty());
  EXPECT_TRUE(st.push(request("b", 3)).empty());
  auto dropped = st.push(request("c", 3));
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].request_id, "a");
  EXPECT_EQ(dropped[0].keys.size() - dropped[0].next, 3u)
      << "none of its frames was asked for";
  EXPECT_EQ(st.clip_of("a"), "");
}
