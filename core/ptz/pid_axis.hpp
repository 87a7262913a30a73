// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/defaults.hpp"

namespace argus {

/// Gains and limits of one PTZ axis (pan or tilt). The error is the
/// target's offset from the frame centre in frame widths (or heights), so
/// it lies in [-0.5, 0.5]; the output is a normalized ONVIF velocity.
struct pid_gains {
  double kp = defaults::ptz::kp;
  double ki = defaults::ptz::ki;
  double kd = defaults::ptz::kd;
  /// Offsets smaller than this count as centred: the axis stops there
  /// rather than hunting a few pixels (and its integral is cleared).
  double dead_band = defaults::ptz::dead_band;
  /// Bound of the integral term's contribution to the output.
  double integral_limit = defaults::ptz::integral_limit;
  /// Largest velocity the axis commands.
  double max_output = 1.0;
  /// Largest change of the output per second, both ways: moves start and
  /// stop smoothly, and a noisy box cannot make the camera jerk.
  double max_slew_per_s = defaults::ptz::max_slew_per_s;
};

/// One axis of the autotracking servo: PID on the normalized offset with
/// a dead band, derivative on the measurement (never on a setpoint step,
/// and not on the first sample after a reset, so selecting a target does
/// not kick the camera), an integral that stops growing while the output
/// is saturated (anti-windup), and a slew limit on the output.
///
/// `gain_scale` scales the whole PID term per update: the controller
/// passes 1 / magnification, because at 10x zoom the same velocity moves
/// the picture ten times as far. The dead band and the slew limit stay in
/// image terms. Pure: time comes in as `dt_s`.
class pid_axis {
public:
  explicit pid_axis(pid_gains gains) : gains_(gains) {}

  /// One step: `offset` is where the target is (positive: right of or
  /// below the centre, in the caller's sign), `dt_s` the time since the
  /// previous step. Returns the velocity to command.
  double update(double offset, double dt_s, double gain_scale = 1.0);

  /// Forgets the integral and the previous measurement. The output is
  /// kept, so a moving axis still slews down rather than jumping to zero.
  void reset();

  /// Slews the output towards zero without a measurement (target not
  /// seen): the smooth stop.
  double coast(double dt_s);

  double output() const { return output_; }
  double integral() const { return integral_; }
  const pid_gains& gains() const { return gains_; }

  /// New gains from the next step on; the integral and output are kept so
  /// a moving head does not jump.
  void set_gains(const pid_gains& gains) { gains_ = gains; }

private:
  double slew_to(double wanted, double dt_s);

  pid_gains gains_;
  double integral_ = 0;
  double previous_ = 0;
  bool has_previous_ = false;
  double output_ = 0;
};

} // namespace argus
