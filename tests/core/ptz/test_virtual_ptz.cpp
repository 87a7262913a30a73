// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/view_truth.hpp"
#include "core/ptz/virtual_ptz.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

using namespace argus;

namespace {

// A 4:1 panorama seen by a 4:3 (h/w = 0.75) camera.
virtual_ptz make(virtual_ptz_limits limits = {}) {
  return virtual_ptz{limits, 0.25, 0.75};
}

void run(virtual_ptz& ptz, int64_t from_ms, int64_t to_ms,
         int64_t step_ms = 40) {
  for (int64_t t = from_ms; t <= to_ms; t += step_ms)
    ptz.advance(t);
}

} // namespace

TEST(virtual_ptz, velocity_ramps_at_the_acceleration_limit) {
  virtual_ptz_limits lim;
  lim.acceleration = 2.0;
  auto ptz = make(lim);
  ptz.advance(0);
  ptz.move(1, 0, 0, 0, 10000);
  ptz.advance(250);
  EXPECT_NEAR(ptz.velocity()[0], 0.5, 1e-9);
  ptz.advance(1000);
  EXPECT_NEAR(ptz.velocity()[0], 1.0, 1e-9);
}

TEST(virtual_ptz, moves_on_the_clock_without_new_commands) {
  auto ptz = make();
  ptz.advance(0);
  ptz.move(0.5, 0, 0, 0, 10000);
  run(ptz, 40, 1000);
  double x1 = ptz.pose().x;
  run(ptz, 1040, 2000);
  EXPECT_GT(x1, 0.5);
  EXPECT_GT(ptz.pose().x, x1);
}

TEST(virtual_ptz, a_move_ends_at_its_timeout_like_a_device) {
  auto ptz = make();
  ptz.advance(0);
  ptz.move(1, 0, 0, 0, 500);
  run(ptz, 40, 3000);
  EXPECT_EQ(ptz.velocity(), cv::Vec3d(0, 0, 0));
  double x = ptz.pose().x;
  run(ptz, 3040, 4000);
  EXPECT_EQ(ptz.pose().x, x);
  EXPECT_FALSE(ptz.moving());
}

TEST(virtual_ptz, tilt_up_moves_the_view_up) {
  auto ptz = make();
  ptz.advance(0);
  ptz.move(0, 0, 1, 0, 10000); // zoom in first so there is room to tilt
  run(ptz, 40, 2000);
  double y = ptz.pose().y;
  ptz.move(0, 1, 0, 2000, 10000);
  run(ptz, 2040, 2400);
  EXPECT_LT(ptz.pose().y, y);
  EXPECT_GT(ptz.onvif_position()[1], 0);
}

TEST(virtual_ptz, the_view_never_leaves_the_source) {
  auto ptz = make();
  ptz.advance(0);
  ptz.move(1, -1, 0, 0, 100000);
  run(ptz, 40, 20000, 200);
  auto v = ptz.view();
  EXPECT_NEAR(v.x + v.w, 1.0, 1e-9);
  EXPECT_NEAR(v.y + v.h, 1.0, 1e-9);
  EXPECT_GE(v.x, 0);
}

TEST(virtual_ptz, zoom_narrows_the_view_by_the_magnification) {
  virtual_ptz_limits lim;
  lim.wide_fov = 0.5;
  lim.max_magnification = 4;
  // A 2:1 source: half its width at 4:3 is 0.75 of its height.
  virtual_ptz ptz{lim, 0.5, 0.75};
  EXPECT_NEAR(ptz.view().w, 0.5, 1e-12);
  EXPECT_NEAR(ptz.view().h, 0.75, 1e-12);
  ptz.advance(0);
  ptz.go_to({0.5, 0.5, 1.0});
  run(ptz, 40, 10000);
  EXPECT_NEAR(ptz.magnification(), 4, 1e-9);
  EXPECT_NEAR(ptz.view().w, 0.125, 1e-9);
  EXPECT_NEAR(ptz.view().h, 0.75 / 4, 1e-9);
}

