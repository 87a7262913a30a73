// SPDX-License-Identifier: Apache-2.0
// The controller, the pacer and the virtual camera in one loop, with the
// target's box computed from its true position (no detector): the control
// law's own behaviour, before detection noise is added by the actor tests.
#include "core/ptz/autotrack.hpp"
#include "core/ptz/command_pacer.hpp"
#include "core/ptz/virtual_ptz.hpp"
#include "tests/support/ptz_scene.hpp"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <optional>
#include <vector>

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

namespace {

/// What the loop did, in order: each autotrack state entered and each
/// command sent (kind and reason).
struct scenario_log {
  std::vector<autotrack_state> states;
  std::vector<std::pair<kind, ptz_reason>> commands;

  void note(autotrack_state s) {
    if (states.empty() || states.back() != s)
      states.push_back(s);
  }
  bool sent(kind k, ptz_reason why) const {
    return std::find(commands.begin(), commands.end(), std::pair{k, why})
           != commands.end();
  }
};

/// A scripted day of one target: `where(t)` gives its source position or
/// nothing while it is hidden; the session's phase follows from it as in
/// the server (a track ends `end_after_ms` after the target was last seen).
struct scenario {
  autotrack_settings settings;
  virtual_ptz head{virtual_ptz_limits{}, 0.5, 0.5625};
  std::optional<autotracker> at;
  command_pacer pacer{pacing_settings{}};
  tracking_phase phase;
  scenario_log log;
  int64_t last_seen_ms = -1;
  static constexpr int64_t end_after_ms = 1500;

  void start() { at.emplace(settings); }

  void send(const ptz_command& cmd, int64_t t) {
    log.commands.push_back({cmd.what, cmd.reason});
    if (cmd.what == kind::move)
      head.move(cmd.pan, cmd.tilt, cmd.zoom, t,
                pacer.settings().move_timeout_ms);
    else if (cmd.what == kind::stop)
      head.stop();
    else if (cmd.what == kind::home)
      head.go_to({});
  }

  template <class Where> void run(Where where, int64_t from_ms, int64_t to_ms) {
    for (int64_t t = from_ms; t < to_ms; t += frame_ms) {
      head.advance(t);
      auto view = head.view();
      autotrack_input in;
      in.now_ms = t;
      in.zoom_position = head.pose().zoom;
      std::optional<std::pair<double, double>> p = where(t / 1000.0);
      bool seen = false;
      if (p) {
        target_view v{(p->first - view.x) / view.w,
                      (p->second - view.y) / view.h, 0.02 / view.w,
                      0.035 / view.h};
        seen = v.cx > 0 && v.cx < 1 && v.cy > 0 && v.cy < 1;
        if (seen)
          in.target = v;
      }
      if (seen)
        last_seen_ms = t;
      if (phase.target() != none_id)
        phase.observe(seen, seen || t - last_seen_ms < end_after_ms);
      in.phase = phase.current();
      if (auto cmd = pacer.offer(at->step(in), t))
        send(*cmd, t);
      log.note(at->state());
    }
  }
};

} // namespace

TEST(ptz_closed_loop, zones_lost_zoom_out_and_return_happen_in_order) {
  scenario s;
  // The zone: the right half of the frame.
  s.settings.required_zones = {{"right", {{0.5, 0}, {1, 0}, {1, 1}, {0.5, 1}}}};
  s.settings.zoom_out_ms = 1000;
  s.settings.return_after_ms = 4000;
  s.start();
  s.phase.select(7, true);
  // 0-2 s: still left of centre (outside the zone): nothing moves.
  s.run([](double) { return std::pair{0.4, 0.5}; }, 0, 2000);
  EXPECT_TRUE(s.log.commands.empty());
  // 2-8 s: it crosses into the zone and drifts right: followed.
  s.run(
      [](double t) {
        return std::pair{0.4 + 0.05 * (t - 2), 0.5};
      },
      2000, 8000);
  // 8-16 s: it vanishes; the track ends 1.5 s later.
  s.run([](double) { return std::nullopt; }, 8000, 16000);
  using st = autotrack_state;
  EXPECT_EQ(s.log.states,
            (std::vector<st>{st::waiting_for_zone, st::following, st::holding,
                             st::zooming_out, st::lost, st::returning}));
  EXPECT_TRUE(s.log.sent(kind::move, ptz_reason::autotrack));
  EXPECT_TRUE(s.log.sent(kind::move, ptz_reason::lost)); // the zoom-out
  ASSERT_FALSE(s.log.commands.empty());
  EXPECT_EQ(s.log.commands.back(), (std::pair{kind::home, ptz_reason::ret}));
  // Nothing after the home move, and the head gets there.
  s.run([](double) { return std::nullopt; }, 16000, 30000);
  EXPECT_EQ(s.log.commands.back(), (std::pair{kind::home, ptz_reason::ret}));
  EXPECT_NEAR(s.head.pose().x, 0.5, 1e-6);
  EXPECT_NEAR(s.head.pose().zoom, 0, 1e-6);
}

