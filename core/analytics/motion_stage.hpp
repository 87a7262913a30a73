// SPDX-License-Identifier: Apache-2.0
// Where the scene moved between two frames once the camera's own motion is
// taken out: frame differencing on a downscaled grey image after a global
// camera-motion compensation (sparse optical flow + a RANSAC affine fit),
// so a panning PTZ camera does not light up the whole frame.
#pragma once

#include "messages/types.hpp"

#include <opencv2/core.hpp>
#include <vector>

namespace argus {

/// Tunables of the motion stage (config section `motion`).
struct motion_params {
  /// Frames are converted to grey and downscaled to this width first.
  int work_width = 320;
  /// Corners tracked for the camera-motion fit.
  int max_corners = 100;
  /// Fewer tracked corners than this: no fit, the frame counts as still.
  int min_inliers = 8;
  /// Grey-level change (after compensation) that counts as motion. Low:
  /// a distant drone against a grey sky differs by little; a false "moved"
  /// only leaves a detection's score as it was.
  int diff_threshold = 10;
  /// Smallest moving blob kept, in work-image pixels.
  int min_area = 2;
  /// Regions reported per frame at most (largest first).
  int max_regions = 16;
};

/// One frame's answer: the camera's motion and the regions that moved.
struct motion_result {
  /// False on a camera's first frame (or a new frame size): nothing is
  /// known about motion yet.
  bool primed = false;
  /// 2x3 affine map from the previous frame to this one, in frame pixels
  /// (identity when there was no previous frame or no fit).
  cv::Matx23d camera_motion = cv::Matx23d(1, 0, 0, 0, 1, 0);
  /// Whether camera_motion came from a fit (enough corners agreed).
  bool compensated = false;
  /// Boxes of what moved, in frame pixels, largest first.
  std::vector<pixel_box> regions;
};

/// The motion stage of one camera: keeps the previous frame. Not
/// thread-safe; one per detector.
class motion_stage {
public:
  explicit motion_stage(motion_params params = {});

  /// Folds in the next BGR frame. The first frame (or one of a new size)
  /// only primes the stage and reports no regions.
  motion_result update(const cv::Mat& bgr);

  const motion_params& params() const { return params_; }

private:
  /// The affine map previous -> current in work pixels; empty when too few
  /// corners agree on one.
  cv::Mat fit_camera_motion(const cv::Mat& cur) const;
  std::vector<pixel_box>
  moving_regions(const cv::Mat& cur, const cv::Mat& affine, double scale) const;

  motion_params params_;
  cv::Mat prev_;
  cv::Size frame_size_;
};

/// Multiplies the score of every detection that overlaps no moving region
/// by `factor`: still clutter (a tree, a roof) then falls under the
/// tracker's birth and first-stage thresholds, while a tracked object that
/// pauses can still be followed by ByteTrack's low-score stage. Does
/// nothing before the stage is primed.
void damp_still_detections(std::vector<detection>& dets,
                           const motion_result& motion, float factor);

/// Whether `box` overlaps any region once both grow by `margin` of their
/// size on every side (a small object's blob and box rarely coincide).
bool overlaps_motion(const pixel_box& box,
                     const std::vector<pixel_box>& regions,
                     float margin = 0.5f);

} // namespace argus
