// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace argus::test {

/// Blurred noise in BGR: texture (corners) everywhere, like ground and
/// clouds. Larger than a frame, so shifted or zoomed views of it have no
/// empty border. `seed` picks the noise.
inline cv::Mat textured_scene(int w, int h, uint64_t seed) {
  cv::Mat noise(h, w, CV_8UC1);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(noise, noise, cv::Size(0, 0), 3);
  cv::normalize(noise, noise, 0, 255, cv::NORM_MINMAX);
  cv::Mat bgr;
  cv::cvtColor(noise, bgr, cv::COLOR_GRAY2BGR);
  return bgr;
}

} // namespace argus::test
