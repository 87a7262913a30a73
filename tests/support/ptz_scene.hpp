// SPDX-License-Identifier: Apache-2.0
// Seeded closed-loop scenes for the autotracker: a target and two
// distractors on smooth paths over a wide picture, a virtual PTZ head at
// 15 fps, detections made from the true boxes in the view with seeded
// jitter and misses, the real byte_tracker and tracking_phase between
// them, and a control law steering the head. Shared by the closed-loop
// test (tests/core/ptz/test_closed_loop.cpp) and the quality benchmark
// (bench/ptz_quality.cpp, docs/benchmarks.md §9).
#pragma once

#include "core/analytics/byte_tracker.hpp"
#include "core/analytics/tracking_phase.hpp"
#include "core/ptz/autotrack.hpp"
#include "core/ptz/command_pacer.hpp"
#include "core/ptz/virtual_ptz.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace argus::test::ptz_scene {

inline constexpr int64_t frame_ms = 66;
inline constexpr double seconds = 60;
inline constexpr double select_at_s = 2;
inline constexpr double lost_after_s = 1;
inline constexpr int view_w = 640, view_h = 360;
/// Both laws aim at the same size (the seed project's default).
inline constexpr double coverage = 0.2;

/// A smooth seeded path in wide-picture coordinates.
struct path {
  double cx, cy, ax[3], wx[3], px[3], ay[3], wy[3], py[3];

  path(std::mt19937_64& rng, double speed) {
    std::uniform_real_distribution<double> u(0, 1);
    cx = 0.3 + 0.4 * u(rng);
    cy = 0.35 + 0.3 * u(rng);
    for (int k = 0; k < 3; ++k) {
      double base = k == 0 ? 0.2 : k == 1 ? 0.06 : 0.02;
      ax[k] = base * (0.5 + 0.5 * u(rng));
      ay[k] = base * 0.6 * (0.5 + 0.5 * u(rng));
      wx[k] = speed * (0.03 + 0.09 * u(rng)) * (k + 1);
      wy[k] = speed * (0.03 + 0.09 * u(rng)) * (k + 1);
      px[k] = 6.283 * u(rng);
      py[k] = 6.283 * u(rng);
    }
  }

  std::pair<double, double> at(double t) const {
    double x = cx, y = cy;
    for (int k = 0; k < 3; ++k) {
      x += ax[k] * std::sin(6.283 * wx[k] * t + px[k]);
      y += ay[k] * std::sin(6.283 * wy[k] * t + py[k]);
    }
    return {std::clamp(x, 0.02, 0.98), std::clamp(y, 0.02, 0.98)};
  }
};

/// A law: what to send for this frame (nothing: keep running).
using law = std::function<std::optional<ptz_command>(const autotrack_input&)>;

/// argus's gains; overridden from the command line for a sweep.
inline pid_gains gains;

inline law argus_law() {
  autotrack_settings s;
  s.target_coverage = coverage;
  s.pan = s.tilt = gains;
  auto tracker = std::make_shared<autotracker>(s);
  auto pacer = std::make_shared<command_pacer>(pacing_settings{});
  return [=](const autotrack_input& in) {
    auto cmd = pacer->offer(tracker->step(in), in.now_ms);
    if (cmd)
      cmd->timeout_ms = pacer->settings().move_timeout_ms;
    return cmd;
  };
}

struct scene_result {
  bool selected = false;
  int frames = 0;
  int in_view = 0;
  std::vector<double> errors;
  double time_to_centre_s = -1;
  double overshoot = 0;
  int id_switches = 0;
  /// Switches while the target's previous track was still reported on it
  /// in the frame before (not a re-birth after the track was lost): the
  /// camera's own motion mistaken for the target's.
  int switches_while_tracked = 0;
  int commands = 0;
  double final_coverage = 0;
};

inline pixel_box view_box(const norm_box& view, double x, double y, double w,
                          double h) {
  double px = (x - view.x) / view.w * view_w;
  double py = (y - view.y) / view.h * view_h;
  double pw = w / view.w * view_w, ph = h / view.h * view_h;
  return {float(px - pw / 2), float(py - ph / 2), float(pw), float(ph)};
}

inline bool inside(const pixel_box& b) {
  double cx = b.x + b.w / 2, cy = b.y + b.h / 2;
  return cx > 0 && cx < view_w && cy > 0 && cy < view_h;
}

