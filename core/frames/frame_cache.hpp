// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/frame_types.hpp"

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace argus {

/// Counters of the frame cache (GET /clips status view).
struct frame_cache_stats {
  int64_t entries = 0;
  int64_t bytes = 0;
  int64_t capacity_bytes = 0;
  int64_t hits = 0;
  int64_t misses = 0;
  int64_t evictions = 0;
};

/// The LRU cache of encoded frames shared by every clip and decoder: keyed
/// by (clip, frame offset, quality), bounded by the total bytes it holds.
/// Thread-safe (one mutex, O(1) per call) because decoders insert from
/// their own threads while clips look up from theirs.
class frame_cache {
public:
  explicit frame_cache(int64_t capacity_bytes) : capacity_(capacity_bytes) {}

  /// The cached JPEG, or null (counted as hit or miss).
  bytes_ptr get(const std::string& clip_id, int64_t offset, int32_t quality);
  /// Inserts (or refreshes) one frame; evicts the least recently used
  /// frames beyond the capacity. A frame larger than the capacity is not
  /// kept.
  void put(const std::string& clip_id, int64_t offset, int32_t quality,
           bytes_ptr jpeg);
  /// Drops every frame of one clip.
  void erase_clip(const std::string& clip_id);

  frame_cache_stats stats() const;

private:
  static std::string key_of(const std::string& clip_id, int64_t offset,
                            int32_t quality);
  void evict_locked();

  struct entry {
    std::string key;
    std::string clip_id;
    bytes_ptr jpeg;
  };

  mutable std::mutex mtx_;
  int64_t capacity_;
  int64_t bytes_ = 0;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
  int64_t evictions_ = 0;
  std::list<entry> lru_; // front: most recently used
  std::unordered_map<std::string, std::list<entry>::iterator> map_;
};

} // namespace argus
