// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/analytics/tracking_phase.hpp"
#include "core/ptz/pid_axis.hpp"
#include "core/ptz/zone.hpp"
#include "messages/ptz_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace argus {

/// Per-camera autotracking settings (config: `cameras[].ptz.autotrack`).
struct autotrack_settings {
  bool enabled = true;
  pid_gains pan;
  pid_gains tilt;
  /// Mounted upside down, or a device whose positive pan turns left.
  bool invert_pan = false;
  bool invert_tilt = false;
  /// The target's size the zoom aims for: the larger of its width and
  /// height as a fraction of the frame's.
  double target_coverage = defaults::ptz::target_coverage;
  /// Zoom velocity per unit of coverage error, and its dead band and cap.
  double zoom_gain = defaults::ptz::zoom_gain;
  double zoom_dead_band = defaults::ptz::zoom_dead_band;
  double max_zoom_speed = defaults::ptz::max_zoom_speed;
  /// Magnification at the far end of the zoom range (1x at the wide end),
  /// to scale the pan and tilt gains; 1 for a camera without zoom.
  double max_magnification = defaults::ptz::max_magnification;
  /// Seconds the lens takes from wide to tele at zoom speed 1: how the
  /// controller estimates the lens position where the device reports none.
  double zoom_travel_s = defaults::ptz::zoom_travel_s;
  /// Once the target's track has ended (`searching`): zoom out at this
  /// speed for at most this long.
  double zoom_out_speed = defaults::ptz::zoom_out_speed;
  int64_t zoom_out_ms = defaults::ptz::zoom_out_ms;
  /// This long after the target was last seen, its track ended, go to the
  /// preset (or home when empty). Also where `clear_target` sends it.
  int64_t return_after_ms = defaults::ptz::return_after_ms;
  std::string return_preset;
  /// Autotracking starts only while the target's centre is inside one of
  /// these (none: anywhere). Once started it follows the target anywhere.
  std::vector<zone_polygon> required_zones;
};

/// The target as the controller sees it: its box in normalized frame
/// coordinates (centre and size).
struct target_view {
  double cx = 0.5;
  double cy = 0.5;
  double w = 0;
  double h = 0;
};

/// One frame's worth of input from the analytics session.
struct autotrack_input {
  int64_t now_ms = 0;
  tracking_phase::phase phase = tracking_phase::phase::idle;
  /// The selected target's box when it was seen in this frame.
  std::optional<target_view> target;
  /// The lens position in [0, 1] (wide..tele) when the device reports it
  /// or the simulator knows it; otherwise the controller's own estimate.
  std::optional<double> zoom_position;
};

/// The autotracking controller of one PTZ camera, without I/O: frames in,
/// the command the camera should be running out. It decides *what* to
/// command; `command_pacer` decides when a command goes on the wire.
///
/// Phases (the session's, core/analytics/tracking_phase): `tracking` with
/// the target seen → follow (per-axis PID with gains divided by the
/// magnification; zoom towards the coverage, held rather than pulsed);
/// `lost` (missed, its track still alive) → stop and hold; `searching`
/// after following (its track ended) → zoom out for `zoom_out_ms`, stop,
/// and `return_after_ms` after it was last seen go to the preset or home;
/// a target cleared while the camera was engaged → preset or home at once. Once
/// a home or preset move is issued nothing stops it: the controller stays
/// `returning` until a target is followed again.
class autotracker {
public:
  explicit autotracker(autotrack_settings settings);

  /// Advances one frame and returns the command the camera should be
  /// running now (`none`: leave it as it is).
  ptz_command step(const autotrack_input& in);

  /// Enables or disables autotracking (`POST …/ptz/autotrack`). Disabling
  /// while moving returns a stop.
  ptz_command set_enabled(bool enabled);

  /// Operator asks for home (`POST …/ptz/home`).
  ptz_command go_home();

  autotrack_state state() const { return state_; }
  bool enabled() const { return settings_.enabled; }
  /// The controller's estimate of the lens position in [0, 1].
  double zoom_estimate() const { return zoom_estimate_; }
  const autotrack_settings& settings() const { return settings_; }

  /// New gains, zoom law, zones and return timing (PATCH /settings). Keeps
  /// the phase, the PID state, whether autotracking is on (that is
  /// switched by set_enabled) and the magnification limit (the head's).
  void retune(const autotrack_settings& settings);

private:
  ptz_command follow(const target_view& t, double dt_s);
  /// A move from the two axes' PID outputs (image terms: positive = the
  /// target is right of / below the centre), with the device's signs.
  ptz_command steer(double pan_out, double tilt_out, double zoom,
                    autotrack_state next, ptz_reason reason);
  ptz_command on_missing(const autotrack_input& in, double dt_s);
  ptz_command return_command(ptz_reason reason);
  ptz_command enter(autotrack_state next, ptz_command cmd);
  double magnification() const;
  double zoom_velocity(const target_view& t) const;
  void integrate_zoom(double velocity, double dt_s);

  autotrack_settings settings_;
  autotrack_state state_;
  pid_axis pan_;
  pid_axis tilt_;
  double zoom_cmd_ = 0;
  double zoom_estimate_ = 0;
  int64_t last_ms_ = -1;
  /// When the target was last seen (-1: it is), and when its track ended.
  int64_t missing_since_ms_ = -1;
  int64_t gone_since_ms_ = -1;
  bool engaged_ = false;
  bool moving_ = false;
};

} // namespace argus
