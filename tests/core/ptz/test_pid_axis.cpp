// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/pid_axis.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace argus;

namespace {

pid_gains unlimited_slew(pid_gains g = {}) {
  g.max_slew_per_s = 1e9;
  return g;
}

} // namespace

TEST(pid_axis, inside_the_dead_band_it_commands_nothing) {
  pid_axis axis{unlimited_slew()};
  EXPECT_EQ(axis.update(0.02, 0.1), 0.0);
  EXPECT_EQ(axis.update(-0.029, 0.1), 0.0);
  EXPECT_EQ(axis.integral(), 0.0);
}

TEST(pid_axis, first_sample_has_no_derivative_kick) {
  pid_gains g = unlimited_slew();
  g.ki = 0;
  pid_axis axis{g};
  // Only P on the first sample, even with a tiny dt that would make a
  // derivative on the error saturate.
  EXPECT_DOUBLE_EQ(axis.update(0.1, 0.001), g.kp * 0.1);
  axis.reset();
  EXPECT_DOUBLE_EQ(axis.update(-0.1, 0.001), -g.kp * 0.1);
}

TEST(pid_axis, derivative_acts_on_the_measurement) {
  pid_gains g = unlimited_slew();
  g.ki = 0;
  pid_axis axis{g};
  axis.update(0.3, 0.1);
  // Target moving towards the centre: the D term brakes.
  double out = axis.update(0.2, 0.1);
  EXPECT_NEAR(out, g.kp * 0.2 + g.kd * (0.2 - 0.3) / 0.1, 1e-12);
  EXPECT_LT(out, g.kp * 0.2);
}

TEST(pid_axis, integral_stops_growing_while_saturated) {
  pid_gains g = unlimited_slew();
  g.kp = 10; // saturates at any offset above 0.1
  g.integral_limit = 1.0;
  pid_axis axis{g};
  for (int i = 0; i < 100; ++i)
    EXPECT_DOUBLE_EQ(axis.update(0.4, 0.1), g.max_output);
  EXPECT_EQ(axis.integral(), 0.0);
}

TEST(pid_axis, integral_is_bounded) {
  pid_gains g = unlimited_slew();
  g.kp = 0.1;
  g.kd = 0;
  g.ki = 5;
  g.integral_limit = 0.25;
  pid_axis axis{g};
  for (int i = 0; i < 100; ++i)
    axis.update(0.1, 0.1);
  EXPECT_DOUBLE_EQ(axis.integral(), 0.25);
  EXPECT_NEAR(axis.output(), 0.1 * 0.1 + 0.25, 1e-12);
}

TEST(pid_axis, output_slews_at_the_configured_rate_both_ways) {
  pid_gains g;
  g.kp = 10;
  g.max_slew_per_s = 2.0;
  pid_axis axis{g};
  EXPECT_NEAR(axis.update(0.4, 0.1), 0.2, 1e-12);
  EXPECT_NEAR(axis.update(0.4, 0.1), 0.4, 1e-12);
  // Lost: coasting down at the same rate, not a jump to zero.
  EXPECT_NEAR(axis.coast(0.1), 0.2, 1e-12);
  EXPECT_NEAR(axis.coast(0.1), 0.0, 1e-12);
  EXPECT_EQ(axis.coast(0.1), 0.0);
}

TEST(pid_axis, gain_scale_slows_a_zoomed_in_camera) {
  pid_gains g = unlimited_slew();
  g.ki = 0;
  pid_axis wide{g}, tele{g};
  double w = wide.update(0.1, 0.1, 1.0);
  double t = tele.update(0.1, 0.1, 0.1);
  ASSERT_LT(w, g.max_output); // not saturated, or the ratio means nothing
  EXPECT_NEAR(t, w * 0.1, 1e-12);
}

TEST(pid_axis, bad_time_and_bad_input_cannot_blow_it_up) {
  pid_axis axis{pid_gains{}};
  axis.update(0.3, 0.1);
  double before = axis.output();
  // A negative or zero dt moves nothing; NaN coasts.
  EXPECT_EQ(axis.update(0.3, -5), before);
  EXPECT_EQ(axis.update(0.3, 0), before);
  double after_nan = axis.update(std::nan(""), 0.1);
  EXPECT_TRUE(std::isfinite(after_nan));
  EXPECT_LE(std::abs(after_nan), std::abs(before));
  // A stall of an hour is one second at most.
  axis.update(0.3, 3600);
  EXPECT_LE(std::abs(axis.integral()), axis.gains().integral_limit);
}

TEST(pid_axis, closes_the_loop_on_a_simple_plant) {
  // Plant: the offset moves against the command at 0.5 frame widths per
  // second at full speed. Converges into the dead band without overshoot
  // beyond it.
  pid_axis axis{pid_gains{}};
  double offset = 0.4, worst_overshoot = 0;
  for (int i = 0; i < 100; ++i) {
    double v = axis.update(offset, 0.05);
    offset -= v * 0.5 * 0.05;
    worst_overshoot = std::min(worst_overshoot, offset);
  }
  EXPECT_LT(std::abs(offset), axis.gains().dead_band);
  EXPECT_GT(worst_overshoot, -axis.gains().dead_band);
}
