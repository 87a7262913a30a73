// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/autotrack.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace argus {

using phase = tracking_phase::phase;
using kind = ptz_command::kind;

namespace {

/// A target this far off centre (in frame sizes) is not zoomed in on: it
/// would leave the picture before the pan catches up.
constexpr double zoom_in_max_offset = 0.2;

ptz_command move(double pan, double tilt, double zoom, ptz_reason reason) {
  ptz_command cmd;
  cmd.what = kind::move;
  cmd.pan = pan;
  cmd.tilt = tilt;
  cmd.zoom = zoom;
  cmd.reason = reason;
  return cmd;
}

ptz_command stop(ptz_reason reason) {
  ptz_command cmd;
  cmd.what = kind::stop;
  cmd.reason = reason;
  return cmd;
}

} // namespace

autotracker::autotracker(autotrack_settings settings)
    : settings_(std::move(settings)),
      state_(settings_.enabled ? autotrack_state::idle
                               : autotrack_state::disabled),
      pan_(settings_.pan), tilt_(settings_.tilt) {}

double autotracker::magnification() const {
  double max_mag = std::max(1.0, settings_.max_magnification);
  return 1.0 + zoom_estimate_ * (max_mag - 1.0);
}

double autotracker::zoom_velocity(const target_view& t) const {
  double coverage = std::max(t.w, t.h);
  double error = settings_.target_coverage - coverage;
  if (std::abs(error) < settings_.zoom_dead_band)
    return 0;
  bool off_centre = std::abs(t.cx - 0.5) > zoom_in_max_offset
                    || std::abs(t.cy - 0.5) > zoom_in_max_offset;
  if (error > 0 && off_centre)
    return 0;
  return std::clamp(error * settings_.zoom_gain, -settings_.max_zoom_speed,
                    settings_.max_zoom_speed);
}

void autotracker::integrate_zoom(double velocity, double dt_s) {
  if (settings_.zoom_travel_s <= 0)
    return;
  zoom_estimate_ += velocity * dt_s / settings_.zoom_travel_s;
  zoom_estimate_ = std::clamp(zoom_estimate_, 0.0, 1.0);
}

ptz_command autotracker::enter(autotrack_state next, ptz_command cmd) {
  state_ = next;
  if (cmd.what == kind::move)
    moving_ = cmd.pan != 0 || cmd.tilt != 0 || cmd.zoom != 0;
  else if (cmd.what != kind::none)
    moving_ = false; // a stop ended it; a home or preset move is the
                     // device's own and must not be stopped by us
  return cmd;
}

ptz_command autotracker::return_command(ptz_reason reason) {
  pan_ = pid_axis{settings_.pan};
  tilt_ = pid_axis{settings_.tilt};
  zoom_cmd_ = 0;
  engaged_ = false;
  ptz_command cmd;
  cmd.reason = reason;
  if (settings_.return_preset.empty()) {
    cmd.what = kind::home;
  } else {
    cmd.what = kind::preset;
    cmd.preset = settings_.return_preset;
  }
  zoom_estimate_ = 0; // home and presets are assumed wide
  return cmd;
}

void autotracker::retune(const autotrack_settings& settings) {
  bool enabled = settings_.enabled;
  double max_magnification = settings_.max_magnification;
  settings_ = settings;
  settings_.enabled = enabled;
  settings_.max_magnification = max_magnification;
  pan_.set_gains(settings_.pan);
  tilt_.set_gains(settings_.tilt);
}

ptz_command autotracker::steer(double pan_out, double tilt_out, double zoom,
                               autotrack_state next, ptz_reason reason) {
  // Image y grows downwards, tilt grows upwards.
  double pan = settings_.invert_pan ? -pan_out : pan_out;
  double tilt = settings_.invert_tilt ? tilt_out : -tilt_out;
  return enter(next, move(pan, tilt, zoom, reason));
}