TEST(virtual_ptz, a_source_too_flat_for_the_output_is_fitted_to_its_height) {
  // Half of a 4:1 source's width at 4:3 would be 1.5 of its height.
  auto ptz = make();
  EXPECT_NEAR(ptz.view().h, 1.0, 1e-12);
  EXPECT_NEAR(ptz.view().w, 1.0 / 3, 1e-12);
}

TEST(virtual_ptz, go_to_arrives_exactly_and_stops) {
  auto ptz = make();
  ptz.advance(0);
  ptz.move(1, 0, 1, 0, 100000);
  run(ptz, 40, 3000);
  ptz.go_to({0.5, 0.5, 0});
  run(ptz, 3040, 15000);
  EXPECT_DOUBLE_EQ(ptz.pose().x, 0.5);
  EXPECT_DOUBLE_EQ(ptz.pose().zoom, 0);
  EXPECT_FALSE(ptz.moving());
}

TEST(virtual_ptz, motion_between_views_maps_a_source_point) {
  norm_box before{0.2, 0.1, 0.4, 0.3};
  norm_box after{0.25, 0.12, 0.2, 0.15};
  // A source point, seen at u in the first view.
  double sx = 0.33, sy = 0.2;
  double u = (sx - before.x) / before.w, v = (sy - before.y) / before.h;
  auto m = motion_between(before, after);
  EXPECT_NEAR(m.scale * u + m.offset[0], (sx - after.x) / after.w, 1e-12);
  EXPECT_NEAR(m.scale * v + m.offset[1], (sy - after.y) / after.h, 1e-12);
}

TEST(virtual_ptz, render_view_puts_a_source_mark_where_the_view_says) {
  cv::Mat source(400, 1600, CV_8UC3, cv::Scalar::all(0));
  // A white square centred on source-normalized (0.6, 0.5).
  cv::rectangle(source, {950, 190, 20, 20}, cv::Scalar::all(255), cv::FILLED);
  norm_box view{0.5, 0.25, 0.25, 0.5}; // 400x200 source pixels
  auto frame = render_view(source, view, {800, 400});
  ASSERT_EQ(frame.size(), cv::Size(800, 400));
  cv::Mat gray;
  cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
  auto mom = cv::moments(gray, false);
  double cx = mom.m10 / mom.m00, cy = mom.m01 / mom.m00;
  // (0.6 - 0.5) / 0.25 = 0.4 of the width; (0.5 - 0.25) / 0.5 = 0.5.
  EXPECT_NEAR(cx, 0.4 * 800, 1.0);
  EXPECT_NEAR(cy, 0.5 * 400, 1.0);
}

TEST(virtual_ptz, truth_in_view_maps_clips_and_drops_boxes) {
  // A 1600x400 picture; the view is its 400x200 at (800, 100), rendered
  // at 800x400 (2x).
  norm_box view{0.5, 0.25, 0.25, 0.5};
  std::vector<truth_box> truth{{1, 0, {900, 150, 20, 10}, 0},
                               {2, 0, {790, 150, 20, 10}, 0},
                               {3, 0, {100, 150, 20, 10}, 0}};
  auto seen = truth_in_view(truth, {1600, 400}, view, {800, 400});
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].object_id, 1);
  EXPECT_FLOAT_EQ(seen[0].bbox.x, 200);
  EXPECT_FLOAT_EQ(seen[0].bbox.y, 100);
  EXPECT_FLOAT_EQ(seen[0].bbox.w, 40);
  EXPECT_FLOAT_EQ(seen[0].bbox.h, 20);
  // Half outside on the left: clipped to the view's edge.
  EXPECT_EQ(seen[1].object_id, 2);
  EXPECT_FLOAT_EQ(seen[1].bbox.x, 0);
  EXPECT_FLOAT_EQ(seen[1].bbox.w, 20);
}
