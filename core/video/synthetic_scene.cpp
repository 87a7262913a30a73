// SPDX-License-Identifier: Apache-2.0
#include "core/video/synthetic_scene.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>

namespace argus {

namespace {

constexpr double two_pi = 6.283185307179586;

/// Scales sizes given for a 640-pixel-wide frame to the actual width.
double scale_of(const synthetic_params& p) {
  return p.width / 640.0 * p.size_scale;
}

pixel_box bounds_of(const std::vector<cv::Point>& pts, int pad, int w, int h) {
  int x0 = w, y0 = h, x1 = 0, y1 = 0;
  for (auto& p : pts) {
    x0 = std::min(x0, p.x - pad);
    y0 = std::min(y0, p.y - pad);
    x1 = std::max(x1, p.x + pad);
    y1 = std::max(y1, p.y + pad);
  }
  x0 = std::max(x0, 0);
  y0 = std::max(y0, 0);
  x1 = std::min(x1, w - 1);
  y1 = std::min(y1, h - 1);
  if (x1 <= x0 || y1 <= y0)
    return {};
  return {float(x0), float(y0), float(x1 - x0 + 1), float(y1 - y0 + 1)};
}

} // namespace

synthetic_scene::synthetic_scene(const synthetic_params& params)
    : params_(params) {
  std::mt19937_64 rng(params.seed);
  auto uni = [&](double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
  };
  auto w = params.width, h = params.height;
  auto s = scale_of(params);
  // Sky: a vertical gradient whose hue and brightness vary with the seed,
  // with soft background clouds so the detector cannot key on flat color.
  background_.create(h, w, CV_8UC3);
  cv::Vec3d top(uni(150, 210), uni(100, 150), uni(40, 90)); // BGR
  cv::Vec3d bottom(uni(220, 250), uni(200, 235), uni(170, 215));
  for (int y = 0; y < h; ++y) {
    auto a = double(y) / std::max(1, h - 1);
    cv::Vec3b c;
    for (int k = 0; k < 3; ++k)
      c[k] = cv::saturate_cast<uchar>(top[k] * (1 - a) + bottom[k] * a);
    background_.row(y).setTo(cv::Scalar(c[0], c[1], c[2]));
  }
  cv::Mat clouds = background_.clone();
  for (int i = 0; i < 6; ++i) {
    cv::Point c(int(uni(0, w)), int(uni(0, h * 0.8)));
    auto shade = uni(225, 250);
    for (int k = 0; k < 4; ++k)
      cv::ellipse(
          clouds, c + cv::Point(int(uni(-40, 40) * s), int(uni(-8, 8) * s)),
          cv::Size(int(uni(30, 80) * s), int(uni(10, 25) * s)), 0, 0, 360,
          cv::Scalar(shade, shade, shade), cv::FILLED, cv::LINE_AA);
  }
  cv::GaussianBlur(clouds, clouds, cv::Size(0, 0), 9 * s);
  cv::addWeighted(background_, 0.45, clouds, 0.55, 0, background_);

  auto make_object = [&](int32_t cls) {
    object o{};
    o.class_id = cls;
    o.size = (cls == class_drone ? uni(20, 44) : uni(16, 36)) * s;
    o.cx = uni(0.3, 0.7) * w;
    o.cy = uni(0.3, 0.65) * h;
    // Three harmonics per axis: slow wide sweeps plus gentle wiggles, so
    // paths cross each other and never jump. Frequencies keep typical
    // speeds near 100-250 px/s at 640 px wide: a drone crosses the sky in
    // a few seconds, as seen by a real wide-angle camera.
    for (int k = 0; k < 3; ++k) {
      double base = k == 0 ? 0.28 : (k == 1 ? 0.09 : 0.03);
      // size_scale < 1 (a virtual PTZ camera's wide scene) keeps the
      // sweeps, and so the speeds in pixels, those of an ordinary camera.
      auto sweep = base * params.size_scale;
      o.x[k] = {uni(0.5, 1.0) * sweep * w, uni(0.03, 0.12) * (k + 1),
                uni(0, two_pi)};
      o.y[k] = {uni(0.5, 1.0) * sweep * h * 0.9, uni(0.03, 0.12) * (k + 1),
                uni(0, two_pi)};
    }
    o.flap_hz = uni(2.5, 5.0);
    auto dark = uni(20, 70);
    o.color = cls == class_drone
                  ? cv::Scalar(dark, dark, dark)
                  : cv::Scalar(dark * 0.6, dark * 0.8, dark * 1.1 + 10);
    return o;
  };
  for (int i = 0; i < params.drones; ++i)
    objects_.push_back(make_object(class_drone));
  for (int i = 0; i < params.birds; ++i)
    objects_.push_back(make_object(class_bird));
  for (int i = 0; i < params.occluders; ++i) {
    occluder occ{};
    occ.x0 = uni(0, w);
    occ.y = uni(0.25, 0.75) * h;
    occ.speed = uni(8, 20) * s * (uni(0, 1) < 0.5 ? -1 : 1);
    occ.rx = uni(35, 60) * s;
    occ.ry = uni(18, 30) * s;
    occluders_.push_back(occ);
  }
}

cv::Point2d synthetic_scene::position(const object& obj, double t) const {
  double x = obj.cx, y = obj.cy;
  for (int k = 0; k < 3; ++k) {
    x += obj.x[k].amp * std::sin(obj.x[k].omega * two_pi * t + obj.x[k].phase);
    y += obj.y[k].amp * std::sin(obj.y[k].omega * two_pi * t + obj.y[k].phase);
  }
  return {x, y};
}

pixel_box synthetic_scene::draw_drone(cv::Mat& img, const object& obj,
                                      cv::Point2d c, double t) const {
  auto half = obj.size / 2;
  auto tilt = 0.08 * std::sin(two_pi * 0.7 * t + obj.cx);
  auto thick = std::max(1, int(obj.size / 12));
  std::vector<cv::Point> extents;
  // Four arms in an X, a rotor disc at each tip, a body in the middle.
  for (int k = 0; k < 4; ++k) {
    auto ang = tilt + two_pi / 8 + k * two_pi / 4;
    cv::Point tip(int(c.x + std::cos(ang) * half * 0.72),
                  int(c.y + std::sin(ang) * half * 0.42));
    cv::line(img, c, tip, obj.color, thick, cv::LINE_AA);
    auto rotor = cv::Size(std::max(2, int(obj.size * 0.22)),
                          std::max(1, int(obj.size * 0.07)));
    cv::ellipse(img, tip, rotor, 0, 0, 360, obj.color * 1.3, cv::FILLED,
                cv::LINE_AA);
    extents.push_back(tip + cv::Point(rotor.width, rotor.height));
    extents.push_back(tip - cv::Point(rotor.width, rotor.height));
  }
  cv::ellipse(img, c,
              cv::Size(std::max(2, int(obj.size * 0.16)),
                       std::max(2, int(obj.size * 0.11))),
              0, 0, 360, obj.color * 0.8, cv::FILLED, cv::LINE_AA);
  return bounds_of(extents, 1, img.cols, img.rows);
}

pixel_box synthetic_scene::draw_bird(cv::Mat& img, const object& obj,
                                     cv::Point2d c, double t) const {
  auto half = obj.size / 2;
  auto flap = std::sin(two_pi * obj.flap_hz * t + obj.cy);
  auto tip_y = -flap * half * 0.55;
  auto thick = std::max(1, int(obj.size / 10));
  std::vector<cv::Point> wing{
      cv::Point(int(c.x - half), int(c.y + tip_y)),
      cv::Point(int(c.x - half * 0.45), int(c.y - half * 0.12 + tip_y * 0.4)),
      cv::Point(int(c.x), int(c.y + half * 0.12)),
      cv::Point(int(c.x + half * 0.45), int(c.y - half * 0.12 + tip_y * 0.4)),
      cv::Point(int(c.x + half), int(c.y + tip_y))};
  cv::polylines(img, wing, false, obj.color, thick, cv::LINE_AA);
  cv::ellipse(img, cv::Point(int(c.x), int(c.y + half * 0.1)),
              cv::Size(std::max(2, int(obj.size * 0.12)),
                       std::max(1, int(obj.size * 0.06))),
              0, 0, 360, obj.color, cv::FILLED, cv::LINE_AA);
  return bounds_of(wing, thick, img.cols, img.rows);
}

cv::Point2d synthetic_scene::occluder_center(const occluder& occ,
                                             double t) const {
  // Clouds wrap around horizontally so they keep crossing the scene.
  auto span = params_.width + 4 * occ.rx;
  auto x = std::fmod(occ.x0 + occ.speed * t, span);
  if (x < 0)
    x += span;
  return {x - 2 * occ.rx, occ.y};
}

void synthetic_scene::draw_occluders(cv::Mat& img, double t) const {
  for (auto& occ : occluders_) {
    auto c = occluder_center(occ, t);
    cv::ellipse(img, c, cv::Size2d(occ.rx, occ.ry), 0, 0, 360,
                cv::Scalar(244, 244, 246), cv::FILLED, cv::LINE_AA);
    cv::ellipse(img, c + cv::Point2d(occ.rx * 0.45, -occ.ry * 0.4),
                cv::Size2d(occ.rx * 0.6, occ.ry * 0.8), 0, 0, 360,
                cv::Scalar(250, 250, 252), cv::FILLED, cv::LINE_AA);
  }
}

float synthetic_scene::occluded_fraction(const pixel_box& box, double t) const {
  constexpr int n = 8;
  int hidden = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      auto px = box.x + box.w * (i + 0.5) / n;
      auto py = box.y + box.h * (j + 0.5) / n;
      for (auto& occ : occluders_) {
        auto c = occluder_center(occ, t);
        auto dx = (px - c.x) / occ.rx, dy = (py - c.y) / occ.ry;
        if (dx * dx + dy * dy <= 1.0) {
          ++hidden;
          break;
        }
      }
    }
  }
  return float(hidden) / (n * n);
}

void synthetic_scene::render(int64_t index, cv::Mat& out,
                             std::vector<truth_box>& truth) const {
  background_.copyTo(out);
  truth.clear();
  auto t = double(index) / params_.fps;
  for (size_t i = 0; i < objects_.size(); ++i) {
    auto& obj = objects_[i];
    auto c = position(obj, t);
    auto box = obj.class_id == class_drone ? draw_drone(out, obj, c, t)
                                           : draw_bird(out, obj, c, t);
    if (box.w < 3 || box.h < 3)
      continue;
    truth.push_back({int64_t(i + 1), obj.class_id, box, 0.0f});
  }
  draw_occluders(out, t);
  for (auto& tb : truth)
    tb.occluded = occluded_fraction(tb.bbox, t);
  if (params_.noise > 0) {
    // Seeded per frame so a frame index always renders the same pixels.
    cv::Mat noise(out.size(), CV_16SC3);
    cv::RNG rng(params_.seed * 1000003ULL + uint64_t(index));
    rng.fill(noise, cv::RNG::NORMAL, 0, params_.noise);
    cv::Mat tmp;
    out.convertTo(tmp, CV_16SC3);
    tmp += noise;
    tmp.convertTo(out, CV_8UC3);
  }
}

} // namespace argus
