// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/kalman_filter.hpp"

#include <opencv2/core.hpp>

namespace argus {

namespace {

using mat84 = cv::Matx<double, 8, 4>;
using mat44 = cv::Matx<double, 4, 4>;

cv::Matx<double, 8, 8> motion() {
  auto f = cv::Matx<double, 8, 8>::eye();
  for (int i = 0; i < 4; ++i)
    f(i, i + 4) = 1.0;
  return f;
}

cv::Matx<double, 4, 8> projection() {
  cv::Matx<double, 4, 8> h = cv::Matx<double, 4, 8>::zeros();
  for (int i = 0; i < 4; ++i)
    h(i, i) = 1.0;
  return h;
}

double sq(double x) {
  return x * x;
}

} // namespace

void kalman_filter::initiate(const measurement& z, state& mean,
                             covariance& cov) const {
  mean = state::zeros();
  for (int i = 0; i < 4; ++i)
    mean(i) = z(i);
  double h = z(3);
  double stds[8] = {2 * std_weight_position * h,
                    2 * std_weight_position * h,
                    1e-2,
                    2 * std_weight_position * h,
                    10 * std_weight_velocity * h,
                    10 * std_weight_velocity * h,
                    1e-5,
                    10 * std_weight_velocity * h};
  cov = covariance::zeros();
  for (int i = 0; i < 8; ++i)
    cov(i, i) = sq(stds[i]);
}

void kalman_filter::predict(state& mean, covariance& cov) const {
  static const auto f = motion();
  double h = mean(3);
  double stds[8] = {std_weight_position * h,
                    std_weight_position * h,
                    1e-2,
                    std_weight_position * h,
                    std_weight_velocity * h,
                    std_weight_velocity * h,
                    1e-5,
                    std_weight_velocity * h};
  covariance q = covariance::zeros();
  for (int i = 0; i < 8; ++i)
    q(i, i) = sq(stds[i]);
  mean = f * mean;
  cov = f * cov * f.t() + q;
}

void kalman_filter::update(state& mean, covariance& cov,
                           const measurement& z) const {
  static const auto h = projection();
  double bh = mean(3);
  mat44 r = mat44::zeros();
  r(0, 0) = sq(std_weight_position * bh);
  r(1, 1) = sq(std_weight_position * bh);
  r(2, 2) = sq(1e-1);
  r(3, 3) = sq(std_weight_position * bh);
  mat44 s = h * cov * h.t() + r;
  mat84 pht = cov * h.t();
  mat84 gain = pht * s.inv(cv::DECOMP_CHOLESKY);
  auto innovation = z - h * mean;
  mean = mean + gain * innovation;
  cov = cov - gain * s * gain.t();
}

} // namespace argus
