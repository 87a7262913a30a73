// SPDX-License-Identifier: Apache-2.0
// Tracker update cost per frame at 10, 100 and 1000 detections: argus'
// sky defaults (buffered IoU) side by side with plain IoU (match_buffer 0)
// in the same run. Seeded random walkers; 5 runs, median reported.
#include "core/analytics/byte_tracker.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

using namespace argus;

namespace {

std::vector<std::vector<detection>> make_frames(int n, int frames) {
  std::mt19937 rng(n);
  std::uniform_real_distribution<float> pos(0, 3000), vel(-4, 4), sz(10, 40);
  std::normal_distribution<float> noise(0, 0.7f);
  struct walker {
    float x, y, vx, vy, w, h;
  };
  std::vector<walker> ws(n);
  for (auto& w : ws)
    w = {pos(rng), pos(rng), vel(rng), vel(rng), sz(rng), sz(rng)};
  std::vector<std::vector<detection>> out(frames);
  for (int f = 0; f < frames; ++f)
    for (auto& w : ws) {
      w.x += w.vx;
      w.y += w.vy;
      out[f].push_back({{w.x + noise(rng), w.y + noise(rng), w.w, w.h},
                        f % 7 == 0 ? 0.3f : 0.8f,
                        0});
    }
  return out;
}

double run_us_per_frame(const std::vector<std::vector<detection>>& frames,
                        tracker_params p) {
  byte_tracker trk(p);
  auto t0 = std::chrono::steady_clock::now();
  size_t sink = 0;
  for (auto& f : frames)
    sink += trk.update(f).size();
  auto dt = std::chrono::duration<double, std::micro>(
                std::chrono::steady_clock::now() - t0)
                .count();
  if (sink == 0)
    std::fprintf(stderr, "no tracks?\n");
  return dt / frames.size();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

} // namespace

int main() {
  std::printf("| detections/frame | argus (buffered IoU) us/frame | plain IoU "
              "us/frame |\n");
  std::printf("|---|---|---|\n");
  for (int n : {10, 100, 1000}) {
    auto frames = make_frames(n, n >= 1000 ? 60 : 300);
    tracker_params buffered, plain;
    plain.match_buffer = 0;
    std::vector<double> a, b;
    for (int run = 0; run < 5; ++run) {
      a.push_back(run_us_per_frame(frames, buffered));
      b.push_back(run_us_per_frame(frames, plain));
    }
    std::printf("| %d | %.1f | %.1f |\n", n, median(a), median(b));
  }
  return 0;
}
