// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/types.hpp"

#include <opencv2/core.hpp>
#include <vector>

namespace argus {

/// Output tensor layouts of YOLO exports.
enum class yolo_layout {
  /// YOLOv8 / YOLO11: [1, 4 + C, N], rows cx, cy, w, h, class scores.
  yolov8,
  /// YOLOv5: [1, N, 5 + C], columns cx, cy, w, h, objectness, class scores.
  yolov5,
};

/// Maps model-input pixels back to source pixels: src = (in - pad) / scale.
struct letterbox_transform {
  double scale = 1;
  double pad_x = 0;
  double pad_y = 0;
};

/// The scale and padding that fit `src` into `input` keeping aspect ratio.
letterbox_transform compute_letterbox(cv::Size src, cv::Size input);

/// Resizes `src` into an image of size `input`, centred; the padding
/// repeats the edge pixels (no seam for the detector to see).
void letterbox(const cv::Mat& src, cv::Size input, cv::Mat& dst,
               letterbox_transform& tf);

/// Picks the layout of an output tensor for `num_classes` classes.
/// @returns false when the shape fits neither layout.
bool guess_layout(const cv::Mat& out, int num_classes, yolo_layout& layout);

/// Decoding thresholds.
struct yolo_decode_params {
  float conf_threshold = 0.25f;
  float nms_threshold = 0.45f;
};

/// Turns a raw output tensor into detections in source pixels: confidence
/// threshold, box mapping through the letterbox, dropping boxes centred in
/// the padding, clipping to the frame and
/// class-aware NMS (boxes of different classes never suppress each other).
std::vector<detection> decode_yolo(const cv::Mat& out, yolo_layout layout,
                                   int num_classes,
                                   const letterbox_transform& tf,
                                   cv::Size src_size,
                                   const yolo_decode_params& params);

/// Class-aware non-maximum suppression on detections (highest score wins).
std::vector<detection> nms_per_class(std::vector<detection> dets,
                                     float iou_threshold);

} // namespace argus
