// SPDX-License-Identifier: Apache-2.0
#include "core/history/track_sampler.hpp"

#include <gtest/gtest.h>

using namespace argus;

namespace {

track_event ev(const std::string& kind, int64_t id) {
  track_event e;
  e.event = kind;
  e.after.id = id;
  return e;
}

} // namespace

TEST(track_sampler, samples_confirmed_tracks_per_interval_and_on_change) {
  track_sampler s{{1000, 0.5, 0.2}};
  tick_track a{1, "drone", 0.8, {0.1, 0.1, 0.1, 0.1}};
  tick_track b{2, "bird", 0.6, {0.5, 0.5, 0.1, 0.1}};
  // Not confirmed yet: nothing.
  EXPECT_TRUE(s.sample({a, b}, 0).empty());
  s.observe({ev("new", 1)});
  auto first = s.sample({a, b}, 100);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, 1);
  // Small moves within the interval: no sample; velocity is still tracked.
  a.bbox.x = 0.11;
  EXPECT_TRUE(s.sample({a}, 200).empty());
  a.bbox.x = 0.12;
  auto due = s.sample({a}, 1100);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_NEAR(due[0].vx, 0.01 / 0.9, 1e-9);
  // A jump (IoU < 0.5) or a confidence change is sampled at once.
  a.bbox.x = 0.3;
  EXPECT_EQ(s.sample({a}, 1200).size(), 1u);
  a.conf = 0.3;
  EXPECT_EQ(s.sample({a}, 1300).size(), 1u);
  s.observe({ev("end", 1)});
  EXPECT_TRUE(s.sample({a}, 5000).empty());
}

TEST(track_sampler, box_iou) {
  EXPECT_DOUBLE_EQ(box_iou({0, 0, 1, 1}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(box_iou({0, 0, 1, 1}, {2, 2, 1, 1}), 0.0);
  EXPECT_NEAR(box_iou({0, 0, 2, 1}, {1, 0, 2, 1}), 1.0 / 3.0, 1e-12);
}
