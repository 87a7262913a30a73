// SPDX-License-Identifier: Apache-2.0
#include "core/settings/write_rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace argus {

namespace {
/// More clients than this and the full buckets are dropped first.
constexpr size_t max_tracked_clients = 4096;
} // namespace

write_rate_limiter::write_rate_limiter(int per_minute)
    : capacity_(std::max(1, per_minute)), per_ms_(capacity_ / 60000.0) {}

void write_rate_limiter::refill(bucket& b, int64_t now_ms) const {
  if (now_ms > b.at_ms)
    b.tokens
        = std::min(capacity_, b.tokens + double(now_ms - b.at_ms) * per_ms_);
  b.at_ms = std::max(b.at_ms, now_ms);
}

void write_rate_limiter::forget_idle(int64_t now_ms) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now_ms);
    it = it->second.tokens >= capacity_ ? buckets_.erase(it) : std::next(it);
  }
}

int write_rate_limiter::admit(const std::string& client, int64_t now_ms) {
  if (buckets_.size() >= max_tracked_clients && !buckets_.count(client))
    forget_idle(now_ms);
  auto [it, fresh] = buckets_.try_emplace(client, bucket{capacity_, now_ms});
  auto& b = it->second;
  refill(b, now_ms);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, int(std::ceil((1.0 - b.tokens) / per_ms_ / 1000.0)));
}

} // namespace argus
