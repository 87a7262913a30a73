// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/autotrack.hpp"

#include <gtest/gtest.h>

using namespace argus;
using phase = tracking_phase::phase;
using kind = ptz_command::kind;

namespace {

autotrack_settings fast_settings() {
  autotrack_settings s;
  s.pan.max_slew_per_s = 1e9;
  s.tilt.max_slew_per_s = 1e9;
  s.pan.ki = s.tilt.ki = 0;
  return s;
}

autotrack_input seen(int64_t ms, double cx, double cy, double size = 0.25) {
  autotrack_input in;
  in.now_ms = ms;
  in.phase = phase::tracking;
  in.target = target_view{cx, cy, size, size};
  return in;
}

autotrack_input missing(int64_t ms, phase p) {
  autotrack_input in;
  in.now_ms = ms;
  in.phase = p;
  return in;
}

} // namespace

TEST(autotrack, first_frame_has_no_interval_so_nothing_moves_yet) {
  autotracker at{autotrack_settings{}};
  auto cmd = at.step(seen(0, 0.8, 0.7));
  EXPECT_EQ(cmd.what, kind::move);
  EXPECT_EQ(cmd.pan, 0);
  EXPECT_EQ(at.state(), autotrack_state::following);
  EXPECT_GT(at.step(seen(100, 0.8, 0.7)).pan, 0);
}

TEST(autotrack, steers_towards_the_target_with_device_signs) {
  autotracker at{fast_settings()};
  at.step(seen(0, 0.8, 0.7));
  auto cmd = at.step(seen(100, 0.8, 0.7));
  EXPECT_EQ(cmd.what, kind::move);
  EXPECT_GT(cmd.pan, 0);  // right of centre: pan right
  EXPECT_LT(cmd.tilt, 0); // below centre: tilt down
  EXPECT_EQ(cmd.reason, ptz_reason::autotrack);
  EXPECT_EQ(at.state(), autotrack_state::following);

  auto inverted = fast_settings();
  inverted.invert_pan = inverted.invert_tilt = true;
  autotracker flipped{inverted};
  flipped.step(seen(0, 0.8, 0.7));
  auto f = flipped.step(seen(100, 0.8, 0.7));
  EXPECT_DOUBLE_EQ(f.pan, -cmd.pan);
  EXPECT_DOUBLE_EQ(f.tilt, -cmd.tilt);
}

TEST(autotrack, starts_only_inside_a_required_zone_then_follows_anywhere) {
  auto s = fast_settings();
  s.required_zones = {{"left", {{0, 0}, {0.5, 0}, {0.5, 1}, {0, 1}}}};
  autotracker at{s};
  EXPECT_EQ(at.step(seen(0, 0.8, 0.5)).what, kind::none);
  EXPECT_EQ(at.state(), autotrack_state::waiting_for_zone);
  EXPECT_EQ(at.step(seen(100, 0.4, 0.5)).what, kind::move);
  EXPECT_EQ(at.state(), autotrack_state::following);
  auto out = at.step(seen(200, 0.9, 0.5));
  EXPECT_EQ(out.what, kind::move);
  EXPECT_GT(out.pan, 0);
}

TEST(autotrack, a_missed_target_slews_down_then_stops_once_and_holds) {
  autotrack_settings s; // default slew: 3 per second
  autotracker at{s};
  at.step(seen(0, 0.5, 0.5));
  for (int64_t t = 100; t <= 1000; t += 100)
    at.step(seen(t, 0.9, 0.5));
  double moving = at.step(seen(1100, 0.9, 0.5)).pan;
  ASSERT_GT(moving, 0.3);
  std::vector<ptz_command> out;
  for (int64_t t = 1200; t <= 2500; t += 100)
    out.push_back(at.step(missing(t, phase::lost)));
  EXPECT_EQ(at.state(), autotrack_state::holding);
  // Decreasing moves, one stop, then nothing.
  size_t i = 0;
  double last = moving;
  for (; i < out.size() && out[i].what == kind::move; ++i) {
    EXPECT_LT(out[i].pan, last);
    last = out[i].pan;
  }
  ASSERT_LT(i, out.size());
  EXPECT_EQ(out[i].what, kind::stop);
  for (++i; i < out.size(); ++i)
    EXPECT_EQ(out[i].what, kind::none);
}

