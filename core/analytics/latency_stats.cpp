// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/latency_stats.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace argus {

void latency_stats::add(double latency_ms, int64_t completed_mono_ms) {
  samples_.push_back({latency_ms, completed_mono_ms});
  while (samples_.size() > window_)
    samples_.pop_front();
}

double latency_stats::percentile(double p) const {
  if (samples_.empty())
    return 0;
  std::vector<double> v;
  v.reserve(samples_.size());
  for (auto& s : samples_)
    v.push_back(s.latency_ms);
  std::sort(v.begin(), v.end());
  auto rank = size_t(std::ceil(p / 100.0 * double(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

double latency_stats::rate() const {
  if (samples_.size() < 2)
    return 0;
  auto span = samples_.back().at_ms - samples_.front().at_ms;
  return span > 0 ? double(samples_.size() - 1) * 1000.0 / double(span) : 0;
}

} // namespace argus
