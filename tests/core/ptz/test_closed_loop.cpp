// SPDX-License-Identifier: Apache-2.0
// The controller, the pacer and the virtual camera in one loop, with the
// target's box computed from its true position (no detector): the control
// law's own behaviour, before detection noise is added by the actor tests.
#include "core/ptz/autotrack.hpp"
#include "core/ptz/command_pacer.hpp"
#include "core/ptz/virtual_ptz.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace argus;
using kind = ptz_command::kind;

namespace {

constexpr int64_t frame_ms = 66; // 15 fps

struct loop_result {
  int frames = 0;
  int in_view = 0;
  double error_sum = 0;
  int error_frames = 0;
  double final_coverage = 0;
  double worst_error_late = 0;
};

/// Runs `seconds` of a target moving on `path` (source-normalized centre
/// at time t) with a fixed source size `size` (fraction of the source
/// width), and measures from `settle_s` on.
template <class Path>
loop_result run_loop(Path path, double size, double seconds, double settle_s) {
  autotrack_settings s;
  s.target_coverage = 0.3;
  s.max_magnification = 4;
  virtual_ptz_limits lim;
  lim.max_magnification = 4;
  virtual_ptz ptz{lim, 0.5, 0.75};
  autotracker at{s};
  command_pacer pacer{pacing_settings{}};
  loop_result r;
  for (int64_t t = 0; t <= seconds * 1000; t += frame_ms) {
    ptz.advance(t);
    auto [tx, ty] = path(t / 1000.0);
    auto view = ptz.view();
    target_view seen{(tx - view.x) / view.w, (ty - view.y) / view.h,
                     size / view.w, size * 2 / view.h};
    bool visible = seen.cx > 0 && seen.cx < 1 && seen.cy > 0 && seen.cy < 1;
    autotrack_input in;
    in.now_ms = t;
    in.phase = visible ? tracking_phase::phase::tracking
                       : tracking_phase::phase::lost;
    if (visible)
      in.target = seen;
    in.zoom_position = ptz.pose().zoom;
    auto wanted = at.step(in);
    if (auto cmd = pacer.offer(wanted, t)) {
      if (cmd->what == kind::move)
        ptz.move(cmd->pan, cmd->tilt, cmd->zoom, t,
                 pacer.settings().move_timeout_ms);
      else if (cmd->what == kind::stop)
        ptz.stop();
      else
        ptz.go_to({});
    }
    if (t < settle_s * 1000)
      continue;
    ++r.frames;
    r.in_view += visible;
    double err = std::hypot(seen.cx - 0.5, seen.cy - 0.5);
    r.error_sum += err;
    ++r.error_frames;
    if (t > (settle_s + seconds) * 500)
      r.worst_error_late = std::max(r.worst_error_late, err);
    r.final_coverage = std::max(seen.w, seen.h);
  }
  return r;
}

} // namespace

TEST(ptz_closed_loop, a_still_target_is_centred_and_zoomed_to_coverage) {
  auto r = run_loop([](double) { return std::pair{0.7, 0.4}; }, 0.04, 20, 8);
  EXPECT_EQ(r.in_view, r.frames);
  EXPECT_LT(r.worst_error_late, 0.05);
  EXPECT_NEAR(r.final_coverage, 0.3, 0.06);
}

TEST(ptz_closed_loop, a_moving_target_stays_in_view_and_near_the_centre) {
  // Crosses most of the panorama and back every 40 s, bobbing up and down.
  auto path = [](double t) {
    return std::pair{0.5 + 0.3 * std::sin(t * 2 * M_PI / 40),
                     0.5 + 0.1 * std::sin(t * 2 * M_PI / 13)};
  };
  auto r = run_loop(path, 0.04, 60, 5);
  EXPECT_GE(r.in_view, 0.95 * r.frames);
  EXPECT_LT(r.error_sum / r.error_frames, 0.1);
}
