// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace argus {

/// A point in normalized frame coordinates: (0, 0) top left, (1, 1)
/// bottom right, whatever the resolution.
struct norm_point {
  double x = 0;
  double y = 0;
};

/// A closed polygon in normalized coordinates (the last vertex joins the
/// first). Autotracking starts only while the target's centre is inside
/// one of the camera's `required_zones`.
struct zone_polygon {
  std::string name;
  std::vector<norm_point> vertices;
};

/// Whether `p` lies inside `zone` (even-odd rule; a point exactly on an
/// edge may fall either way). A polygon of fewer than three vertices
/// contains nothing.
bool zone_contains(const zone_polygon& zone, norm_point p);

/// Why `zone` cannot be used, or empty: fewer than three vertices, a
/// coordinate outside [0, 1] or not finite.
std::string zone_problem(const zone_polygon& zone);

/// True when `zones` is empty (no restriction) or any zone contains `p`.
bool inside_required_zones(const std::vector<zone_polygon>& zones,
                           norm_point p);

} // namespace argus
