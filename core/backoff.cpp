// SPDX-License-Identifier: Apache-2.0
#include "core/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace argus {

int backoff::next_delay_ms() {
  ++failures_;
  base_ms_ = base_ms_ == 0 ? policy_.min_ms
                           : std::min(base_ms_ * policy_.factor,
                                      static_cast<double>(policy_.max_ms));
  std::uniform_real_distribution<double> spread{-policy_.jitter,
                                                policy_.jitter};
  auto delay = base_ms_ * (1.0 + spread(rng_));
  // Jitter never pushes a wait past the cap.
  return static_cast<int>(
      std::lround(std::min(delay, static_cast<double>(policy_.max_ms))));
}

} // namespace argus