ptz_command autotracker::follow(const target_view& t, double dt_s) {
  if (state_ != autotrack_state::following) {
    pan_.reset();
    tilt_.reset();
  }
  engaged_ = true;
  missing_since_ms_ = -1;
  gone_since_ms_ = -1;
  double scale = 1.0 / magnification();
  double pan = pan_.update(t.cx - 0.5, dt_s, scale);
  double tilt = tilt_.update(t.cy - 0.5, dt_s, scale);
  zoom_cmd_ = zoom_velocity(t);
  return steer(pan, tilt, zoom_cmd_, autotrack_state::following,
               ptz_reason::autotrack);
}

ptz_command autotracker::on_missing(const autotrack_input& in, double dt_s) {
  // The session's phases: `lost` = missed, its track still alive (up to
  // session.end_after_ms): hold. `searching` = its track has ended:
  // widen the view, then give up and return.
  if (missing_since_ms_ < 0)
    missing_since_ms_ = in.now_ms;
  double pan = pan_.coast(dt_s);
  double tilt = tilt_.coast(dt_s);
  auto next = autotrack_state::holding;
  zoom_cmd_ = 0;
  auto reason = ptz_reason::autotrack;
  if (in.phase == phase::searching) {
    if (gone_since_ms_ < 0)
      gone_since_ms_ = in.now_ms;
    reason = ptz_reason::lost;
    if (in.now_ms - missing_since_ms_ >= settings_.return_after_ms)
      return enter(autotrack_state::returning, return_command(ptz_reason::ret));
    next = autotrack_state::lost;
    if (in.now_ms - gone_since_ms_ < settings_.zoom_out_ms
        && zoom_estimate_ > 0) {
      next = autotrack_state::zooming_out;
      zoom_cmd_ = -std::abs(settings_.zoom_out_speed);
    }
  }
  if (pan != 0 || tilt != 0 || zoom_cmd_ != 0)
    return steer(pan, tilt, zoom_cmd_, next, reason);
  if (moving_)
    return enter(next, stop(reason));
  return enter(next, {});
}

ptz_command autotracker::step(const autotrack_input& in) {
  double dt_s = last_ms_ < 0 ? 0 : (in.now_ms - last_ms_) / 1000.0;
  last_ms_ = in.now_ms;
  // The command of the previous frame ran for dt: estimate the lens.
  integrate_zoom(zoom_cmd_, std::max(0.0, dt_s));
  if (in.zoom_position && std::isfinite(*in.zoom_position))
    zoom_estimate_ = std::clamp(*in.zoom_position, 0.0, 1.0);
  if (!settings_.enabled)
    return {};
  if (in.phase == phase::idle) {
    missing_since_ms_ = -1;
    gone_since_ms_ = -1;
    if (engaged_)
      return enter(autotrack_state::idle,
                   return_command(ptz_reason::operator_request));
    state_ = autotrack_state::idle;
    return {};
  }
  if (in.phase == phase::tracking && in.target) {
    const auto& t = *in.target;
    if (!engaged_
        && !inside_required_zones(settings_.required_zones, {t.cx, t.cy}))
      return enter(autotrack_state::waiting_for_zone, {});
    return follow(t, dt_s);
  }
  if (!engaged_) {
    if (state_ != autotrack_state::returning)
      state_ = autotrack_state::waiting_for_zone;
    return {};
  }
  return on_missing(in, dt_s);
}

ptz_command autotracker::set_enabled(bool enabled) {
  settings_.enabled = enabled;
  engaged_ = false;
  missing_since_ms_ = -1;
  gone_since_ms_ = -1;
  pan_ = pid_axis{settings_.pan};
  tilt_ = pid_axis{settings_.tilt};
  zoom_cmd_ = 0;
  auto next = enabled ? autotrack_state::idle : autotrack_state::disabled;
  if (moving_)
    return enter(next, stop(ptz_reason::operator_request));
  return enter(next, {});
}

ptz_command autotracker::go_home() {
  auto next
      = settings_.enabled ? autotrack_state::idle : autotrack_state::disabled;
  return enter(next, return_command(ptz_reason::operator_request));
}

} // namespace argus
