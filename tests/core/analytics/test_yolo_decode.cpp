// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/yolo_decode.hpp"

#include <gtest/gtest.h>

using namespace argus;

namespace {

struct candidate {
  float cx, cy, w, h;
  std::vector<float> scores;
  float obj = 1;
};

/// Builds a [1, 4+C, N] (v8) or [1, N, 5+C] (v5) tensor from candidates.
cv::Mat make_output(yolo_layout layout, int nc,
                    const std::vector<candidate>& cs) {
  int n = int(cs.size());
  bool v8 = layout == yolo_layout::yolov8;
  int attrs = v8 ? 4 + nc : 5 + nc;
  int sizes[] = {1, v8 ? attrs : n, v8 ? n : attrs};
  cv::Mat out(3, sizes, CV_32F, cv::Scalar(0));
  auto* d = out.ptr<float>();
  auto set = [&](int i, int k, float v) {
    (v8 ? d[size_t(k) * n + i] : d[size_t(i) * attrs + k]) = v;
  };
  for (int i = 0; i < n; ++i) {
    set(i, 0, cs[i].cx);
    set(i, 1, cs[i].cy);
    set(i, 2, cs[i].w);
    set(i, 3, cs[i].h);
    int first = v8 ? 4 : 5;
    if (!v8)
      set(i, 4, cs[i].obj);
    for (int c = 0; c < nc; ++c)
      set(i, first + c, cs[i].scores[c]);
  }
  return out;
}

} // namespace

TEST(letterbox, keeps_aspect_and_centers_the_image) {
  auto tf = compute_letterbox({640, 360}, {320, 192});
  EXPECT_DOUBLE_EQ(tf.scale, 0.5);
  EXPECT_DOUBLE_EQ(tf.pad_x, 0);
  EXPECT_DOUBLE_EQ(tf.pad_y, 6);
  cv::Mat src(360, 640, CV_8UC3, cv::Scalar(0, 0, 255)), dst;
  letterbox(src, {320, 192}, dst, tf);
  ASSERT_EQ(dst.size(), cv::Size(320, 192));
  EXPECT_EQ(dst.at<cv::Vec3b>(96, 160), cv::Vec3b(0, 0, 255)); // image
}

