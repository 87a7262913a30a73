// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/metadata.hpp"

#include <algorithm>
#include <cmath>

namespace argus {

double round6(double x) {
  return std::round(x * 1e6) / 1e6;
}

norm_box normalize(const pixel_box& box, int frame_w, int frame_h) {
  if (frame_w <= 0 || frame_h <= 0)
    return {};
  auto clamp01 = [](double v) { return std::clamp(v, 0.0, 1.0); };
  auto x1 = clamp01(double(box.x) / frame_w);
  auto y1 = clamp01(double(box.y) / frame_h);
  auto x2 = clamp01(double(box.x + std::max(0.0f, box.w)) / frame_w);
  auto y2 = clamp01(double(box.y + std::max(0.0f, box.h)) / frame_h);
  // Round the corners, then derive w/h, so rounding never pushes x + w > 1.
  x1 = round6(x1);
  y1 = round6(y1);
  x2 = round6(x2);
  y2 = round6(y2);
  return {x1, y1, round6(x2 - x1), round6(y2 - y1)};
}

} // namespace argus
