// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/crop_classifier.hpp"

#include "core/analytics/detector.hpp"
#include "core/config.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/imgproc.hpp>

namespace argus {

cv::Rect2f classifier_square(const pixel_box& box) {
  auto side = std::floor(
      std::clamp(2.5f * std::max(box.w, box.h), 32.0f, 256.0f) + 0.5f);
  auto cx = box.x + box.w / 2, cy = box.y + box.h / 2;
  return {cx - side / 2, cy - side / 2, side, side};
}

cv::Mat classifier_crop(const cv::Mat& bgr, const pixel_box& box) {
  auto sq = classifier_square(box);
  cv::Mat patch, out;
  cv::getRectSubPix(bgr, cv::Size(int(sq.width), int(sq.height)),
                    cv::Point2f(box.x + box.w / 2, box.y + box.h / 2), patch);
  cv::resize(patch, out, cv::Size(classifier_input, classifier_input), 0, 0,
             cv::INTER_AREA);
  return out;
}

int32_t relabelled_class(const std::vector<float>& probs,
                         int32_t detector_class, float keep_prob) {
  auto own = detector_class >= 0 && size_t(detector_class) < probs.size()
                 ? probs[size_t(detector_class)]
                 : -1.0f;
  if (own < 0 || own >= keep_prob)
    return detector_class;
  auto best = std::max_element(probs.begin(), probs.end());
  return int32_t(best - probs.begin());
}

std::vector<size_t> boxes_to_classify(const std::vector<detection>& dets,
                                      size_t max_boxes) {
  std::vector<size_t> picked(dets.size());
  std::iota(picked.begin(), picked.end(), size_t{0});
  if (picked.size() <= max_boxes)
    return picked;
  std::stable_sort(picked.begin(), picked.end(), [&](size_t a, size_t b) {
    return dets[a].conf > dets[b].conf;
  });
  picked.resize(max_boxes);
  std::sort(picked.begin(), picked.end());
  return picked;
}

caf::expected<crop_classifier>
crop_classifier::load(const std::string& model,
                      const std::vector<std::string>& detector_names,
                      float keep_prob, size_t max_boxes) {
  auto names = read_names(names_for_model(model));
  if (!names)
    return names.error();
  crop_classifier c;
  c.detector_classes_ = detector_names.size();
  c.keep_prob_ = keep_prob;
  c.max_boxes_ = max_boxes;
  try {
    c.net_ = cv::dnn::readNetFromONNX(model);
  } catch (const cv::Exception& e) {
    return caf::make_error(ec::model_failed,
                           "cannot load classifier " + model + ": " + e.what());
  }
  c.net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  c.net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  bool any = false;
  for (auto& n : *names) {
    auto it = std::find(detector_names.begin(), detector_names.end(), n);
    c.to_detector_.push_back(
        it == detector_names.end() ? -1 : int32_t(it - detector_names.begin()));
    any = any || it != detector_names.end();
  }
  if (!any)
    return caf::make_error(ec::model_failed,
                           "classifier " + model
                               + " shares no class name with the detector "
                                 "(set detector.classifier: \"\" to run "
                                 "without it)");
  return c;
}

caf::error crop_classifier::relabel(const cv::Mat& bgr,
                                    std::vector<detection>& dets) {
  if (dets.empty())
    return caf::none;
  try {
    auto picked = boxes_to_classify(dets, max_boxes_);
    crops_.clear();
    for (auto i : picked)
      crops_.push_back(classifier_crop(bgr, dets[i].bbox));
    cv::dnn::blobFromImages(crops_, blob_, 1.0 / 255.0, cv::Size(),
                            cv::Scalar(), /*swapRB*/ true, false);
    net_.setInput(blob_);
    cv::Mat probs = net_.forward().reshape(1, int(picked.size()));
    std::vector<float> by_class(detector_classes_);
    for (int i = 0; i < probs.rows; ++i) {
      std::fill(by_class.begin(), by_class.end(), -1.0f);
      for (int k = 0; k < probs.cols && size_t(k) < to_detector_.size(); ++k)
        if (auto id = to_detector_[size_t(k)]; id >= 0)
          by_class[size_t(id)] = probs.at<float>(i, k);
      auto& d = dets[picked[size_t(i)]];
      d.class_id = relabelled_class(by_class, d.class_id, keep_prob_);
    }
  } catch (const cv::Exception& e) {
    return caf::make_error(ec::model_failed,
                           std::string("classifier failed: ") + e.what());
  }
  return caf::none;
}

} // namespace argus
