// SPDX-License-Identifier: Apache-2.0
#include "core/models/shadow_compare.hpp"

#include <gtest/gtest.h>

using namespace argus;

namespace {

detection det(float x, float y, float w, float h, int32_t cls,
              float conf = 0.9f) {
  return {{x, y, w, h}, conf, cls};
}

const std::vector<std::string> sky{"drone", "bird", "airplane", "helicopter"};

} // namespace

TEST(shadow_compare, iou_of_boxes) {
  EXPECT_DOUBLE_EQ(box_iou({0, 0, 10, 10}, {0, 0, 10, 10}), 1.0);
  EXPECT_DOUBLE_EQ(box_iou({0, 0, 10, 10}, {5, 0, 10, 10}), 50.0 / 150.0);
  EXPECT_DOUBLE_EQ(box_iou({0, 0, 10, 10}, {20, 20, 5, 5}), 0.0);
  EXPECT_DOUBLE_EQ(box_iou({0, 0, 0, 10}, {0, 0, 0, 10}), 0.0);
}

TEST(shadow_compare, matches_same_class_above_half_iou_once) {
  std::vector<detection> a{det(0, 0, 10, 10, 0), det(100, 100, 10, 10, 1)};
  // Second box: right place, other class; third: same place as the first,
  // but the first is taken by a better match.
  std::vector<detection> c{det(1, 0, 10, 10, 0), det(100, 100, 10, 10, 0),
                           det(0, 1, 10, 10, 0)};
  EXPECT_EQ(count_matches(a, sky, c, sky), 1);
  // IoU 0.5 exactly still matches; just below does not.
  std::vector<detection> half{det(0, 0, 10, 10, 0)};
  std::vector<detection> shifted{det(0, 0, 20, 10, 0)};
  EXPECT_EQ(count_matches(half, sky, shifted, sky), 1);
  std::vector<detection> shifted_more{det(0, 0, 20.5f, 10, 0)};
  EXPECT_EQ(count_matches(half, sky, shifted_more, sky), 0);
}

TEST(shadow_compare, classes_match_by_name_across_orders) {
  std::vector<std::string> reordered{"bird", "drone"};
  std::vector<detection> a{det(0, 0, 10, 10, 0)}; // drone
  std::vector<detection> c{det(0, 0, 10, 10, 1)}; // drone in the other list
  EXPECT_EQ(count_matches(a, sky, c, reordered), 1);
  std::vector<detection> c_bird{det(0, 0, 10, 10, 0)};
  EXPECT_EQ(count_matches(a, sky, c_bird, reordered), 0);
}

TEST(shadow_compare, accumulates_counts_classes_and_medians) {
  shadow_compare cmp(sky, sky);
  EXPECT_EQ(cmp.report().frames_compared, 0);
  EXPECT_EQ(cmp.report().agreement, 0);
  cmp.add({det(0, 0, 10, 10, 0), det(50, 50, 10, 10, 1)}, 10.0,
          {det(0, 0, 10, 10, 0)}, 4.0);
  cmp.add({}, 30.0, {}, 2.0);
  cmp.add({det(0, 0, 10, 10, 0)}, 20.0, {det(0, 0, 10, 10, 2)}, 3.0);
  auto r = cmp.report();
  EXPECT_EQ(r.frames_compared, 3);
  EXPECT_EQ(r.boxes_active, 3);
  EXPECT_EQ(r.boxes_candidate, 2);
  EXPECT_EQ(r.boxes_matched, 1);
  EXPECT_DOUBLE_EQ(r.agreement, 2.0 * 1 / 5);
  EXPECT_EQ(r.classes_active.at("drone"), 2);
  EXPECT_EQ(r.classes_active.at("bird"), 1);
  EXPECT_EQ(r.classes_candidate.at("drone"), 1);
  EXPECT_EQ(r.classes_candidate.at("airplane"), 1);
  EXPECT_DOUBLE_EQ(r.median_ms_active, 20.0);
  EXPECT_DOUBLE_EQ(r.median_ms_candidate, 3.0);
}

TEST(shadow_compare, agreement_is_one_when_both_see_nothing) {
  shadow_compare cmp(sky, sky);
  cmp.add({}, 1, {}, 1);
  EXPECT_DOUBLE_EQ(cmp.report().agreement, 1.0);
}

TEST(shadow_compare, merges_detectors_and_bounds_the_latency_window) {
  shadow_compare a(sky, sky, 4), b(sky, sky, 4);
  for (int i = 0; i < 10; ++i)
    a.add({det(0, 0, 10, 10, 0)}, double(i), {det(0, 0, 10, 10, 0)}, 1.0);
  b.add({det(0, 0, 10, 10, 1)}, 100.0, {}, 50.0);
  auto ra = a.report();
  EXPECT_EQ(ra.latency_active_ms.size(), 4u);
  EXPECT_DOUBLE_EQ(ra.median_ms_active, 7.5); // 6, 7, 8, 9
  shadow_report total;
  merge_shadow(total, ra);
  merge_shadow(total, b.report());
  finish_shadow(total);
  EXPECT_EQ(total.detectors, 2);
  EXPECT_EQ(total.frames_compared, 11);
  EXPECT_EQ(total.boxes_active, 11);
  EXPECT_EQ(total.boxes_candidate, 10);
  EXPECT_EQ(total.boxes_matched, 10);
  EXPECT_EQ(total.classes_active.at("bird"), 1);
  EXPECT_DOUBLE_EQ(total.median_ms_active, 8.0); // 6, 7, 8, 9, 100
  EXPECT_DOUBLE_EQ(total.agreement, 20.0 / 21.0);
}