TEST(autotrack, a_gone_track_zooms_out_then_returns_home_never_stopping_it) {
  auto s = fast_settings();
  s.zoom_out_ms = 1000;
  s.return_after_ms = 3000;
  autotracker at{s};
  auto in = seen(0, 0.5, 0.5, 0.05);
  in.zoom_position = 0.6;
  at.step(in);
  std::vector<ptz_command> out;
  std::vector<autotrack_state> states;
  for (int64_t t = 100; t <= 5000; t += 100) {
    // The session's phase once the target's track has ended.
    out.push_back(at.step(missing(t, phase::searching)));
    states.push_back(at.state());
  }
  // 100..1000 ms: zooming out at the configured speed.
  EXPECT_EQ(states.front(), autotrack_state::zooming_out);
  EXPECT_EQ(out.front().what, kind::move);
  EXPECT_DOUBLE_EQ(out.front().zoom, -s.zoom_out_speed);
  EXPECT_EQ(out.front().reason, ptz_reason::lost);
  // Missing since the first lost frame (100 ms, index 0): from 1000 ms
  // later (index 10) stopped and waiting.
  EXPECT_EQ(out[9].what, kind::move);
  EXPECT_EQ(out[10].what, kind::stop);
  EXPECT_EQ(states[10], autotrack_state::lost);
  EXPECT_EQ(out[11].what, kind::none);
  // 3000 ms after the first lost frame (index 30): home, once, and nothing
  // after it.
  EXPECT_EQ(out[29].what, kind::none);
  EXPECT_EQ(out[30].what, kind::home);
  EXPECT_EQ(out[30].reason, ptz_reason::ret);
  for (size_t i = 31; i < out.size(); ++i)
    EXPECT_EQ(out[i].what, kind::none) << i;
  EXPECT_EQ(states.back(), autotrack_state::returning);
}

TEST(autotrack, clearing_an_engaged_target_goes_to_the_preset_once) {
  auto s = fast_settings();
  s.return_preset = "gate";
  autotracker at{s};
  at.step(seen(0, 0.9, 0.5));
  at.step(seen(100, 0.9, 0.5));
  auto cmd = at.step(missing(200, phase::idle));
  EXPECT_EQ(cmd.what, kind::preset);
  EXPECT_EQ(cmd.preset, "gate");
  EXPECT_EQ(cmd.reason, ptz_reason::operator_request);
  // A home/preset move is not followed by a stop.
  EXPECT_EQ(at.step(missing(300, phase::idle)).what, kind::none);
  EXPECT_EQ(at.state(), autotrack_state::idle);
}

TEST(autotrack, zoom_aims_at_the_coverage_and_is_held_not_pulsed) {
  auto s = fast_settings();
  s.target_coverage = 0.3;
  autotracker at{s};
  // Small and centred: zoom in, frame after frame.
  EXPECT_GT(at.step(seen(0, 0.5, 0.5, 0.05)).zoom, 0);
  EXPECT_GT(at.step(seen(50, 0.5, 0.5, 0.05)).zoom, 0);
  EXPECT_GT(at.step(seen(100, 0.5, 0.5, 0.05)).zoom, 0);
  // Too large: zoom out.
  EXPECT_LT(at.step(seen(150, 0.5, 0.5, 0.8)).zoom, 0);
  // Right size: hold.
  EXPECT_EQ(at.step(seen(200, 0.5, 0.5, 0.31)).zoom, 0);
  // Small but far off centre: no zoom in until the pan catches up.
  EXPECT_EQ(at.step(seen(250, 0.95, 0.5, 0.05)).zoom, 0);
}

