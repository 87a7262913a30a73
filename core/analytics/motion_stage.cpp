// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/motion_stage.hpp"

#include "core/analytics/byte_tracker.hpp"
#include "core/video/global_motion.hpp"

#include <algorithm>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

namespace argus {

namespace {

/// Work-pixel affine to frame pixels: the linear part is scale-free, the
/// translation grows by 1/scale.
cv::Matx23d to_frame_pixels(const cv::Mat& affine, double scale) {
  cv::Matx23d m;
  for (int r = 0; r < 2; ++r) {
    m(r, 0) = affine.at<double>(r, 0);
    m(r, 1) = affine.at<double>(r, 1);
    m(r, 2) = affine.at<double>(r, 2) / scale;
  }
  return m;
}

} // namespace

motion_stage::motion_stage(motion_params params) : params_(params) {
  // nop
}

cv::Mat motion_stage::fit_camera_motion(const cv::Mat& cur) const {
  // Corners are picked on a half-size copy: a quarter of the cost (the
  // eigenvalue pass covers every pixel), and the fit needs spread-out
  // corners, not precise ones; the flow then refines them at full size.
  cv::Mat half;
  cv::resize(prev_, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  std::vector<cv::Point2f> from;
  cv::goodFeaturesToTrack(half, from, params_.max_corners, 0.01, 4);
  if (int(from.size()) < params_.min_inliers)
    return {};
  for (auto& p : from)
    p *= 2.0f;
  std::vector<cv::Point2f> to;
  std::vector<uchar> found;
  std::vector<float> err;
  // A 15 px window over 3 pyramid levels follows shifts up to ~60 work px
  // (120 px of a 640 px frame) between two frames.
  cv::calcOpticalFlowPyrLK(prev_, cur, from, to, found, err, cv::Size(15, 15),
                           2);
  std::vector<cv::Point2f> a, b;
  for (size_t i = 0; i < from.size(); ++i)
    if (found[i]) {
      a.push_back(from[i]);
      b.push_back(to[i]);
    }
  if (int(a.size()) < params_.min_inliers)
    return {};
  // Rotation, uniform scale and shift: what a pan, tilt or zoom does to a
  // distant scene. RANSAC keeps moving objects out of the fit.
  std::vector<uchar> inliers;
  auto affine = cv::estimateAffinePartial2D(a, b, inliers, cv::RANSAC, 1.0);
  if (affine.empty()
      || std::count(inliers.begin(), inliers.end(), 1) < params_.min_inliers)
    return {};
  return affine;
}

std::vector<pixel_box> motion_stage::moving_regions(const cv::Mat& cur,
                                                    const cv::Mat& affine,
                                                    double scale) const {
  cv::Mat warped, valid(prev_.size(), CV_8U, cv::Scalar(255));
  if (affine.empty()) {
    warped = prev_;
  } else {
    cv::warpAffine(prev_, warped, affine, cur.size(), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT);
    // Pixels the previous frame did not cover are no evidence of motion;
    // shrink the covered area by a margin for interpolation at its edge.
    cv::warpAffine(valid, valid, affine, cur.size(), cv::INTER_NEAREST,
                   cv::BORDER_CONSTANT, cv::Scalar(0));
    cv::erode(valid, valid, cv::Mat(), cv::Point(-1, -1), 2);
  }
  // The blur reflects at the image edge, so the outermost pixels of two
  // views of a moving scene differ even where nothing moved.
  cv::rectangle(valid, cv::Rect(0, 0, valid.cols, valid.rows), cv::Scalar(0),
                2);
  cv::Mat diff, mask;
  cv::absdiff(cur, warped, diff);
  cv::threshold(diff, mask, params_.diff_threshold, 255, cv::THRESH_BINARY);
  mask &= valid;
  // Join the halves of one object (old and new position, a flapping wing).
  cv::dilate(mask, mask, cv::Mat(), cv::Point(-1, -1), 1);
  cv::Mat labels, stats, centroids;
  auto n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8,
                                            CV_32S);
  std::vector<std::pair<int, pixel_box>> blobs;
  for (int i = 1; i < n; ++i) {
    auto area = stats.at<int>(i, cv::CC_STAT_AREA);
    if (area < params_.min_area)
      continue;
    auto s = float(1.0 / scale);
    blobs.push_back({area,
                     {stats.at<int>(i, cv::CC_STAT_LEFT) * s,
                      stats.at<int>(i, cv::CC_STAT_TOP) * s,
                      stats.at<int>(i, cv::CC_STAT_WIDTH) * s,
                      stats.at<int>(i, cv::CC_STAT_HEIGHT) * s}});
  }
  std::stable_sort(blobs.begin(), blobs.end(),
                   [](auto& x, auto& y) { return x.first > y.first; });
  std::vector<pixel_box> out;
  for (auto& [area, box] : blobs) {
    if (int(out.size()) >= params_.max_regions)
      break;
    out.push_back(box);
  }
  return out;
}

motion_result motion_stage::update(const cv::Mat& bgr) {
  motion_result out;
  if (bgr.empty())
    return out;
  double scale = 1.0;
  auto cur = motion_work_image(bgr, params_.work_width, scale);
  if (prev_.empty() || bgr.size() != frame_size_) {
    prev_ = cur;
    frame_size_ = bgr.size();
    return out;
  }
  out.primed = true;
  auto affine = fit_camera_motion(cur);
  if (!affine.empty()) {
    out.camera_motion = to_frame_pixels(affine, scale);
    out.compensated = true;
  }
  out.regions = moving_regions(cur, affine, scale);
  prev_ = cur;
  return out;
}

bool overlaps_motion(const pixel_box& box,
                     const std::vector<pixel_box>& regions, float margin) {
  auto grown = buffered(box, margin);
  for (auto& r : regions)
    if (iou(grown, buffered(r, margin)) > 0)
      return true;
  return false;
}

} // namespace argus

namespace argus {

void damp_still_detections(std::vector<detection>& dets,
                           const motion_result& motion, float factor) {
  if (!motion.primed)
    return;
  for (auto& d : dets)
    if (!overlaps_motion(d.bbox, motion.regions))
      d.conf *= factor;
}

} // namespace argus
