// SPDX-License-Identifier: Apache-2.0
#include "core/video/synthetic_export.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

namespace argus {

int export_synthetic(const synthetic_export_options& opts) {
  namespace fs = std::filesystem;
  fs::create_directories(fs::path(opts.out_dir) / "images");
  fs::create_directories(fs::path(opts.out_dir) / "labels");
  int written = 0;
  cv::Mat img;
  std::vector<truth_box> truth;
  for (int s = 0; s < opts.seeds; ++s) {
    synthetic_params p;
    p.width = opts.width;
    p.height = opts.height;
    p.seed = opts.first_seed + uint64_t(s);
    // Vary the crowd a little per seed so the model sees 1..6 objects.
    p.drones = 1 + int(p.seed % 4);
    p.birds = int((p.seed / 4) % 3);
    synthetic_scene scene(p);
    for (int f = 0; f < opts.frames_per_seed; ++f) {
      scene.render(int64_t(f) * opts.frame_step, img, truth);
      auto stem = fmt::format("{:06d}", written);
      cv::imwrite(
          (fs::path(opts.out_dir) / "images" / (stem + ".jpg")).string(), img,
          {cv::IMWRITE_JPEG_QUALITY, opts.jpeg_quality});
      std::ofstream lbl(fs::path(opts.out_dir) / "labels" / (stem + ".txt"));
      for (auto& t : truth) {
        if (t.occluded > opts.max_occluded)
          continue;
        lbl << fmt::format("{} {:.6f} {:.6f} {:.6f} {:.6f}\n", t.class_id,
                           (t.bbox.x + t.bbox.w / 2) / p.width,
                           (t.bbox.y + t.bbox.h / 2) / p.height,
                           t.bbox.w / p.width, t.bbox.h / p.height);
      }
      ++written;
    }
  }
  return written;
}

} // namespace argus
