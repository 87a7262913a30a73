// SPDX-License-Identifier: Apache-2.0
#include "core/frames/frame_cache.hpp"

namespace argus {

std::string frame_cache::key_of(const std::string& clip_id, int64_t offset,
                                int32_t quality) {
  // '\n' cannot appear in a clip id (validated at registration).
  return clip_id + '\n' + std::to_string(offset) + '\n'
         + std::to_string(quality);
}

bytes_ptr frame_cache::get(const std::string& clip_id, int64_t offset,
                           int32_t quality) {
  auto key = key_of(clip_id, offset, quality);
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = map_.find(key);
  if (it == map_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->jpeg;
}

void frame_cache::put(const std::string& clip_id, int64_t offset,
                      int32_t quality, bytes_ptr jpeg) {
  if (!jpeg || static_cast<int64_t>(jpeg->size()) > capacity_)
    return;
  auto key = key_of(clip_id, offset, quality);
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto it = map_.find(key); it != map_.end()) {
    bytes_ -= static_cast<int64_t>(it->second->jpeg->size());
    lru_.erase(it->second);
    map_.erase(it);
  }
  bytes_ += static_cast<int64_t>(jpeg->size());
  lru_.push_front(entry{key, clip_id, std::move(jpeg)});
  map_.emplace(std::move(key), lru_.begin());
  evict_locked();
}

void frame_cache::evict_locked() {
  while (bytes_ > capacity_ && !lru_.empty()) {
    auto& victim = lru_.back();
    bytes_ -= static_cast<int64_t>(victim.jpeg->size());
    map_.erase(victim.key);
    lru_.pop_back();
    ++evictions_;
  }
}

void frame_cache::erase_clip(const std::string& clip_id) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto it = lru_.begin(); it != lru_.end();) {
    if (it->clip_id == clip_id) {
      bytes_ -= static_cast<int64_t>(it->jpeg->size());
      map_.erase(it->key);
      it = lru_.erase(it);
    } else {
      ++it;
    }
  }
}

frame_cache_stats frame_cache::stats() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return {static_cast<int64_t>(map_.size()),
          bytes_,
          capacity_,
          hits_,
          misses_,
          evictions_};
}

} // namespace argus
