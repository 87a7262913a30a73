// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace argus {

/// Sliding-window statistics of a pipeline stage: latency percentiles and
/// throughput over the last `window` samples.
class latency_stats {
public:
  explicit latency_stats(size_t window = 300) : window_(window) {}

  /// Adds one sample: its latency and the (monotonic) time it completed.
  void add(double latency_ms, int64_t completed_mono_ms);

  /// The p-th percentile (0..100) of the window, nearest-rank; 0 if empty.
  double percentile(double p) const;

  /// Samples per second over the window; 0 with fewer than two samples.
  double rate() const;

  size_t size() const { return samples_.size(); }

private:
  struct sample {
    double latency_ms;
    int64_t at_ms;
  };
  size_t window_;
  std::deque<sample> samples_;
};

} // namespace argus
