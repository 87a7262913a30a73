// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/zone.hpp"

#include <algorithm>
#include <cmath>

namespace argus {

bool zone_contains(const zone_polygon& zone, norm_point p) {
  const auto& v = zone.vertices;
  if (v.size() < 3)
    return false;
  bool inside = false;
  for (size_t i = 0, j = v.size() - 1; i < v.size(); j = i++) {
    // Does the edge j→i cross the horizontal ray from p to the right?
    bool spans = (v[i].y > p.y) != (v[j].y > p.y);
    if (spans) {
      double x_at
          = v[j].x + (p.y - v[j].y) * (v[i].x - v[j].x) / (v[i].y - v[j].y);
      if (p.x < x_at)
        inside = !inside;
    }
  }
  return inside;
}

std::string zone_problem(const zone_polygon& zone) {
  if (zone.vertices.size() < 3)
    return "needs at least 3 points";
  for (const auto& p : zone.vertices)
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || p.x < 0 || p.x > 1
        || p.y < 0 || p.y > 1)
      return "points must be normalized coordinates in [0, 1]";
  return {};
}

bool inside_required_zones(const std::vector<zone_polygon>& zones,
                           norm_point p) {
  return zones.empty()
         || std::any_of(zones.begin(), zones.end(),
                        [&](const auto& z) { return zone_contains(z, p); });
}

} // namespace argus
