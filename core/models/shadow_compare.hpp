// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/model_types.hpp"
#include "messages/types.hpp"

#include <string>
#include <vector>

namespace argus {

/// Intersection over union of two pixel boxes (0 when either is empty).
double box_iou(const pixel_box& a, const pixel_box& b);

/// Pairs of `active` and `candidate` detections that match: the same class
/// name and IoU >= `min_iou`, chosen greedily by IoU (each box in at most
/// one pair). Class ids are looked up in each model's own names, so two
/// models with different class orders still match. Returns the number of
/// pairs.
int64_t count_matches(const std::vector<detection>& active,
                      const std::vector<std::string>& active_names,
                      const std::vector<detection>& candidate,
                      const std::vector<std::string>& candidate_names,
                      double min_iou = 0.5);

/// One DETECTOR's running comparison of a candidate model with the active
/// one (shadow mode): counts boxes, matches, classes and latencies of the
/// compared frames. Pure; unit-tested in tests/core/models.
class shadow_compare {
public:
  /// At most `latency_window` latencies of each model are kept.
  shadow_compare(std::vector<std::string> active_names,
                 std::vector<std::string> candidate_names,
                 size_t latency_window = 256);

  /// Adds one frame both models ran on.
  void add(const std::vector<detection>& active, double active_ms,
           const std::vector<detection>& candidate, double candidate_ms);

  /// The counts so far (medians and agreement filled in).
  shadow_report report() const;

  /// Replaces the active model's names (after an activation).
  void set_active_names(std::vector<std::string> names);

private:
  std::vector<std::string> active_names_;
  std::vector<std::string> candidate_names_;
  size_t window_;
  shadow_report acc_;
};

/// Adds `part`'s counts, classes and latency samples to `total`.
void merge_shadow(shadow_report& total, const shadow_report& part);

/// Fills in agreement and the median latencies from the counts and samples.
void finish_shadow(shadow_report& r);

} // namespace argus
