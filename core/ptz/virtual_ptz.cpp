// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/virtual_ptz.hpp"

#include "core/ptz/view_truth.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>

namespace argus {

namespace {

/// Integration step: small enough that a 1 s gap between frames still
/// follows the acceleration curve.
constexpr double max_step_s = 0.02;
/// A go-to slows down over the last quarter second of travel.
constexpr double goto_brake_s = 0.25;
constexpr double arrived = 1e-3;

double approach(double current, double target, double max_change) {
  return current + std::clamp(target - current, -max_change, max_change);
}

} // namespace

virtual_ptz::virtual_ptz(virtual_ptz_limits limits, double source_aspect,
                         double output_aspect)
    : limits_(limits), source_aspect_(source_aspect),
      output_aspect_(output_aspect) {
  clamp_pose();
}

double virtual_ptz::magnification() const {
  return 1.0 + pose_.zoom * (std::max(1.0, limits_.max_magnification) - 1.0);
}

norm_box virtual_ptz::view() const {
  double w = std::clamp(limits_.wide_fov, 0.01, 1.0) / magnification();
  double h = w * output_aspect_ / source_aspect_;
  if (h > 1) { // a source too flat for the output: fit its height
    w /= h;
    h = 1;
  }
  double x = std::clamp(pose_.x - w / 2, 0.0, 1.0 - w);
  double y = std::clamp(pose_.y - h / 2, 0.0, 1.0 - h);
  return {x, y, w, h};
}

void virtual_ptz::clamp_pose() {
  pose_.zoom = std::clamp(pose_.zoom, 0.0, 1.0);
  auto v = view();
  pose_.x = v.x + v.w / 2;
  pose_.y = v.y + v.h / 2;
}

void virtual_ptz::move(double pan, double tilt, double zoom, int64_t now_ms,
                       int64_t timeout_ms) {
  goal_.reset();
  wanted_ = {std::clamp(pan, -1.0, 1.0), std::clamp(tilt, -1.0, 1.0),
             std::clamp(zoom, -1.0, 1.0)};
  deadline_ms_ = timeout_ms > 0 ? now_ms + timeout_ms
                                : std::numeric_limits<int64_t>::max();
}

void virtual_ptz::stop() {
  goal_.reset();
  wanted_ = {0, 0, 0};
}

void virtual_ptz::go_to(virtual_ptz_pose pose, bool at_once) {
  wanted_ = {0, 0, 0};
  if (!at_once) {
    goal_ = pose;
    return;
  }
  goal_.reset();
  velocity_ = {0, 0, 0};
  pose_ = pose;
  clamp_pose();
}

cv::Vec3d virtual_ptz::goto_velocity() const {
  auto axis = [](double distance, double max_speed) {
    if (max_speed <= 0)
      return 0.0;
    return std::clamp(distance / (max_speed * goto_brake_s), -1.0, 1.0);
  };
  return {axis(goal_->x - pose_.x, limits_.max_pan_speed),
          // tilt up moves the view up: y decreases
          -axis(goal_->y - pose_.y, limits_.max_tilt_speed),
          axis(goal_->zoom - pose_.zoom, limits_.max_zoom_speed)};
}

void virtual_ptz::advance(int64_t now_ms) {
  if (last_ms_ < 0 || now_ms <= last_ms_) {
    last_ms_ = std::max(last_ms_, now_ms);
    return;
  }
  double remaining = (now_ms - last_ms_) / 1000.0;
  int64_t t_ms = last_ms_;
  last_ms_ = now_ms;
  while (remaining > 0) {
    double dt = std::min(remaining, max_step_s);
    remaining -= dt;
    t_ms += static_cast<int64_t>(dt * 1000);
    cv::Vec3d target = goal_                 ? goto_velocity()
                       : t_ms < deadline_ms_ ? wanted_
                                             : cv::Vec3d{0, 0, 0};
    for (int i = 0; i < 3; ++i)
      velocity_[i]
          = approach(velocity_[i], target[i], limits_.acceleration * dt);
    pose_.x += velocity_[0] * limits_.max_pan_speed * dt;
    pose_.y -= velocity_[1] * limits_.max_tilt_speed * dt;
    pose_.zoom += velocity_[2] * limits_.max_zoom_speed * dt;
    clamp_pose();
    if (goal_ && std::abs(goal_->x - pose_.x) < arrived
        && std::abs(goal_->y - pose_.y) < arrived
        && std::abs(goal_->zoom - pose_.zoom) < arrived) {
      pose_ = *goal_;
      clamp_pose();
      goal_.reset();
      velocity_ = {0, 0, 0};
    }
  }
}

bool virtual_ptz::moving() const {
  return goal_.has_value() || velocity_ != cv::Vec3d{0, 0, 0};
}

cv::Vec3d virtual_ptz::onvif_position() const {
  return {2 * pose_.x - 1, 1 - 2 * pose_.y, pose_.zoom};
}

view_motion motion_between(const norm_box& before, const norm_box& after) {
  view_motion m;
  m.scale = before.w / after.w;
  m.offset = {(before.x - after.x) / after.w, (before.y - after.y) / after.h};
  return m;
}

cv::Mat render_view(const cv::Mat& source, const norm_box& view, cv::Size out) {
  double sx = view.w * source.cols / out.width;
  double sy = view.h * source.rows / out.height;
  // Output pixel centre (u + 0.5) lands on source pixel centre coordinates.
  cv::Matx23d to_source{sx, 0,  view.x * source.cols + 0.5 * sx - 0.5,
                        0,  sy, view.y * source.rows + 0.5 * sy - 0.5};
  cv::Mat frame;
  cv::warpAffine(source, frame, to_source, out,
                 cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
  return frame;
}

std::vector<truth_box> truth_in_view(const std::vector<truth_box>& truth,
                                     cv::Size source, const norm_box& view,
                                     cv::Size out) {
  double sx = out.width / (view.w * source.width);
  double sy = out.height / (view.h * source.height);
  double ox = view.x * source.width, oy = view.y * source.height;
  std::vector<truth_box> seen;
  for (auto t : truth) {
    double x0 = std::max(0.0, (t.bbox.x - ox) * sx);
    double y0 = std::max(0.0, (t.bbox.y - oy) * sy);
    double x1 = std::min<double>(out.width, (t.bbox.x + t.bbox.w - ox) * sx);
    double y1 = std::min<double>(out.height, (t.bbox.y + t.bbox.h - oy) * sy);
    if (x1 <= x0 || y1 <= y0)
      continue;
    t.bbox = {float(x0), float(y0), float(x1 - x0), float(y1 - y0)};
    seen.push_back(t);
  }
  return seen;
}

} // namespace argus
