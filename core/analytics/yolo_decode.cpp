// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/yolo_decode.hpp"

#include "core/analytics/byte_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace argus {

letterbox_transform compute_letterbox(cv::Size src, cv::Size input) {
  letterbox_transform tf;
  tf.scale = std::min(double(input.width) / src.width,
                      double(input.height) / src.height);
  auto nw = int(std::lround(src.width * tf.scale));
  auto nh = int(std::lround(src.height * tf.scale));
  tf.pad_x = (input.width - nw) / 2;
  tf.pad_y = (input.height - nh) / 2;
  return tf;
}

void letterbox(const cv::Mat& src, cv::Size input, cv::Mat& dst,
               letterbox_transform& tf) {
  tf = compute_letterbox(src.size(), input);
  auto nw = int(std::lround(src.cols * tf.scale));
  auto nh = int(std::lround(src.rows * tf.scale));
  // The padding repeats the frame's edge pixels instead of a flat grey:
  // a grey band makes a sharp seam that a detector trained on real
  // footage reads as an object edge (phantom tracks along the seam).
  cv::Mat scaled;
  if (nw == src.cols && nh == src.rows)
    scaled = src;
  else
    cv::resize(src, scaled, cv::Size(nw, nh), 0, 0, cv::INTER_AREA);
  auto left = int(tf.pad_x), top = int(tf.pad_y);
  cv::copyMakeBorder(scaled, dst, top, input.height - nh - top, left,
                     input.width - nw - left, cv::BORDER_REPLICATE);
}

bool guess_layout(const cv::Mat& out, int num_classes, yolo_layout& layout) {
  if (out.dims != 3)
    return false;
  auto a = out.size[1], b = out.size[2];
  if (a == 4 + num_classes && b != 5 + num_classes) {
    layout = yolo_layout::yolov8;
    return true;
  }
  if (b == 5 + num_classes && a != 4 + num_classes) {
    layout = yolo_layout::yolov5;
    return true;
  }
  if (a == 4 + num_classes && b == 5 + num_classes) {
    // Degenerate (N == 5 + C): the anchor axis is the longer one in practice.
    layout = a < b ? yolo_layout::yolov8 : yolo_layout::yolov5;
    return true;
  }
  return false;
}

std::vector<detection> nms_per_class(std::vector<detection> dets,
                                     float iou_threshold) {
  std::stable_sort(dets.begin(), dets.end(),
                   [](auto& x, auto& y) { return x.conf > y.conf; });
  std::vector<detection> kept;
  std::vector<char> dead(dets.size(), false);
  for (size_t i = 0; i < dets.size(); ++i) {
    if (dead[i])
      continue;
    kept.push_back(dets[i]);
    for (size_t j = i + 1; j < dets.size(); ++j)
      if (!dead[j] && dets[j].class_id == dets[i].class_id
          && iou(dets[i].bbox, dets[j].bbox) > iou_threshold)
        dead[j] = true;
  }
  return kept;
}

std::vector<detection> decode_yolo(const cv::Mat& out, yolo_layout layout,
                                   int num_classes,
                                   const letterbox_transform& tf,
                                   cv::Size src_size,
                                   const yolo_decode_params& params) {
  std::vector<detection> dets;
  if (out.dims != 3 || out.type() != CV_32F)
    return dets;
  const float* data = out.ptr<float>();
  bool v8 = layout == yolo_layout::yolov8;
  int n = v8 ? out.size[2] : out.size[1];
  int attrs = v8 ? out.size[1] : out.size[2];
  int first_class = v8 ? 4 : 5;
  if (attrs < first_class + num_classes)
    return dets;
  // Element k of candidate i, for either memory order.
  auto at = [&](int i, int k) {
    return v8 ? data[size_t(k) * n + i] : data[size_t(i) * attrs + k];
  };
  for (int i = 0; i < n; ++i) {
    float obj = v8 ? 1.0f : at(i, 4);
    if (obj < params.conf_threshold)
      continue;
    int best = 0;
    float best_score = -1;
    for (int c = 0; c < num_classes; ++c) {
      auto s = at(i, first_class + c);
      if (s > best_score) {
        best_score = s;
        best = c;
      }
    }
    auto conf = obj * best_score;
    if (conf < params.conf_threshold)
      continue;
    auto cx = (at(i, 0) - tf.pad_x) / tf.scale;
    auto cy = (at(i, 1) - tf.pad_y) / tf.scale;
    // A centre in the padding is never an object of the frame.
    if (cx < 0 || cy < 0 || cx >= src_size.width || cy >= src_size.height)
      continue;
    auto w = at(i, 2) / tf.scale, h = at(i, 3) / tf.scale;
    auto x1 = std::clamp(cx - w / 2, 0.0, double(src_size.width));
    auto y1 = std::clamp(cy - h / 2, 0.0, double(src_size.height));
    auto x2 = std::clamp(cx + w / 2, 0.0, double(src_size.width));
    auto y2 = std::clamp(cy + h / 2, 0.0, double(src_size.height));
    if (x2 - x1 < 1 || y2 - y1 < 1)
      continue;
    dets.push_back(
        {{float(x1), float(y1), float(x2 - x1), float(y2 - y1)}, conf, best});
  }
  return nms_per_class(std::move(dets), params.nms_threshold);
}

} // namespace argus
