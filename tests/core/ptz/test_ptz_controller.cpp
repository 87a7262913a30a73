// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/ptz_controller.hpp"

#include <gtest/gtest.h>

using namespace argus;
using kind = ptz_command::kind;

namespace {

ptz_config sim_config() {
  ptz_config cfg;
  cfg.backend = ptz_backend::sim;
  cfg.min_interval_ms = 200;
  cfg.move_timeout_ms = 1000;
  return cfg;
}

ptz_observation seen_at(int64_t ms, double cx, double cy) {
  ptz_observation obs;
  obs.ts_mono_ms = ms;
  obs.phase = static_cast<int32_t>(tracking_phase::phase::tracking);
  obs.seen = true;
  obs.cx = cx;
  obs.cy = cy;
  obs.w = obs.h = 0.25;
  return obs;
}

} // namespace

TEST(ptz_controller, commands_carry_the_move_timeout_and_are_paced) {
  ptz_controller c{"cam", sim_config()};
  EXPECT_FALSE(c.observe(seen_at(0, 0.9, 0.5))); // no interval yet: at rest
  auto first = c.observe(seen_at(100, 0.9, 0.5));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->what, kind::move);
  EXPECT_EQ(first->timeout_ms, 1000);
  // 100 ms later is inside min_interval_ms: held back.
  EXPECT_FALSE(c.observe(seen_at(200, 0.9, 0.5)));
  EXPECT_TRUE(c.observe(seen_at(300, 0.9, 0.5)));
  EXPECT_EQ(c.status().commands_sent, 2);
}

TEST(ptz_controller, telemetry_is_the_last_commanded_velocity) {
  ptz_controller c{"cam", sim_config()};
  EXPECT_EQ(c.telemetry().control_mode, "sim");
  EXPECT_FALSE(c.telemetry().active);
  c.observe(seen_at(0, 0.5, 0.9));
  auto cmd = c.observe(seen_at(100, 0.5, 0.9));
  ASSERT_TRUE(cmd);
  auto t = c.telemetry();
  EXPECT_TRUE(t.active);
  EXPECT_EQ(t.tilt, cmd->tilt);
  EXPECT_LT(t.tilt, 0);
}

TEST(ptz_controller, the_zoom_of_the_frame_sets_the_magnification) {
  auto cfg = sim_config();
  cfg.autotrack.max_magnification = 10;
  cfg.autotrack.pan.max_slew_per_s = 1e9;
  ptz_controller wide{"cam", cfg}, tele{"cam", cfg};
  auto at = [](int64_t ms, double zoom) {
    auto obs = seen_at(ms, 0.6, 0.5); // 0.1 off centre: not saturated
    obs.zoom = zoom;
    return obs;
  };
  wide.observe(at(0, 0));
  tele.observe(at(0, 1));
  auto w = wide.observe(at(100, 0));
  auto t = tele.observe(at(100, 1));
  ASSERT_TRUE(w && t);
  EXPECT_NEAR(t->pan, w->pan / 10, 1e-9);
}

TEST(ptz_controller, device_answers_and_failures_show_in_the_status) {
  ptz_controller c{"cam", sim_config()};
  auto st = c.status();
  EXPECT_EQ(st.camera_id, "cam");
  EXPECT_EQ(st.backend, "sim");
  EXPECT_FALSE(st.connected);
  EXPECT_FALSE(st.position.known);
  c.answered({true, 0.5, 0.25, 0.1, true});
  EXPECT_TRUE(c.status().connected);
  EXPECT_EQ(c.status().position.pan, 0.5);
  c.failed("timeout");
  EXPECT_FALSE(c.status().connected);
  EXPECT_EQ(c.status().command_errors, 1);
  EXPECT_EQ(c.status().last_error, "timeout");
  // A position query nobody answered: disconnected, said why, no command
  // error counted.
  c.answered({true, 0.5, 0.25, 0.1, false});
  c.unanswered("no answer from the device");
  EXPECT_FALSE(c.status().connected);
  EXPECT_EQ(c.status().command_errors, 1);
  EXPECT_EQ(c.status().last_error, "no answer from the device");
  // A refusal is an answer: connected, the command's error counted.
  c.refused("ContinuousMove: ter:InvalidArgVal");
  EXPECT_TRUE(c.status().connected);
  EXPECT_EQ(c.status().command_errors, 2);
  EXPECT_EQ(c.status().last_error, "ContinuousMove: ter:InvalidArgVal");
  c.unanswered("GetStatus: ter:ActionFailed", true);
  EXPECT_TRUE(c.status().connected);
  EXPECT_EQ(c.status().command_errors, 2);
}

TEST(ptz_controller, operator_requests_bypass_the_rate_limit) {
  ptz_controller c{"cam", sim_config()};
  c.observe(seen_at(0, 0.9, 0.5));
  ASSERT_TRUE(c.observe(seen_at(100, 0.9, 0.5)));
  auto stop = c.set_enabled(false, 110);
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->what, kind::stop);
  EXPECT_FALSE(c.status().autotrack_enabled);
  EXPECT_EQ(c.status().autotrack, autotrack_state::disabled);
  auto home = c.go_home(120);
  ASSERT_TRUE(home);
  EXPECT_EQ(home->what, kind::home);
}

TEST(ptz_controller, command_rate_is_counted_over_its_last_ten_seconds) {
  ptz_controller c{"cam", sim_config()};
  EXPECT_EQ(c.status(0).commands_per_s, 0);
  c.observe(seen_at(0, 0.9, 0.5));
  ASSERT_TRUE(c.observe(seen_at(100, 0.9, 0.5)));
  ASSERT_TRUE(c.observe(seen_at(300, 0.9, 0.5)));
  EXPECT_EQ(c.status().commands_sent, 2);
  // Two commands in the window: 0.2 per second, whoever asks and however
  // often.
  EXPECT_DOUBLE_EQ(c.status(1000).commands_per_s, 0.2);
  EXPECT_DOUBLE_EQ(c.status(1000).commands_per_s, 0.2);
  // The first leaves the window 10 s after it was sent, then the second.
  EXPECT_DOUBLE_EQ(c.status(10'100).commands_per_s, 0.1);
  EXPECT_DOUBLE_EQ(c.status(10'300).commands_per_s, 0);
  EXPECT_EQ(c.status(10'300).commands_sent, 2);
}
