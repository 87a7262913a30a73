// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace argus {

/// A token bucket per client: `per_minute` writes, refilled evenly, with
/// bursts up to `per_minute`. Not thread-safe (the gateway guards it).
class write_rate_limiter {
public:
  explicit write_rate_limiter(int per_minute);

  /// Takes one write for `client` at `now_ms`. @returns 0 when it may go
  /// ahead, else the whole seconds until it may (Retry-After, >= 1).
  int admit(const std::string& client, int64_t now_ms);

  size_t clients() const { return buckets_.size(); }

private:
  struct bucket {
    double tokens;
    int64_t at_ms;
  };
  void refill(bucket& b, int64_t now_ms) const;
  /// Forgets clients whose bucket is full again (they are as new).
  void forget_idle(int64_t now_ms);

  double capacity_;
  double per_ms_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace argus
