// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/command_pacer.hpp"

#include <gtest/gtest.h>

using namespace argus;
using kind = ptz_command::kind;

namespace {

ptz_command move(double pan, double tilt = 0, double zoom = 0) {
  ptz_command cmd;
  cmd.what = kind::move;
  cmd.pan = pan;
  cmd.tilt = tilt;
  cmd.zoom = zoom;
  return cmd;
}

ptz_command of(kind what) {
  ptz_command cmd;
  cmd.what = what;
  return cmd;
}

} // namespace

TEST(command_pacer, moves_are_rate_limited_and_the_latest_wins) {
  command_pacer p{{100, 2000, 0.01}};
  ASSERT_TRUE(p.offer(move(0.2), 0));
  EXPECT_FALSE(p.offer(move(0.3), 40));
  EXPECT_FALSE(p.offer(move(0.4), 80));
  auto sent = p.offer(move(0.5), 120);
  ASSERT_TRUE(sent);
  EXPECT_DOUBLE_EQ(sent->pan, 0.5);
}

TEST(command_pacer, unchanged_moves_are_not_resent_until_the_timeout_half) {
  command_pacer p{{100, 2000, 0.01}};
  ASSERT_TRUE(p.offer(move(0.5, 0.1), 0));
  for (int64_t t = 100; t < 1000; t += 100)
    EXPECT_FALSE(p.offer(move(0.505, 0.1), t)) << t;
  auto again = p.offer(move(0.505, 0.1), 1000);
  ASSERT_TRUE(again);
  EXPECT_DOUBLE_EQ(again->pan, 0.5); // the move the device runs
  // With no new command at all, the running move is still kept alive.
  EXPECT_FALSE(p.offer(of(kind::none), 1500));
  EXPECT_TRUE(p.offer(of(kind::none), 2000));
}

TEST(command_pacer, stops_and_home_go_out_at_once) {
  command_pacer p{{100, 2000, 0.01}};
  ASSERT_TRUE(p.offer(move(0.5), 0));
  auto stop = p.offer(of(kind::stop), 10);
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->what, kind::stop);
  EXPECT_FALSE(p.moving());
  EXPECT_TRUE(p.offer(of(kind::home), 20));
  // Nothing runs after a stop or home: no keep-alive.
  EXPECT_FALSE(p.offer(of(kind::none), 5000));
}

TEST(command_pacer, a_zero_move_is_not_kept_alive) {
  command_pacer p{{100, 2000, 0.01}};
  ASSERT_TRUE(p.offer(move(0.5), 0));
  ASSERT_TRUE(p.offer(move(0), 200));
  EXPECT_FALSE(p.moving());
  EXPECT_FALSE(p.offer(of(kind::none), 5000));
}

TEST(command_pacer, first_move_needs_a_change_from_rest) {
  command_pacer p{{100, 2000, 0.01}};
  EXPECT_FALSE(p.offer(move(0.005), 0));
  EXPECT_TRUE(p.offer(move(0.02), 10));
}
