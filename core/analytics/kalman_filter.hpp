// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <opencv2/core/matx.hpp>

namespace argus {

/// Constant-velocity Kalman filter over (cx, cy, aspect, height) and their
/// velocities, with noise proportional to the box height as in SORT/ByteTrack:
/// a far, small object gets a tighter gate than a near, large one.
class kalman_filter {
public:
  using state = cv::Matx<double, 8, 1>;
  using covariance = cv::Matx<double, 8, 8>;
  using measurement = cv::Matx<double, 4, 1>;

  /// Creates a track's first estimate from a measurement (cx, cy, a, h).
  void initiate(const measurement& z, state& mean, covariance& cov) const;

  /// Advances mean and covariance by one frame.
  void predict(state& mean, covariance& cov) const;

  /// Folds a measurement into the estimate.
  void update(state& mean, covariance& cov, const measurement& z) const;

private:
  static constexpr double std_weight_position = 1.0 / 20;
  static constexpr double std_weight_velocity = 1.0 / 160;
};

} // namespace argus