TEST(autotrack, gains_shrink_with_magnification) {
  auto s = fast_settings();
  s.max_magnification = 10;
  autotracker wide{s}, tele{s};
  double w = 0, t = 0;
  for (int64_t ms : {0, 100}) {
    auto w_in = seen(ms, 0.6, 0.5, 0.3);
    w_in.zoom_position = 0.0;
    auto t_in = seen(ms, 0.6, 0.5, 0.3);
    t_in.zoom_position = 1.0;
    w = wide.step(w_in).pan;
    t = tele.step(t_in).pan;
  }
  ASSERT_GT(w, 0);
  ASSERT_LT(w, 1.0); // not saturated
  EXPECT_NEAR(t, w / 10, 1e-12);
}

TEST(autotrack, zoom_estimate_integrates_commanded_zoom_without_a_device) {
  auto s = fast_settings();
  s.zoom_travel_s = 2.0;
  s.max_zoom_speed = 0.5;
  s.target_coverage = 0.5; // far from 0.01: the zoom runs at its cap
  autotracker at{s};
  for (int64_t t = 0; t <= 1000; t += 100)
    at.step(seen(t, 0.5, 0.5, 0.01));
  // 1 s at speed 0.5 over a 2 s travel: a quarter of the range.
  EXPECT_NEAR(at.zoom_estimate(), 0.25, 1e-9);
}

TEST(autotrack, disabling_while_moving_stops_and_then_stays_quiet) {
  autotracker at{fast_settings()};
  at.step(seen(0, 0.9, 0.5));
  at.step(seen(100, 0.9, 0.5));
  auto cmd = at.set_enabled(false);
  EXPECT_EQ(cmd.what, kind::stop);
  EXPECT_EQ(at.state(), autotrack_state::disabled);
  EXPECT_EQ(at.step(seen(100, 0.9, 0.5)).what, kind::none);
  EXPECT_EQ(at.set_enabled(true).what, kind::none);
  EXPECT_EQ(at.step(seen(200, 0.9, 0.5)).what, kind::move);
  EXPECT_GT(at.step(seen(300, 0.9, 0.5)).pan, 0);
}

TEST(autotrack, operator_home_is_a_home_command) {
  autotracker at{fast_settings()};
  auto cmd = at.go_home();
  EXPECT_EQ(cmd.what, kind::home);
  EXPECT_EQ(cmd.reason, ptz_reason::operator_request);
}

TEST(autotrack, names_are_the_documented_strings) {
  EXPECT_EQ(to_string(autotrack_state::waiting_for_zone), "waiting_for_zone");
  EXPECT_EQ(to_string(ptz_reason::ret), "return");
  EXPECT_EQ(to_string(ptz_reason::operator_request), "operator");
  EXPECT_EQ(to_string(ptz_command::kind::preset), "preset");
}

TEST(autotrack, retune_takes_new_gains_and_keeps_the_switch_and_limit) {
  autotracker at{fast_settings()};
  at.step(seen(0, 0.56, 0.5));
  auto before = at.step(seen(100, 0.56, 0.5));
  ASSERT_GT(before.pan, 0);
  ASSERT_LT(2 * before.pan, 1); // below the output limit
  at.set_enabled(false);
  auto next = fast_settings();
  next.pan.kp = next.tilt.kp = 2 * fast_settings().pan.kp;
  next.max_magnification = 99;
  at.retune(next); // enabled stays as switched, not as in `next`
  EXPECT_FALSE(at.enabled());
  EXPECT_EQ(at.settings().max_magnification, fast_settings().max_magnification);
  EXPECT_DOUBLE_EQ(at.settings().pan.kp, next.pan.kp);
  at.set_enabled(true);
  at.step(seen(200, 0.56, 0.5));
  auto after = at.step(seen(300, 0.56, 0.5));
  // Proportional only (ki 0; the offset holds still, so no derivative).
  EXPECT_NEAR(after.pan, 2 * before.pan, 1e-9);
}
