// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/latency_stats.hpp"
#include "core/analytics/metadata.hpp"

#include <gtest/gtest.h>

using namespace argus;

TEST(normalize, maps_pixels_to_unit_square_with_six_decimals) {
  auto b = normalize({64, 36, 32, 18}, 640, 360);
  EXPECT_DOUBLE_EQ(b.x, 0.1);
  EXPECT_DOUBLE_EQ(b.y, 0.1);
  EXPECT_DOUBLE_EQ(b.w, 0.05);
  EXPECT_DOUBLE_EQ(b.h, 0.05);
  auto odd = normalize({1, 1, 1, 1}, 3, 7);
  EXPECT_DOUBLE_EQ(odd.x, 0.333333);
  EXPECT_DOUBLE_EQ(odd.y, 0.142857);
}

TEST(normalize, clamps_boxes_that_leave_the_frame) {
  auto b = normalize({-20, -10, 60, 40}, 100, 100);
  EXPECT_DOUBLE_EQ(b.x, 0);
  EXPECT_DOUBLE_EQ(b.y, 0);
  EXPECT_DOUBLE_EQ(b.w, 0.4);
  EXPECT_DOUBLE_EQ(b.h, 0.3);
  auto r = normalize({90, 95, 50, 50}, 100, 100);
  EXPECT_LE(r.x + r.w, 1.0);
  EXPECT_LE(r.y + r.h, 1.0);
  EXPECT_DOUBLE_EQ(r.w, 0.1);
  auto outside = normalize({200, 200, 10, 10}, 100, 100);
  EXPECT_DOUBLE_EQ(outside.x, 1.0);
  EXPECT_DOUBLE_EQ(outside.w, 0.0);
}

TEST(normalize, rounding_never_pushes_past_one) {
  for (int w = 1; w < 2000; w += 7) {
    auto b = normalize({float(w) / 3, float(w) / 7, float(w), float(w)}, w, w);
    EXPECT_LE(b.x + b.w, 1.0 + 1e-12) << w;
    EXPECT_LE(b.y + b.h, 1.0 + 1e-12) << w;
    EXPECT_GE(b.w, 0);
  }
}

TEST(normalize, degenerate_frame_or_negative_size_gives_zero_extent) {
  auto z = normalize({1, 2, 3, 4}, 0, 360);
  EXPECT_EQ(z.x + z.y + z.w + z.h, 0);
  auto neg = normalize({10, 10, -5, -5}, 100, 100);
  EXPECT_DOUBLE_EQ(neg.w, 0);
  EXPECT_DOUBLE_EQ(neg.h, 0);
}

TEST(latency_stats, nearest_rank_percentiles_and_rate_over_window) {
  latency_stats s(100);
  EXPECT_EQ(s.percentile(50), 0);
  EXPECT_EQ(s.rate(), 0);
  for (int i = 1; i <= 100; ++i)
    s.add(i, i * 100); // one sample every 100 ms: 10/s
  EXPECT_DOUBLE_EQ(s.percentile(50), 50);
  EXPECT_DOUBLE_EQ(s.percentile(99), 99);
  EXPECT_DOUBLE_EQ(s.percentile(100), 100);
  EXPECT_NEAR(s.rate(), 10.0, 1e-9);
  for (int i = 0; i < 100; ++i)
    s.add(1000, 20000 + i * 50); // the window slides: old samples leave
  EXPECT_DOUBLE_EQ(s.percentile(1), 1000);
  EXPECT_NEAR(s.rate(), 20.0, 1e-9);
}
