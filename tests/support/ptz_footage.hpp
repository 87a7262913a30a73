// SPDX-License-Identifier: Apache-2.0
// Footage of the virtual PTZ camera (backend sim) as the camera actor makes
// it: the synthetic sky rendered 1 / wide_fov times wider with sizes scaled
// back, and the head's view of it, frame by frame, with the view and the
// ground truth in the view. For ego-motion tests and benchmarks: the views
// give the camera's true motion (motion_between).
#pragma once

#include "core/ptz/view_truth.hpp"
#include "core/ptz/virtual_ptz.hpp"
#include "core/video/global_motion.hpp"
#include "core/video/synthetic_scene.hpp"

#include <cmath>
#include <vector>

namespace argus::test {

struct ptz_footage_frame {
  int64_t t_ms = 0;
  cv::Mat bgr;
  norm_box view;
  std::vector<truth_box> truth;
};

/// Renders `frames` frames of the virtual camera looking at the scene of
/// `view_params` (its width, height and fps are the camera's); before
/// each frame, `script(t_ms, head)` may command the head.
template <class Script>
std::vector<ptz_footage_frame>
render_ptz_footage(const synthetic_params& view_params,
                   const virtual_ptz_limits& limits, int frames,
                   Script script) {
  auto wide = view_params;
  wide.width = int(std::lround(view_params.width / limits.wide_fov));
  wide.height = int(std::lround(view_params.height / limits.wide_fov));
  wide.size_scale = limits.wide_fov;
  synthetic_scene scene(wide);
  cv::Size out{view_params.width, view_params.height};
  virtual_ptz head{limits, double(wide.height) / wide.width,
                   double(out.height) / out.width};
  std::vector<ptz_footage_frame> footage;
  cv::Mat img;
  std::vector<truth_box> truth;
  for (int i = 0; i < frames; ++i) {
    ptz_footage_frame f;
    f.t_ms = int64_t(std::lround(i * 1000.0 / view_params.fps));
    script(f.t_ms, head);
    head.advance(f.t_ms);
    scene.render(i, img, truth);
    f.view = head.view();
    f.bgr = render_view(img, f.view, out);
    f.truth = truth_in_view(truth, img.size(), f.view, out);
    footage.push_back(std::move(f));
  }
  return footage;
}

/// The camera's true motion between two frames in pixels of a frame of
/// `size`: a point at x moves to `scale * x + offset`.
inline view_motion true_motion_px(const norm_box& before, const norm_box& after,
                                  cv::Size size) {
  auto m = motion_between(before, after);
  m.offset[0] *= size.width;
  m.offset[1] *= size.height;
  return m;
}

/// Mean distance, in pixels, between where the estimate and the truth put
/// a 3x3 grid of points spread over a frame of `size`.
inline double endpoint_error(const global_motion_estimate& e,
                             const view_motion& truth, cv::Size size) {
  double sum = 0;
  for (double fx : {0.1, 0.5, 0.9})
    for (double fy : {0.1, 0.5, 0.9}) {
      double x = fx * size.width, y = fy * size.height;
      sum += std::hypot(
          e.scale * x + e.dx - (truth.scale * x + truth.offset[0]),
          e.scale * y + e.dy - (truth.scale * y + truth.offset[1]));
    }
  return sum / 9;
}

} // namespace argus::test
