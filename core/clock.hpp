// SPDX-License-Identifier: Apache-2.0
// The clocks argus stamps with: wall clock for timestamps that leave the
// process, steady clock for latencies.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>

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

/// CPU time the calling thread has used, in milliseconds.
inline double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

} // namespace argus
