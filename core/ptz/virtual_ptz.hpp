// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/defaults.hpp"
#include "messages/types.hpp"

#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>

namespace argus {

/// The mechanics of the virtual PTZ camera (backend `sim`).
struct virtual_ptz_limits {
  /// Fraction of the wide source's width the view spans at the wide end.
  double wide_fov = defaults::ptz::wide_fov;
  /// Magnification at the tele end (zoom position 1).
  double max_magnification = defaults::ptz::max_magnification;
  /// Source widths (heights) per second at pan (tilt) velocity 1.
  double max_pan_speed = defaults::ptz::max_pan_speed;
  double max_tilt_speed = defaults::ptz::max_tilt_speed;
  /// Zoom positions per second at zoom velocity 1 (wide to tele: 1).
  double max_zoom_speed = defaults::ptz::sim_max_zoom_speed;
  /// How fast a velocity changes, per second: the head and lens have
  /// inertia, so a command takes effect over a few frames.
  double acceleration = defaults::ptz::acceleration;
};

/// Where the virtual camera points: the view's centre in source-normalized
/// coordinates and the lens position in [0, 1].
struct virtual_ptz_pose {
  double x = 0.5;
  double y = 0.5;
  double zoom = 0;
};

/// A pan/tilt/zoom head over a wider picture, integrated on a clock: a
/// continuous move sets target velocities that the head reaches at the
/// acceleration limit, and that drop to zero when the move's timeout runs
/// out (as a real device does); a go-to (home, preset, absolute move)
/// drives every axis to a pose and ends there. The view never leaves the
/// source. Pure: time comes in as milliseconds.
class virtual_ptz {
public:
  /// `aspect`: output height / width, to shape the view.
  virtual_ptz(virtual_ptz_limits limits, double source_aspect,
              double output_aspect);

  /// ContinuousMove: velocities in [-1, 1] (pan right, tilt up, zoom in)
  /// until `now_ms + timeout_ms`.
  void move(double pan, double tilt, double zoom, int64_t now_ms,
            int64_t timeout_ms);
  void stop();
  /// Drives to `pose` and stops there (home: the default pose); `at_once`
  /// puts the head there without travel (a reshaped head keeps its aim).
  void go_to(virtual_ptz_pose pose, bool at_once = false);

  /// Integrates the motion up to `now_ms`.
  void advance(int64_t now_ms);

  const virtual_ptz_pose& pose() const { return pose_; }
  double source_aspect() const { return source_aspect_; }
  /// Current velocities in [-1, 1].
  cv::Vec3d velocity() const { return velocity_; }
  bool moving() const;
  /// The magnification of the current zoom position (1 at the wide end).
  double magnification() const;
  /// The part of the source the camera sees now.
  norm_box view() const;
  /// ONVIF-style position: pan and tilt in [-1, 1] over the reachable
  /// range (tilt up positive), zoom in [0, 1].
  cv::Vec3d onvif_position() const;

private:
  void clamp_pose();
  cv::Vec3d goto_velocity() const;

  virtual_ptz_limits limits_;
  double source_aspect_;
  double output_aspect_;
  virtual_ptz_pose pose_;
  cv::Vec3d velocity_{0, 0, 0};
  cv::Vec3d wanted_{0, 0, 0};
  int64_t deadline_ms_ = 0;
  int64_t last_ms_ = -1;
  std::optional<virtual_ptz_pose> goal_;
};

/// How a point of the previous view moves in the new one: a point at
/// normalized output position u appears at `scale * u + offset`. This is
/// the camera's own motion, handed to the tracker so tracks survive pans
/// and zooms.
struct view_motion {
  double scale = 1;
  cv::Vec2d offset{0, 0};
};

view_motion motion_between(const norm_box& before, const norm_box& after);

/// Renders `view` of `source` at `out` size (bilinear, sub-pixel exact, so
/// slow pans do not jitter by whole pixels).
cv::Mat render_view(const cv::Mat& source, const norm_box& view, cv::Size out);

} // namespace argus
