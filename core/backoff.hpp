// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <random>

namespace argus {

/// How a failing source is retried: the first wait is `min_ms`, each
/// further one `factor` times longer up to `max_ms`, each spread by up to
/// ±`jitter` (a fraction) so many cameras that failed together (a switch
/// reboot) do not reconnect in lockstep.
struct backoff_policy {
  int min_ms = 500;
  int max_ms = 10000;
  double factor = 2.0;
  double jitter = 0.2;
};

/// Exponential backoff with jitter; seeded, so tests are deterministic.
class backoff {
public:
  backoff(backoff_policy policy, uint64_t seed) : policy_(policy), rng_(seed) {}

  /// The wait before the next attempt (grows with each call).
  int next_delay_ms();
  /// A success: the next failure starts again at `min_ms`.
  void reset() {
    base_ms_ = 0;
    failures_ = 0;
  }
  /// Failures since the last reset.
  int failures() const { return failures_; }
  const backoff_policy& policy() const { return policy_; }

private:
  backoff_policy policy_;
  std::mt19937_64 rng_;
  double base_ms_ = 0;
  int failures_ = 0;
};

} // namespace argus
