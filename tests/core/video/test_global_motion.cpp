// SPDX-License-Identifier: Apache-2.0
// The camera's motion from the pixels, against motions known exactly: views
// of a textured picture moved and zoomed by hand, and the virtual PTZ
// camera's own views while it pans and zooms over the synthetic sky.
#include "core/video/global_motion.hpp"
#include "tests/support/ptz_footage.hpp"
#include "tests/support/textured_scene.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

using namespace argus;

namespace {

const cv::Size frame_size{640, 360};

cv::Mat textured_scene() {
  return argus::test::textured_scene(1600, 1000, 4321);
}

/// A view of `scene` `w` wide (of the scene's width) centred at (cx, cy),
/// shaped like the frame.
norm_box view_at(const cv::Mat& scene, double cx, double cy, double w) {
  double h = w * scene.cols * frame_size.height
             / (double(scene.rows) * frame_size.width);
  return {cx - w / 2, cy - h / 2, w, h};
}

/// Estimates the motion from view `a` to view `b` of `scene`.
global_motion_estimate between(const cv::Mat& scene, const norm_box& a,
                               const norm_box& b) {
  global_motion gm;
  EXPECT_FALSE(gm.update(render_view(scene, a, frame_size)).valid);
  return gm.update(render_view(scene, b, frame_size));
}

} // namespace

TEST(global_motion, exact_shifts_of_a_textured_picture) {
  auto scene = textured_scene();
  auto a = view_at(scene, 0.5, 0.5, 0.4);
  for (auto [sx, sy] :
       {std::pair{7.5, 0.0}, {-23.0, 4.0}, {0.0, -11.25}, {41.0, 17.0}}) {
    auto b = a;
    // The view moves by (sx, sy) frame pixels: the scene by the opposite.
    b.x += sx * a.w / frame_size.width;
    b.y += sy * a.h / frame_size.height;
    auto e = between(scene, a, b);
    ASSERT_TRUE(e.valid) << sx << "," << sy;
    EXPECT_NEAR(e.scale, 1.0, 3e-4) << sx << "," << sy;
    EXPECT_NEAR(e.dx, -sx, 0.15) << sx << "," << sy;
    EXPECT_NEAR(e.dy, -sy, 0.15) << sx << "," << sy;
    EXPECT_GE(e.inliers, 100);
  }
}

TEST(global_motion, exact_zooms_of_a_textured_picture) {
  auto scene = textured_scene();
  for (auto [zoom, cx] :
       {std::pair{1.05, 0.5}, {1 / 1.04, 0.52}, {1.1, 0.47}}) {
    auto a = view_at(scene, 0.5, 0.5, 0.4);
    auto b = view_at(scene, cx, 0.5, 0.4 / zoom);
    auto truth = test::true_motion_px(a, b, frame_size);
    auto e = between(scene, a, b);
    ASSERT_TRUE(e.valid) << zoom;
    EXPECT_NEAR(e.scale, truth.scale, 0.002) << zoom;
    EXPECT_LT(test::endpoint_error(e, truth, frame_size), 0.3) << zoom;
  }
}

TEST(global_motion, follows_the_virtual_camera_through_pans_and_zooms) {
  synthetic_params p; // the sim camera's sky: 640x360, drones, birds, clouds
  virtual_ptz_limits lim;
  auto footage
      = test::render_ptz_footage(p, lim, 120, [](int64_t t, virtual_ptz& head) {
          // Pans right and left while zooming in and out again.
          auto phase = 2 * M_PI * t / 6000.0;
          head.move(0.3 * std::cos(phase), 0.1 * std::sin(phase),
                    0.8 * std::sin(phase), t, 2000);
        });
  global_motion gm;
  int estimated = 0;
  double error_sum = 0, worst = 0, moved = 0;
  for (size_t i = 0; i < footage.size(); ++i) {
    auto e = gm.update(footage[i].bgr);
    if (i == 0 || !e.valid)
      continue;
    auto truth = test::true_motion_px(footage[i - 1].view, footage[i].view,
                                      frame_size);
    auto err = test::endpoint_error(e, truth, frame_size);
    ++estimated;
    error_sum += err;
    worst = std::max(worst, err);
    moved += test::endpoint_error({}, truth, frame_size);
  }
  // The sky is nearly featureless when zoomed in: the estimator says so
  // on some frames rather than guessing. Where it answers, it is within a
  // few pixels of the truth, against ~10 px of true motion per frame.
  EXPECT_GE(estimated, 0.5 * (footage.size() - 1));
  EXPECT_LT(error_sum / estimated, 2.5);
  EXPECT_LT(worst, 8.0);
  EXPECT_GT(moved / estimated, 4 * error_sum / estimated);
}

TEST(global_motion, a_still_camera_with_a_moving_object_stays_still) {
  auto scene = textured_scene();
  auto view = render_view(scene, view_at(scene, 0.5, 0.5, 0.4), frame_size);
  global_motion gm;
  for (int f = 0; f < 6; ++f) {
    auto frame = view.clone();
    // A large object crossing fast: a near drone.
    cv::rectangle(frame, cv::Rect(100 + 25 * f, 120 + 8 * f, 70, 50),
                  cv::Scalar(20, 20, 20), cv::FILLED);
    auto e = gm.update(frame);
    if (f == 0)
      continue;
    ASSERT_TRUE(e.valid) << f;
    EXPECT_DOUBLE_EQ(e.scale, 1.0);
    EXPECT_NEAR(e.dx, 0, 0.1);
    EXPECT_NEAR(e.dy, 0, 0.1);
  }
}

TEST(global_motion, a_blank_or_featureless_frame_gives_no_estimate) {
  global_motion gm;
  cv::Mat grey(frame_size, CV_8UC3, cv::Scalar(200, 180, 150));
  EXPECT_FALSE(gm.update(grey).valid);
  EXPECT_FALSE(gm.update(grey).valid);
  EXPECT_FALSE(gm.update(cv::Mat()).valid);
  // A clear sky: a smooth gradient with sensor noise, and one drone on it
  // crossing the picture. The drone is all there is to follow, and it is
  // not the camera.
  cv::Mat sky(frame_size, CV_8UC3);
  for (int y = 0; y < sky.rows; ++y)
    sky.row(y).setTo(cv::Scalar(200 + y / 10, 150 + y / 6, 80 + y / 3));
  cv::RNG rng(7);
  for (int f = 0; f < 5; ++f) {
    cv::Mat frame = sky.clone(), noise(frame_size, CV_8UC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, 2);
    frame += noise;
    cv::rectangle(frame, cv::Rect(200 + 12 * f, 150, 30, 12),
                  cv::Scalar(40, 40, 40), cv::FILLED);
    cv::circle(frame, cv::Point(200 + 12 * f, 150), 6, cv::Scalar(40, 40, 40),
               cv::FILLED);
    EXPECT_FALSE(gm.update(frame).valid) << f;
  }
}

TEST(global_motion, a_new_frame_size_starts_over) {
  auto scene = textured_scene();
  global_motion gm;
  auto a = render_view(scene, view_at(scene, 0.5, 0.5, 0.4), frame_size);
  EXPECT_FALSE(gm.update(a).valid);
  EXPECT_TRUE(gm.update(a).valid);
  cv::Mat b;
  cv::resize(a, b, cv::Size(320, 180));
  EXPECT_FALSE(gm.update(b).valid);
  EXPECT_TRUE(gm.update(b).valid);
}