TEST(ptz_closed_loop, clearing_the_target_sends_the_head_home) {
  scenario s;
  s.start();
  s.phase.select(3, true);
  s.run([](double t) { return std::pair{0.7 + 0.01 * t, 0.4}; }, 0, 6000);
  ASSERT_EQ(s.at->state(), autotrack_state::following);
  auto pose = s.head.pose();
  EXPECT_GT(pose.x, 0.55); // it turned towards the target
  EXPECT_GT(pose.zoom, 0.1);
  s.phase.clear();
  s.run([](double t) { return std::pair{0.7 + 0.01 * t, 0.4}; }, 6000, 20000);
  // No target: idle, and the home move it sent runs to the end.
  EXPECT_EQ(s.log.states.back(), autotrack_state::idle);
  EXPECT_EQ(s.log.commands.back(),
            (std::pair{kind::home, ptz_reason::operator_request}));
  EXPECT_NEAR(s.head.pose().x, 0.5, 1e-6);
  EXPECT_NEAR(s.head.pose().zoom, 0, 1e-6);
}

// Seeded scenes with the real tracker between detections and controller
// (tests/support/ptz_scene.hpp; seeds 201-210: neither the gains' tuning
// seeds 1-10 nor the benchmark's held-out 101-110). At 4x the tracker
// loses the target in 2 of these 10 scenes (a quick turn against its
// motion model, a distractor crossing; docs/benchmarks.md §9), so the bar
// is on all frames together and on most scenes.
TEST(ptz_closed_loop, seeded_scenes_keep_the_target_in_view_with_its_id) {
  namespace ps = argus::test::ptz_scene;
  int frames = 0, in_view = 0, scenes_in_view = 0, switches = 0,
      blind_switches = 0;
  double late_error = 0;
  int late_frames = 0;
  for (uint64_t seed = 201; seed <= 210; ++seed) {
    auto r = ps::run_scene(seed, ps::argus_law(), true, false);
    ASSERT_TRUE(r.selected) << seed;
    frames += r.frames;
    in_view += r.in_view;
    scenes_in_view += r.in_view >= 0.95 * r.frames;
    switches += r.id_switches;
    // The same scene with the tracker not told the camera's motion.
    blind_switches
        += ps::run_scene(seed, ps::argus_law(), false, false).id_switches;
    auto n = r.errors.size();
    ASSERT_GT(n, 100u) << seed;
    for (auto it = r.errors.end() - n / 3; it != r.errors.end();
         ++it, ++late_frames)
      late_error += *it;
    // The zoom brought the target it kept towards the coverage asked for.
    if (r.in_view >= 0.95 * r.frames) {
      EXPECT_NEAR(r.final_coverage, ps::coverage, 0.08) << "seed " << seed;
    }
  }
  EXPECT_GE(in_view, 0.95 * frames);
  EXPECT_GE(scenes_in_view, 8);
  // Centred after lock: the last third of each scene.
  EXPECT_LT(late_error / late_frames, 0.12);
  // Ego-motion is what keeps the id through pans and zooms.
  EXPECT_LE(switches * 3, blind_switches)
      << switches << " vs " << blind_switches;
}