inline scene_result run_scene(uint64_t seed, law control, bool ego_motion,
                              bool still) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  path target(rng, still ? 0 : 1);
  std::vector<path> others{path(rng, 1), path(rng, 1)};
  // Object sizes in wide-picture widths (a drone of ~20 px at the wide end).
  const double size = 0.015;
  virtual_ptz head{virtual_ptz_limits{}, double(view_h) / view_w,
                   double(view_h) / view_w};
  byte_tracker tracker;
  tracking_phase phase;
  norm_box last_view = head.view();
  int64_t selected = none_id, last_seen_ms = 0, target_track = none_id;
  int64_t on_target_last = none_id;
  scene_result r;
  bool centred = false;
  double ox = 0, oy = 0; // the offset when the target was selected
  for (int64_t ms = 0; ms <= seconds * 1000; ms += frame_ms) {
    double t = ms / 1000.0;
    head.advance(ms);
    auto view = head.view();
    if (ego_motion) {
      auto m = motion_between(last_view, view);
      tracker.follow_camera(m.scale, m.offset[0] * view_w,
                            m.offset[1] * view_h);
    }
    last_view = view;
    // Detections: every object in view, jittered, 5 % missed.
    auto [tx, ty] = target.at(t);
    auto truth = view_box(view, tx, ty, size, size * 16.0 / 9 * 0.6);
    std::vector<detection> dets;
    auto detect = [&](const pixel_box& b) {
      if (!inside(b) || u(rng) < 0.05)
        return;
      double j = 0.03 * std::max(b.w, b.h) + 0.5;
      dets.push_back({{float(b.x + j * noise(rng)), float(b.y + j * noise(rng)),
                       float(std::max(2.0, b.w + j * noise(rng))),
                       float(std::max(2.0, b.h + j * noise(rng)))},
                      float(0.6 + 0.3 * u(rng)),
                      0});
    };
    detect(truth);
    for (auto& o : others) {
      auto [ox, oy] = o.at(t);
      detect(view_box(view, ox, oy, size, size * 16.0 / 9 * 0.6));
    }
    auto tracks = tracker.update(dets);
    // Which track is on the target now (best IoU with its true box).
    int64_t on_target = none_id;
    double best = 0.3;
    for (auto& tr : tracks)
      if (double v = iou(tr.bbox, truth); v > best) {
        best = v;
        on_target = tr.id;
      }
    int64_t on_target_before = on_target_last;
    on_target_last = on_target;
    if (selected == none_id && t >= select_at_s && on_target != none_id) {
      selected = target_track = on_target;
      phase.select(selected, true);
    }
    autotrack_input in;
    in.now_ms = ms;
    in.zoom_position = head.pose().zoom;
    if (selected != none_id) {
      auto it = std::find_if(tracks.begin(), tracks.end(),
                             [&](auto& tr) { return tr.id == selected; });
      bool seen = it != tracks.end();
      if (seen)
        last_seen_ms = ms;
      // The session ends a track unseen for end_after_ms: lost then.
      bool alive = seen || ms - last_seen_ms < lost_after_s * 1000;
      phase.observe(seen, alive);
      in.phase = phase.current();
      if (seen)
        in.target = target_view{(it->bbox.x + it->bbox.w / 2) / view_w,
                                (it->bbox.y + it->bbox.h / 2) / view_h,
                                it->bbox.w / view_w, it->bbox.h / view_h};
      if (on_target != none_id && on_target != target_track) {
        ++r.id_switches;
        r.switches_while_tracked += on_target_before == target_track;
        target_track = on_target;
      }
    }
    if (auto cmd = control(in)) {
      ++r.commands;
      if (cmd->what == ptz_command::kind::move)
        head.move(cmd->pan, cmd->tilt, cmd->zoom, ms,
                  cmd->timeout_ms > 0 ? cmd->timeout_ms : 0);
      else if (cmd->what == ptz_command::kind::stop)
        head.stop();
      else
        head.go_to({});
    }
    if (selected == none_id)
      continue;
    r.selected = true;
    ++r.frames;
    double cx = (truth.x + truth.w / 2) / view_w;
    double cy = (truth.y + truth.h / 2) / view_h;
    bool visible = inside(truth);
    r.in_view += visible;
    if (!visible)
      continue;
    double err = std::hypot(cx - 0.5, cy - 0.5);
    r.errors.push_back(err);
    if (r.frames == 1) {
      double n = std::max(1e-9, err);
      ox = (cx - 0.5) / n;
      oy = (cy - 0.5) / n;
    }
    // Centred: within a tenth of the frame (both laws' dead bands are
    // smaller). Overshoot: how far the target swings past the centre,
    // measured along the direction it started in.
    if (!centred && err < 0.1) {
      centred = true;
      r.time_to_centre_s = t - select_at_s;
    }
    r.overshoot = std::max(r.overshoot, -((cx - 0.5) * ox + (cy - 0.5) * oy));
    r.final_coverage = std::max(truth.w / view_w, truth.h / view_h);
  }
  return r;
}

} // namespace argus::test::ptz_scene
