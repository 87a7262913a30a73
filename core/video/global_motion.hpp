// SPDX-License-Identifier: Apache-2.0
// The camera's own motion between two frames, measured from the pixels: the
// ego-motion of a PTZ camera that reports no view of its own (ONVIF, RTSP
// frames). Grid points followed by pyramidal Lucas-Kanade flow on a
// downscaled grey copy, a RANSAC fit that leaves moving objects out, then a
// least-squares scale + shift on the inliers (decision 0012).
#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace argus {

/// Tunables of the global motion estimate.
struct global_motion_params {
  /// Frames are converted to grey and downscaled to this width first.
  int work_width = 320;
  /// Points are picked on a grid of this many cells across (square cells):
  /// the most textured pixel of each cell, so the whole picture votes, not
  /// only the few sharp corners of the drones in it.
  int grid_cells = 24;
  /// A cell whose best pixel has less texture than this (the smaller
  /// eigenvalue of its 5x5 structure tensor, OpenCV's scale) gives no
  /// point: flat sky only follows noise.
  double texture_floor = 2e-5;
  /// A point the flow does not bring back to within this many work pixels
  /// when followed backwards is dropped.
  double max_round_trip_px = 0.5;
  /// Fewer RANSAC inliers than this: no estimate.
  int min_inliers = 12;
  /// Fewer inliers than this fraction of the followed points: the scene
  /// does not agree on one motion (a large object, a flicker), no estimate.
  double min_inlier_ratio = 0.5;
  /// RANSAC reprojection threshold, in work pixels.
  double ransac_px = 0.5;
  /// Inliers closer to their centroid than this fraction of the work width
  /// (root mean square) sit on one object, not on the scene: no estimate.
  double min_spread = 0.08;
  /// A PTZ head does not roll: a fit rotated by more than this (radians)
  /// is a wrong fit.
  double max_rotation = 0.02;
  /// A zoom step larger than this between two frames (|scale - 1|) is not
  /// a lens moving: no estimate.
  double max_scale_step = 0.2;
  /// A scale is kept only when it moves the inliers this many standard
  /// errors of its estimate away from 1; otherwise the fit is a pure
  /// shift (noise on a few points must not read as a zoom).
  double scale_significance = 4;
};

/// The camera's motion from the previous frame to this one as a
/// similarity without rotation: a point at pixel x of the previous frame
/// (continuous coordinates, the top-left corner at 0) appears at
/// `scale * x + dx` (and y likewise with dy).
struct global_motion_estimate {
  /// False: no trustworthy estimate (first frame, featureless or blank
  /// picture, no agreement); the other fields are then the identity.
  bool valid = false;
  double scale = 1;
  double dx = 0;
  double dy = 0;
  /// Points followed, and the RANSAC inliers among them.
  int tracked = 0;
  int inliers = 0;
};

/// Points of `prev` found again in `cur`, pair by pair, in pixel-index
/// coordinates of the work images.
struct point_tracks {
  std::vector<cv::Point2f> from;
  std::vector<cv::Point2f> to;
};

/// Grey, downscaled to `width` (never upscaled), lightly blurred so sensor
/// noise does not read as motion. `scale`: work width / frame width.
cv::Mat motion_work_image(const cv::Mat& bgr, int width, double& scale);

/// Follows grid points of `prev` into `cur` (work images of one size) by
/// pyramidal Lucas-Kanade flow, forwards and back.
point_tracks track_grid_points(const cv::Mat& prev, const cv::Mat& cur,
                               const global_motion_params& p);

/// The camera's motion between two work images, in work pixels, from the
/// points followed between them.
global_motion_estimate estimate_global_motion(const point_tracks& tracks,
                                              cv::Size work_size,
                                              const global_motion_params& p);

/// Estimates the camera's motion frame by frame: keeps the previous
/// frame's work image. Costs about a millisecond at 640x360. Not
/// thread-safe; one per camera.
class global_motion {
public:
  explicit global_motion(global_motion_params params = {});

  /// Folds in the next BGR frame; the motion since the previous one. The
  /// first frame (or one of a new size) and an empty one give no estimate.
  /// Never throws: an OpenCV failure is no estimate.
  global_motion_estimate update(const cv::Mat& bgr);

  const global_motion_params& params() const { return params_; }

private:
  global_motion_params params_;
  cv::Mat prev_;
  cv::Size frame_size_;
};

} // namespace argus
