// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/video/synthetic_scene.hpp"

#include <string>

namespace argus {

/// Options of `argus synth`: writes synthetic frames with YOLO-format labels,
/// the training set of the shipped detector.
struct synthetic_export_options {
  std::string out_dir;
  uint64_t first_seed = 100;
  int seeds = 1;
  int frames_per_seed = 40;
  /// Frame index step between exported frames of one seed.
  int frame_step = 7;
  int width = 640;
  int height = 360;
  /// Objects hidden more than this are left out of the labels.
  float max_occluded = 0.6f;
  int jpeg_quality = 90;
};

/// Renders and writes images/<n>.jpg and labels/<n>.txt under out_dir.
/// @returns the number of images written.
int export_synthetic(const synthetic_export_options& opts);

} // namespace argus
