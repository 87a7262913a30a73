// SPDX-License-Identifier: Apache-2.0
// Detections made from the synthetic scene's ground truth, with seeded box
// jitter, score noise and misses under occlusion: a stand-in detector whose
// output is known exactly, for tracker and session tests.
#pragma once

#include "core/analytics/mot.hpp"
#include "core/video/synthetic_scene.hpp"

#include <random>
#include <vector>

namespace argus::test {

struct synthetic_run {
  std::vector<std::vector<detection>> detections; // per frame
  std::vector<mot_row> truth;                     // frames start at 1
};

/// Renders `frames` frames of a scene and derives detections from its truth.
inline synthetic_run make_synthetic_run(const synthetic_params& p, int frames,
                                        uint32_t noise_seed,
                                        float max_occluded = 0.6f) {
  synthetic_run run;
  synthetic_scene scene(p);
  std::mt19937 rng(noise_seed);
  std::normal_distribution<float> jitter(0, 1.0f);
  std::uniform_real_distribution<float> score(0.55f, 0.95f);
  cv::Mat img;
  std::vector<truth_box> truth;
  for (int f = 0; f < frames; ++f) {
    scene.render(f, img, truth);
    std::vector<detection> dets;
    for (auto& t : truth) {
      mot_row row;
      row.frame = f + 1;
      row.id = t.object_id;
      row.bbox = t.bbox;
      row.flag = t.occluded > max_occluded ? 0 : 1;
      run.truth.push_back(row);
      if (t.occluded > max_occluded)
        continue; // a detector misses what it cannot see
      detection d;
      d.bbox = {t.bbox.x + jitter(rng), t.bbox.y + jitter(rng), t.bbox.w,
                t.bbox.h};
      d.conf = t.occluded > 0.3f ? 0.3f : score(rng);
      d.class_id = t.class_id;
      dets.push_back(d);
    }
    run.detections.push_back(std::move(dets));
  }
  return run;
}

} // namespace argus::test
