// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/pid_axis.hpp"

#include <algorithm>
#include <cmath>

namespace argus {

namespace {

/// dt outside (0, 1 s] means a stalled or restarted caller; treating it as
/// a long step would fill the integral in one go.
double sane_dt(double dt_s) {
  if (!(dt_s > 0))
    return 0;
  return std::min(dt_s, 1.0);
}

} // namespace

double pid_axis::slew_to(double wanted, double dt_s) {
  wanted = std::clamp(wanted, -gains_.max_output, gains_.max_output);
  double step = gains_.max_slew_per_s * dt_s;
  output_ += std::clamp(wanted - output_, -step, step);
  return output_;
}

double pid_axis::update(double offset, double dt_s, double gain_scale) {
  dt_s = sane_dt(dt_s);
  if (!std::isfinite(offset))
    return coast(dt_s);
  if (std::abs(offset) < gains_.dead_band) {
    integral_ = 0;
    previous_ = offset;
    has_previous_ = true;
    return slew_to(0, dt_s);
  }
  double derivative = 0;
  if (has_previous_ && dt_s > 0)
    derivative = (offset - previous_) / dt_s;
  previous_ = offset;
  has_previous_ = true;
  double p = gains_.kp * offset;
  double d = gains_.kd * derivative;
  double unclamped = gain_scale * (p + integral_ + d);
  // Anti-windup: integrate only while the output is not pinned at its
  // limit in the direction the error pushes.
  bool saturated = std::abs(unclamped) >= gains_.max_output
                   && (unclamped > 0) == (offset > 0);
  if (!saturated && gains_.ki > 0) {
    integral_ += gains_.ki * offset * dt_s;
    integral_
        = std::clamp(integral_, -gains_.integral_limit, gains_.integral_limit);
  }
  return slew_to(gain_scale * (p + integral_ + d), dt_s);
}

double pid_axis::coast(double dt_s) {
  return slew_to(0, sane_dt(dt_s));
}

void pid_axis::reset() {
  integral_ = 0;
  previous_ = 0;
  has_previous_ = false;
}

} // namespace argus
