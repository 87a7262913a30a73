// SPDX-License-Identifier: Apache-2.0
// The clocks argus stamps with: wall clock for timestamps that leave the
// process, steady clock for latencies.
#pragma once

#include <chrono>
#include <cstdint>

namespace argus {

/// Wall clock, microseconds since the Unix epoch.
inline int64_t unix_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Wall clock, milliseconds since the Unix epoch.
inline int64_t unix_now_ms() {
  return unix_now_us() / 1000;
}

/// Steady clock in milliseconds (latencies, never compared across hosts).
inline int64_t mono_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

} // namespace argus
