// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/zone.hpp"

#include <gtest/gtest.h>
#include <limits>

using namespace argus;

namespace {

zone_polygon square(double x0, double y0, double x1, double y1) {
  return {"square", {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}};
}

} // namespace

TEST(zone, square_contains_its_inside_only) {
  auto z = square(0.2, 0.2, 0.6, 0.5);
  EXPECT_TRUE(zone_contains(z, {0.4, 0.3}));
  EXPECT_FALSE(zone_contains(z, {0.1, 0.3}));
  EXPECT_FALSE(zone_contains(z, {0.7, 0.3}));
  EXPECT_FALSE(zone_contains(z, {0.4, 0.6}));
  EXPECT_FALSE(zone_contains(z, {0.4, 0.1}));
}

TEST(zone, concave_polygon_excludes_its_notch) {
  // A "U": the notch between the arms is outside.
  zone_polygon u{"u",
                 {{0.1, 0.1},
                  {0.3, 0.1},
                  {0.3, 0.6},
                  {0.7, 0.6},
                  {0.7, 0.1},
                  {0.9, 0.1},
                  {0.9, 0.9},
                  {0.1, 0.9}}};
  EXPECT_TRUE(zone_contains(u, {0.2, 0.3}));  // left arm
  EXPECT_TRUE(zone_contains(u, {0.8, 0.3}));  // right arm
  EXPECT_FALSE(zone_contains(u, {0.5, 0.3})); // the notch
  EXPECT_TRUE(zone_contains(u, {0.5, 0.8}));  // the base
}

TEST(zone, degenerate_polygons_contain_nothing) {
  EXPECT_FALSE(zone_contains({"line", {{0, 0}, {1, 1}}}, {0.5, 0.5}));
  EXPECT_FALSE(zone_contains({"empty", {}}, {0.5, 0.5}));
}

TEST(zone, problems_are_named) {
  EXPECT_EQ(zone_problem(square(0, 0, 1, 1)), "");
  EXPECT_NE(zone_problem({"two", {{0, 0}, {1, 1}}}), "");
  EXPECT_NE(zone_problem(square(0, 0, 1.5, 1)), "");
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(zone_problem({"nan", {{0, 0}, {nan, 0}, {0, 1}}}), "");
}

TEST(zone, no_required_zones_means_everywhere) {
  EXPECT_TRUE(inside_required_zones({}, {0.99, 0.01}));
  std::vector<zone_polygon> zones{square(0, 0, 0.3, 0.3),
                                  square(0.7, 0.7, 1, 1)};
  EXPECT_TRUE(inside_required_zones(zones, {0.8, 0.8}));
  EXPECT_FALSE(inside_required_zones(zones, {0.5, 0.5}));
}
