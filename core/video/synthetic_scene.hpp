// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/types.hpp"

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

namespace argus {

/// Class ids of the synthetic scene; they match models/argus-sky.names.
enum synthetic_class : int32_t { class_drone = 0, class_bird = 1 };

/// Parameters of a synthetic sky scene.
struct synthetic_params {
  int width = 640;
  int height = 360;
  double fps = 15;
  uint64_t seed = 1;
  int drones = 3;
  int birds = 2;
  /// Foreground clouds that drift across the sky and hide objects briefly.
  int occluders = 2;
  /// Standard deviation of per-pixel sensor noise (0 = none).
  double noise = 2.0;
  /// Multiplies every size (objects, clouds): a virtual PTZ camera renders
  /// its scene 1 / wide_fov times wider with sizes times wide_fov, so its
  /// wide view looks like an ordinary camera. Not a config key.
  double size_scale = 1.0;
};

/// Renders a sky-like background with drone- and bird-like sprites moving on
/// smooth seeded random paths, and reports the ground-truth box of every
/// object. Rendering is a pure function of (params, frame index): the same
/// seed and index always give the same pixels and boxes.
class synthetic_scene {
public:
  explicit synthetic_scene(const synthetic_params& params);

  /// Draws frame `index` into `out` (BGR, resized as needed) and fills `truth`
  /// with the visible objects (partially occluded ones included, with their
  /// occluded fraction).
  void render(int64_t index, cv::Mat& out, std::vector<truth_box>& truth) const;

  const synthetic_params& params() const { return params_; }

private:
  struct harmonic {
    double amp;
    double omega;
    double phase;
  };
  struct object {
    int32_t class_id;
    double size;
    harmonic x[3];
    harmonic y[3];
    double cx;
    double cy;
    double flap_hz;
    cv::Scalar color;
  };
  struct occluder {
    double x0;
    double y;
    double speed;
    double rx;
    double ry;
  };

  cv::Point2d position(const object& obj, double t) const;
  pixel_box draw_drone(cv::Mat& img, const object& obj, cv::Point2d c,
                       double t) const;
  pixel_box draw_bird(cv::Mat& img, const object& obj, cv::Point2d c,
                      double t) const;
  void draw_occluders(cv::Mat& img, double t) const;
  float occluded_fraction(const pixel_box& box, double t) const;
  cv::Point2d occluder_center(const occluder& occ, double t) const;

  synthetic_params params_;
  cv::Mat background_;
  std::vector<object> objects_;
  std::vector<occluder> occluders_;
};

} // namespace argus
