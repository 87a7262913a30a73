// SPDX-License-Identifier: Apache-2.0
#include "core/relay/viewer_pacer.hpp"

#include <gtest/gtest.h>

using namespace argus;
using namespace std::chrono_literals;
using pacer = viewer_pacer<int>;

namespace {

/// Frame k of a 10 fps source, with a little timer jitter.
pacer::clock::time_point frame_time(int k) {
  return pacer::clock::time_point{} + 1000s + k * 100ms + (k % 3) * 7ms;
}

} // namespace

TEST(viewer_pacer, viewers_at_one_rate_share_frames_wherever_they_joined) {
  pacer p{10};
  p.add(1, 1, frame_time(3), false);
  p.add(2, 1, frame_time(8), true); // got the latest frame on joining
  std::vector<int> due_frames_1, due_frames_2;
  for (int k = 9; k < 40; ++k)
    for (int id : p.due(frame_time(k)))
      (id == 1 ? due_frames_1 : due_frames_2).push_back(k);
  // Viewer 1 had no frame yet: the next one is due at once; after that
  // both are due on the grid's slot starts (frames 10, 20, 30).
  EXPECT_EQ(due_frames_1, (std::vector<int>{9, 10, 20, 30}));
  EXPECT_EQ(due_frames_2, (std::vector<int>{10, 20, 30}))
      << "one encode serves both";
}

TEST(viewer_pacer, each_rate_gets_its_own_share_of_the_source) {
  pacer p{10};
  p.add(1, 10, frame_time(0), false);
  p.add(2, 2, frame_time(0), false);
  p.add(3, 50, frame_time(0), false); // above the source: every frame
  int got[4] = {0, 0, 0, 0};
  for (int k = 1; k <= 50; ++k)
    for (int id : p.due(frame_time(k)))
      ++got[id];
  EXPECT_EQ(got[1], 50);
  EXPECT_EQ(got[3], 50);
  EXPECT_EQ(got[2], 11) << "the first frame at once, then one per 0.5 s slot";
}

TEST(viewer_pacer, a_gap_is_not_owed_as_a_burst_and_removed_viewers_are_gone) {
  pacer p{10};
  p.add(1, 2, frame_time(0), false);
  p.add(2, 2, frame_time(0), false);
  EXPECT_EQ(p.due(frame_time(1)).size(), 2u);
  // The camera stalls for 3 s: the next frame is one frame, not six.
  EXPECT_EQ(p.due(frame_time(31)).size(), 2u);
  EXPECT_TRUE(p.due(frame_time(32)).empty());
  p.remove_if([](int id) { return id == 1; });
  EXPECT_EQ(p.size(), 1u);
  EXPECT_EQ(p.due(frame_time(40)), std::vector<int>{2});
}
