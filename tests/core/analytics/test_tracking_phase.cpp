// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/tracking_phase.hpp"

#include <gtest/gtest.h>

using namespace argus;
using phase = tracking_phase::phase;

TEST(tracking_phase, starts_idle_without_target) {
  tracking_phase p;
  EXPECT_EQ(p.current(), phase::idle);
  EXPECT_EQ(p.target(), none_id);
  EXPECT_STREQ(p.name(), "idle");
  p.observe(true, true); // nothing selected: nothing changes
  EXPECT_EQ(p.current(), phase::idle);
}

TEST(tracking_phase, visible_target_is_tracked_then_lost_then_reacquired) {
  tracking_phase p;
  p.select(17, true);
  EXPECT_EQ(p.current(), phase::tracking);
  EXPECT_EQ(p.target(), 17);
  p.observe(false, true);
  EXPECT_STREQ(p.name(), "lost");
  p.observe(false, true);
  EXPECT_STREQ(p.name(), "lost");
  p.observe(true, true);
  EXPECT_STREQ(p.name(), "tracking");
}

TEST(tracking_phase, invisible_target_is_searched_for) {
  tracking_phase p;
  p.select(3, false);
  EXPECT_STREQ(p.name(), "searching");
  p.observe(false, true);
  EXPECT_STREQ(p.name(), "searching");
  p.observe(true, true);
  EXPECT_STREQ(p.name(), "tracking");
}

TEST(tracking_phase, ended_track_turns_lost_into_searching) {
  tracking_phase p;
  p.select(5, true);
  p.observe(false, true);
  ASSERT_STREQ(p.name(), "lost");
  p.observe(false, false);
  EXPECT_STREQ(p.name(), "searching");
  tracking_phase q;
  q.select(6, true);
  q.observe(false, false); // vanished and ended in one step
  EXPECT_STREQ(q.name(), "searching");
}

TEST(tracking_phase, clear_returns_to_idle_from_any_state) {
  for (bool visible : {true, false}) {
    tracking_phase p;
    p.select(9, visible);
    p.observe(false, true);
    p.clear();
    EXPECT_EQ(p.current(), phase::idle);
    EXPECT_EQ(p.target(), none_id);
  }
}
