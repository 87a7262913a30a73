// SPDX-License-Identifier: Apache-2.0
#include "core/models/shadow_compare.hpp"

#include <algorithm>
#include <tuple>

namespace argus {

namespace {

std::string name_of(const std::vector<std::string>& names, int32_t id) {
  if (id >= 0 && size_t(id) < names.size())
    return names[size_t(id)];
  return "class_" + std::to_string(id);
}

double median(std::vector<double> xs) {
  if (xs.empty())
    return 0;
  auto mid = xs.begin() + std::ptrdiff_t(xs.size() / 2);
  std::nth_element(xs.begin(), mid, xs.end());
  if (xs.size() % 2 == 1)
    return *mid;
  auto lower = *std::max_element(xs.begin(), mid);
  return (lower + *mid) / 2;
}

void push_window(std::vector<double>& xs, double x, size_t window) {
  xs.push_back(x);
  if (xs.size() > window)
    xs.erase(xs.begin(), xs.begin() + std::ptrdiff_t(xs.size() - window));
}

} // namespace

double box_iou(const pixel_box& a, const pixel_box& b) {
  if (a.w <= 0 || a.h <= 0 || b.w <= 0 || b.h <= 0)
    return 0;
  double x1 = std::max(a.x, b.x);
  double y1 = std::max(a.y, b.y);
  double x2 = std::min(a.x + a.w, b.x + b.w);
  double y2 = std::min(a.y + a.h, b.y + b.h);
  double inter = std::max(0.0, x2 - x1) * std::max(0.0, y2 - y1);
  double uni = double(a.w) * a.h + double(b.w) * b.h - inter;
  return uni > 0 ? inter / uni : 0;
}

int64_t count_matches(const std::vector<detection>& active,
                      const std::vector<std::string>& active_names,
                      const std::vector<detection>& candidate,
                      const std::vector<std::string>& candidate_names,
                      double min_iou) {
  std::vector<std::tuple<double, size_t, size_t>> pairs;
  for (size_t i = 0; i < active.size(); ++i) {
    auto a_name = name_of(active_names, active[i].class_id);
    for (size_t j = 0; j < candidate.size(); ++j) {
      if (a_name != name_of(candidate_names, candidate[j].class_id))
        continue;
      auto iou = box_iou(active[i].bbox, candidate[j].bbox);
      if (iou >= min_iou)
        pairs.emplace_back(iou, i, j);
    }
  }
  // Best first; ties by index so the result does not depend on sort order.
  std::sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) {
    if (std::get<0>(x) != std::get<0>(y))
      return std::get<0>(x) > std::get<0>(y);
    return std::tie(std::get<1>(x), std::get<2>(x))
           < std::tie(std::get<1>(y), std::get<2>(y));
  });
  std::vector<bool> used_a(active.size()), used_c(candidate.size());
  int64_t matched = 0;
  for (auto& [iou, i, j] : pairs) {
    if (used_a[i] || used_c[j])
      continue;
    used_a[i] = used_c[j] = true;
    ++matched;
  }
  return matched;
}

shadow_compare::shadow_compare(std::vector<std::string> active_names,
                               std::vector<std::string> candidate_names,
                               size_t latency_window)
    : active_names_(std::move(active_names)),
      candidate_names_(std::move(candidate_names)),
      window_(std::max<size_t>(1, latency_window)) {
  acc_.detectors = 1;
}

void shadow_compare::add(const std::vector<detection>& active, double active_ms,
                         const std::vector<detection>& candidate,
                         double candidate_ms) {
  ++acc_.frames_compared;
  acc_.boxes_active += int64_t(active.size());
  acc_.boxes_candidate += int64_t(candidate.size());
  acc_.boxes_matched
      += count_matches(active, active_names_, candidate, candidate_names_);
  for (auto& d : active)
    ++acc_.classes_active[name_of(active_names_, d.class_id)];
  for (auto& d : candidate)
    ++acc_.classes_candidate[name_of(candidate_names_, d.class_id)];
  push_window(acc_.latency_active_ms, active_ms, window_);
  push_window(acc_.latency_candidate_ms, candidate_ms, window_);
}

shadow_report shadow_compare::report() const {
  auto r = acc_;
  finish_shadow(r);
  return r;
}

void shadow_compare::set_active_names(std::vector<std::string> names) {
  active_names_ = std::move(names);
}

void merge_shadow(shadow_report& total, const shadow_report& part) {
  total.detectors += part.detectors;
  total.frames_compared += part.frames_compared;
  total.boxes_active += part.boxes_active;
  total.boxes_candidate += part.boxes_candidate;
  total.boxes_matched += part.boxes_matched;
  for (auto& [k, v] : part.classes_active)
    total.classes_active[k] += v;
  for (auto& [k, v] : part.classes_candidate)
    total.classes_candidate[k] += v;
  total.latency_active_ms.insert(total.latency_active_ms.end(),
                                 part.latency_active_ms.begin(),
                                 part.latency_active_ms.end());
  total.latency_candidate_ms.insert(total.latency_candidate_ms.end(),
                                    part.latency_candidate_ms.begin(),
                                    part.latency_candidate_ms.end());
}

void finish_shadow(shadow_report& r) {
  auto boxes = r.boxes_active + r.boxes_candidate;
  if (r.frames_compared == 0)
    r.agreement = 0;
  else
    r.agreement
        = boxes == 0 ? 1.0 : 2.0 * double(r.boxes_matched) / double(boxes);
  r.median_ms_active = median(r.latency_active_ms);
  r.median_ms_candidate = median(r.latency_candidate_ms);
}

} // namespace argus
