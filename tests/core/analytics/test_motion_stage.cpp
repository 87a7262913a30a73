// SPDX-License-Identifier: Apache-2.0
// The motion stage on synthetic sequences whose camera shift and moving
// objects are known by construction.
#include "core/analytics/motion_stage.hpp"
#include "tests/support/textured_scene.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

using namespace argus;

namespace {

cv::Mat textured_scene(int w, int h) {
  return argus::test::textured_scene(w, h, 1234);
}

/// The 640x512 view of `scene` whose top-left corner is (x, y): moving the
/// view by (+dx, +dy) moves the scene by (-dx, -dy) in the frame.
cv::Mat view(const cv::Mat& scene, int x, int y) {
  return scene(cv::Rect(x, y, 640, 512)).clone();
}

void draw_object(cv::Mat& frame, int x, int y, int size = 10) {
  cv::rectangle(frame, cv::Rect(x, y, size, size), cv::Scalar(0, 0, 0),
                cv::FILLED);
}

bool any_region_near(const motion_result& r, float x, float y, float w,
                     float h) {
  return overlaps_motion({x, y, w, h}, r.regions, 0.0f);
}

} // namespace

TEST(motion_stage, the_first_frame_only_primes_the_stage) {
  motion_stage stage;
  auto scene = textured_scene(800, 700);
  auto r = stage.update(view(scene, 50, 50));
  EXPECT_FALSE(r.compensated);
  EXPECT_TRUE(r.regions.empty());
}

TEST(motion_stage, a_still_scene_has_no_motion) {
  motion_stage stage;
  auto scene = textured_scene(800, 700);
  stage.update(view(scene, 50, 50));
  auto r = stage.update(view(scene, 50, 50));
  EXPECT_TRUE(r.compensated);
  EXPECT_NEAR(r.camera_motion(0, 2), 0.0, 0.3);
  EXPECT_NEAR(r.camera_motion(1, 2), 0.0, 0.3);
  EXPECT_TRUE(r.regions.empty());
}

TEST(motion_stage, a_camera_pan_is_measured_and_does_not_read_as_motion) {
  motion_stage stage;
  auto scene = textured_scene(800, 700);
  stage.update(view(scene, 50, 50));
  // The camera pans 8 px right and 6 px down: the scene moves (-8, -6).
  auto r = stage.update(view(scene, 58, 56));
  ASSERT_TRUE(r.compensated);
  EXPECT_NEAR(r.camera_motion(0, 2), -8.0, 0.5);
  EXPECT_NEAR(r.camera_motion(1, 2), -6.0, 0.5);
  EXPECT_NEAR(r.camera_motion(0, 0), 1.0, 0.01);
  EXPECT_TRUE(r.regions.empty()) << r.regions.size() << " regions";
}

TEST(motion_stage, without_compensation_the_same_pan_lights_up_the_frame) {
  // The control for the test above: with the fit disabled (it needs more
  // corners than exist), a pan is indistinguishable from motion.
  motion_params p;
  p.min_inliers = 1 << 20;
  motion_stage stage(p);
  auto scene = textured_scene(800, 700);
  stage.update(view(scene, 50, 50));
  auto r = stage.update(view(scene, 58, 56));
  EXPECT_FALSE(r.compensated);
  double area = 0;
  for (auto& box : r.regions)
    area += double(box.w) * box.h;
  EXPECT_GT(area, 0.5 * 640 * 512);
}

TEST(motion_stage, an_object_moving_under_a_panning_camera_is_found) {
  motion_stage stage;
  auto scene = textured_scene(800, 700);
  auto a = view(scene, 50, 50);
  draw_object(a, 300, 200);
  stage.update(a);
  auto b = view(scene, 56, 53);
  // In the scene the object flew 12 px right; the camera followed 6 px.
  draw_object(b, 306, 197);
  auto r = stage.update(b);
  ASSERT_TRUE(r.compensated);
  EXPECT_NEAR(r.camera_motion(0, 2), -6.0, 0.5);
  EXPECT_NEAR(r.camera_motion(1, 2), -3.0, 0.5);
  ASSERT_FALSE(r.regions.empty());
  EXPECT_TRUE(any_region_near(r, 306, 197, 10, 10));
  for (auto& box : r.regions) // nothing else moved
    EXPECT_TRUE(overlaps_motion(box, {{290, 180, 40, 40}}, 0.0f))
        << box.x << "," << box.y;
}

TEST(motion_stage, a_small_object_in_an_empty_sky_is_found_without_a_fit) {
  // A clear sky has no corners, so there is no camera fit; differencing
  // alone still finds a 6 px object that moved.
  motion_stage stage;
  cv::Mat sky(512, 640, CV_8UC3, cv::Scalar(200, 170, 150));
  auto a = sky.clone(), b = sky.clone();
  draw_object(a, 400, 100, 6);
  draw_object(b, 410, 104, 6);
  stage.update(a);
  auto r = stage.update(b);
  EXPECT_FALSE(r.compensated);
  ASSERT_FALSE(r.regions.empty());
  EXPECT_TRUE(any_region_near(r, 410, 104, 6, 6));
  EXPECT_LE(r.regions.size(), 2u);
}

TEST(motion_stage, a_new_frame_size_primes_the_stage_again) {
  motion_stage stage;
  auto scene = textured_scene(800, 700);
  stage.update(view(scene, 50, 50));
  cv::Mat other;
  cv::resize(view(scene, 0, 0), other, cv::Size(320, 256));
  auto r = stage.update(other);
  EXPECT_FALSE(r.compensated);
  EXPECT_TRUE(r.regions.empty());
}

TEST(motion_stage, overlap_uses_a_margin_around_small_boxes) {
  std::vector<pixel_box> regions{{100, 100, 10, 10}};
  EXPECT_TRUE(overlaps_motion({105, 105, 4, 4}, regions, 0.0f));
  // 4 px apart: only a margin bridges the gap.
  EXPECT_FALSE(overlaps_motion({114, 100, 10, 10}, regions, 0.0f));
  EXPECT_TRUE(overlaps_motion({114, 100, 10, 10}, regions, 0.5f));
  EXPECT_FALSE(overlaps_motion({300, 300, 10, 10}, regions, 0.5f));
  EXPECT_FALSE(overlaps_motion({105, 105, 4, 4}, {}, 0.5f));
}
