// SPDX-License-Identifier: Apache-2.0
#include "core/video/global_motion.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

namespace argus {

cv::Mat motion_work_image(const cv::Mat& bgr, int width, double& scale) {
  cv::Mat grey, small;
  if (bgr.channels() == 1)
    grey = bgr;
  else
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  scale = std::min(1.0, double(width) / bgr.cols);
  if (scale < 1.0)
    cv::resize(grey, small,
               cv::Size(std::max(1, int(bgr.cols * scale + 0.5)),
                        std::max(1, int(bgr.rows * scale + 0.5))),
               0, 0, cv::INTER_AREA);
  else
    small = grey.clone();
  cv::GaussianBlur(small, small, cv::Size(3, 3), 0);
  return small;
}

point_tracks track_grid_points(const cv::Mat& prev, const cv::Mat& cur,
                               const global_motion_params& p) {
  point_tracks out;
  cv::Mat texture;
  cv::cornerMinEigenVal(prev, texture, 5, 3);
  int step = std::max(4, prev.cols / std::max(1, p.grid_cells));
  std::vector<cv::Point2f> from;
  for (int y = 0; y + step <= prev.rows; y += step)
    for (int x = 0; x + step <= prev.cols; x += step) {
      cv::Rect cell(x, y, step, step);
      double best = 0;
      cv::Point at;
      cv::minMaxLoc(texture(cell), nullptr, &best, nullptr, &at);
      if (best > p.texture_floor)
        from.emplace_back(float(x + at.x), float(y + at.y));
    }
  if (from.empty())
    return out;
  // A 21 px window over 4 pyramid levels follows shifts of ~100 work px
  // (200 px of a 640 px frame) and finds the faint texture of a sky.
  cv::Size window(21, 21);
  std::vector<cv::Point2f> to, back;
  std::vector<uchar> found, found_back;
  std::vector<float> err;
  cv::calcOpticalFlowPyrLK(prev, cur, from, to, found, err, window, 3);
  cv::calcOpticalFlowPyrLK(cur, prev, to, back, found_back, err, window, 3);
  for (size_t i = 0; i < from.size(); ++i)
    if (found[i] && found_back[i]
        && cv::norm(back[i] - from[i]) <= p.max_round_trip_px) {
      out.from.push_back(from[i]);
      out.to.push_back(to[i]);
    }
  return out;
}

global_motion_estimate estimate_global_motion(const point_tracks& tracks,
                                              cv::Size work_size,
                                              const global_motion_params& p) {
  global_motion_estimate none;
  none.tracked = int(tracks.from.size());
  if (none.tracked < std::max(2, p.min_inliers))
    return none;
  // Rotation, uniform scale and shift, so a rotated fit can be told apart
  // from a good one; RANSAC keeps moving objects out.
  std::vector<uchar> inlier;
  auto affine = cv::estimateAffinePartial2D(tracks.from, tracks.to, inlier,
                                            cv::RANSAC, p.ransac_px);
  if (affine.empty())
    return none;
  auto rotation = std::atan2(affine.at<double>(1, 0), affine.at<double>(0, 0));
  if (std::abs(rotation) > p.max_rotation)
    return none;
  // Least squares of q = s p + t over the inliers, in continuous
  // coordinates (a pixel's centre at +0.5), so the fit's origin is the
  // image corner whatever the work scale.
  std::vector<cv::Point2d> a, b;
  for (size_t i = 0; i < inlier.size(); ++i)
    if (inlier[i]) {
      a.emplace_back(tracks.from[i].x + 0.5, tracks.from[i].y + 0.5);
      b.emplace_back(tracks.to[i].x + 0.5, tracks.to[i].y + 0.5);
    }
  none.inliers = int(a.size());
  if (none.inliers < p.min_inliers
      || none.inliers < p.min_inlier_ratio * none.tracked)
    return none;
  cv::Point2d ma, mb;
  for (size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= double(a.size());
  mb /= double(a.size());
  double num = 0, den = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    auto da = a[i] - ma, db = b[i] - mb;
    num += da.dot(db);
    den += da.dot(da);
  }
  auto n = double(a.size());
  auto spread = std::sqrt(den / n);
  if (spread < p.min_spread * work_size.width)
    return none;
  auto s = num / den;
  if (!std::isfinite(s) || std::abs(s - 1) > p.max_scale_step)
    return none;
  // The scale's standard error from the residuals (two coordinates per
  // point, three parameters): a scale within a few of them of 1 is noise.
  double residual = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    auto r = (b[i] - mb) - s * (a[i] - ma);
    residual += r.dot(r);
  }
  auto sigma = std::sqrt(residual / std::max(1.0, 2 * n - 3));
  if (std::abs(s - 1) < p.scale_significance * sigma / std::sqrt(den))
    s = 1;
  global_motion_estimate out = none;
  out.valid = true;
  out.scale = s;
  out.dx = mb.x - s * ma.x;
  out.dy = mb.y - s * ma.y;
  return out;
}

global_motion::global_motion(global_motion_params params) : params_(params) {
  // nop
}

global_motion_estimate global_motion::update(const cv::Mat& bgr) {
  if (bgr.empty()) {
    prev_.release();
    return {};
  }
  try {
    double scale = 1;
    auto cur = motion_work_image(bgr, params_.work_width, scale);
    if (prev_.empty() || bgr.size() != frame_size_) {
      prev_ = cur;
      frame_size_ = bgr.size();
      return {};
    }
    auto est = estimate_global_motion(track_grid_points(prev_, cur, params_),
                                      cur.size(), params_);
    prev_ = cur;
    // Work pixels to frame pixels, per axis (rounding the work size makes
    // the two scales differ slightly).
    est.dx *= double(bgr.cols) / cur.cols;
    est.dy *= double(bgr.rows) / cur.rows;
    return est;
  } catch (const cv::Exception&) {
    prev_.release();
    return {};
  }
}

} // namespace argus