TEST(letterbox, padding_repeats_the_edge_so_there_is_no_seam) {
  // Top half blue, bottom half green, one bright column: every padded row
  // copies the nearest image row, so no row or column of the input holds a
  // value the frame's edge does not.
  cv::Mat src(360, 640, CV_8UC3, cv::Scalar(255, 0, 0)), dst;
  src.rowRange(180, 360).setTo(cv::Scalar(0, 255, 0));
  src.col(300).setTo(cv::Scalar(255, 255, 255));
  letterbox_transform tf;
  letterbox(src, {640, 512}, dst, tf);
  ASSERT_EQ(dst.size(), cv::Size(640, 512));
  ASSERT_DOUBLE_EQ(tf.pad_y, 76);
  for (int y = 0; y < 76; ++y)
    ASSERT_EQ(cv::norm(dst.row(y), dst.row(76), cv::NORM_INF), 0) << y;
  for (int y = 436; y < 512; ++y)
    ASSERT_EQ(cv::norm(dst.row(y), dst.row(435), cv::NORM_INF), 0) << y;
  EXPECT_EQ(dst.at<cv::Vec3b>(0, 300), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(dst.at<cv::Vec3b>(511, 10), cv::Vec3b(0, 255, 0));
}

TEST(yolo_layout, is_recognized_from_the_output_shape) {
  yolo_layout l;
  int v8[] = {1, 6, 1260};
  EXPECT_TRUE(guess_layout(cv::Mat(3, v8, CV_32F), 2, l));
  EXPECT_EQ(l, yolo_layout::yolov8);
  int v5[] = {1, 25200, 85};
  EXPECT_TRUE(guess_layout(cv::Mat(3, v5, CV_32F), 80, l));
  EXPECT_EQ(l, yolo_layout::yolov5);
  int bad[] = {1, 7, 7};
  EXPECT_FALSE(guess_layout(cv::Mat(3, bad, CV_32F), 80, l));
}

class decode_both_layouts : public ::testing::TestWithParam<yolo_layout> {};

TEST_P(decode_both_layouts, maps_boxes_back_through_the_letterbox) {
  auto tf = compute_letterbox({640, 360}, {320, 192});
  // A 20x10 box centred at (100, 56) in input pixels is a 40x20 box at
  // (200, 100) in the source frame (scale 0.5, pad_y 6).
  auto out = make_output(GetParam(), 2, {{100, 56, 20, 10, {0.1f, 0.9f}}});
  auto dets = decode_yolo(out, GetParam(), 2, tf, {640, 360}, {0.25f, 0.45f});
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_EQ(dets[0].class_id, 1);
  EXPECT_FLOAT_EQ(dets[0].conf, 0.9f);
  EXPECT_FLOAT_EQ(dets[0].bbox.x, 180);
  EXPECT_FLOAT_EQ(dets[0].bbox.y, 90);
  EXPECT_FLOAT_EQ(dets[0].bbox.w, 40);
  EXPECT_FLOAT_EQ(dets[0].bbox.h, 20);
}

TEST_P(decode_both_layouts, thresholds_and_class_aware_nms) {
  auto tf = compute_letterbox({320, 192}, {320, 192});
  auto out = make_output(GetParam(), 2,
                         {{50, 50, 20, 20, {0.9f, 0.0f}},
                          {51, 50, 20, 20, {0.8f, 0.0f}},   // same class: gone
                          {50, 51, 20, 20, {0.0f, 0.7f}},   // other class: kept
                          {200, 100, 20, 20, {0.2f, 0.1f}}, // below threshold
                          {150, 150, 30, 30, {0.6f, 0.0f}}});
  auto dets = decode_yolo(out, GetParam(), 2, tf, {320, 192}, {0.25f, 0.45f});
  ASSERT_EQ(dets.size(), 3u);
  EXPECT_FLOAT_EQ(dets[0].conf, 0.9f);
  EXPECT_EQ(dets[1].class_id, 1);
  EXPECT_FLOAT_EQ(dets[1].conf, 0.7f);
  EXPECT_FLOAT_EQ(dets[2].conf, 0.6f);
}

TEST_P(decode_both_layouts, clips_to_the_frame_and_drops_degenerate_boxes) {
  auto tf = compute_letterbox({320, 192}, {320, 192});
  auto out = make_output(GetParam(), 1,
                         {{5, 5, 20, 20, {0.9f}}, {400, 400, 10, 10, {0.9f}}});
  auto dets = decode_yolo(out, GetParam(), 1, tf, {320, 192}, {0.25f, 0.45f});
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_FLOAT_EQ(dets[0].bbox.x, 0);
  EXPECT_FLOAT_EQ(dets[0].bbox.w, 15);
}

TEST_P(decode_both_layouts, boxes_centred_in_the_padding_are_dropped) {
  // 640x360 in 640x512: 76 rows of padding above and below the frame.
  auto tf = compute_letterbox({640, 360}, {640, 512});
  auto out = make_output(GetParam(), 1,
                         {{320, 40, 30, 30, {0.9f}},   // in the top band
                          {320, 470, 30, 30, {0.9f}},  // in the bottom band
                          {100, 80, 30, 30, {0.8f}}}); // overlaps, centre in
  auto dets = decode_yolo(out, GetParam(), 1, tf, {640, 360}, {0.25f, 0.45f});
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_FLOAT_EQ(dets[0].conf, 0.8f);
  EXPECT_FLOAT_EQ(dets[0].bbox.y, 0);
  EXPECT_FLOAT_EQ(dets[0].bbox.h, 19);
}

INSTANTIATE_TEST_SUITE_P(layouts, decode_both_layouts,
                         ::testing::Values(yolo_layout::yolov8,
                                           yolo_layout::yolov5));

TEST(yolo_decode, v5_objectness_scales_the_class_score) {
  auto tf = compute_letterbox({320, 192}, {320, 192});
  candidate c{50, 50, 20, 20, {0.8f}, 0.5f};
  auto out = make_output(yolo_layout::yolov5, 1, {c});
  auto dets = decode_yolo(out, yolo_layout::yolov5, 1, tf, {320, 192},
                          {0.25f, 0.45f});
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_FLOAT_EQ(dets[0].conf, 0.4f);
  c.obj = 0.2f; // objectness alone below threshold
  out = make_output(yolo_layout::yolov5, 1, {c});
  EXPECT_TRUE(
      decode_yolo(out, yolo_layout::yolov5, 1, tf, {320, 192}, {0.25f, 0.45f})
          .empty());
}

TEST(yolo_decode, wrong_tensor_shape_or_type_gives_nothing) {
  auto tf = compute_letterbox({320, 192}, {320, 192});
  cv::Mat flat(10, 10, CV_32F, cv::Scalar(1));
  EXPECT_TRUE(
      decode_yolo(flat, yolo_layout::yolov8, 2, tf, {320, 192}, {}).empty());
  int sz[] = {1, 3, 10}; // fewer attributes than classes need
  cv::Mat narrow(3, sz, CV_32F, cv::Scalar(1));
  EXPECT_TRUE(
      decode_yolo(narrow, yolo_layout::yolov8, 2, tf, {320, 192}, {}).empty());
}
