// SPDX-License-Identifier: Apache-2.0
#include "core/clip_scheduler.hpp"

#include <algorithm>
#include <climits>

namespace argus {

void clip_scheduler::want(int32_t irap, int32_t decode_index, int32_t quality) {
  group_key key{irap, quality};
  auto& group = groups_[key];
  group.insert(decode_index);
  // Re-asking moves the group to the top of the LIFO.
  order_.erase(std::remove(order_.begin(), order_.end(), key), order_.end());
  order_.push_back(key);
}

bytes_ptr clip_scheduler::chunk(int32_t irap) {
  for (auto it = chunks_.begin(); it != chunks_.end(); ++it)
    if (it->first == irap) {
      auto found = *it;
      chunks_.erase(it);
      chunks_.push_front(found);
      return found.second;
    }
  return nullptr;
}

void clip_scheduler::chunk_loaded(int32_t irap, bytes_ptr bytes) {
  loading_.erase(irap);
  chunks_.push_front({irap, std::move(bytes)});
  while (chunks_.size() > max_chunks_)
    chunks_.pop_back();
}

std::vector<std::pair<int32_t, int32_t>>
clip_scheduler::chunk_failed(int32_t irap) {
  loading_.erase(irap);
  std::vector<std::pair<int32_t, int32_t>> dropped;
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->first.first != irap) {
      ++it;
      continue;
    }
    for (auto d : it->second)
      dropped.push_back({d, it->first.second});
    order_.erase(std::remove(order_.begin(), order_.end(), it->first),
                 order_.end());
    it = groups_.erase(it);
  }
  return dropped;
}

bool clip_scheduler::is_sequential(int32_t irap,
                                   const std::set<int32_t>& wanted) const {
  if (last_irap_ < 0 || (irap != last_irap_ && irap != last_irap_ + 1))
    return false;
  const auto& frames = index_->iraps[static_cast<size_t>(irap)].frames;
  int32_t first = INT32_MAX;
  for (auto d : wanted)
    first = std::min(first, frames[static_cast<size_t>(d)].display_index);
  // The player moved on by a frame or two from where the last pass ended.
  return first > last_display_ && first <= last_display_ + 2;
}

void clip_scheduler::request_load(int32_t irap, std::vector<int32_t>& loads) {
  if (irap < 0 || irap >= static_cast<int32_t>(index_->iraps.size()))
    return;
  if (loading_.count(irap))
    return;
  for (auto& c : chunks_)
    if (c.first == irap)
      return;
  loading_.insert(irap);
  loads.push_back(irap);
}

clip_scheduler::step clip_scheduler::next(bool decoder_idle) {
  step out;
  // Newest group first; a group whose bytes are missing starts loading and
  // lets an older, loaded group go ahead meanwhile.
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    auto key = *it;
    auto bytes = chunk(key.first);
    if (!bytes) {
      request_load(key.first, out.loads);
      continue;
    }
    if (!decoder_idle || out.job)
      continue;
    auto wanted = std::move(groups_[key]);
    groups_.erase(key);
    decode_job job;
    job.chunk = bytes;
    job.irap_index = key.first;
    job.quality = key.second;
    job.wanted.assign(wanted.begin(), wanted.end());
    job.encode_all = is_sequential(key.first, wanted);
    const auto& frames = index_->iraps[static_cast<size_t>(key.first)].frames;
    last_irap_ = key.first;
    last_display_ = -1;
    for (auto d : wanted)
      last_display_ = std::max(last_display_,
                               frames[static_cast<size_t>(d)].display_index);
    if (job.encode_all) // read ahead: the player will want the next chunk
      request_load(key.first + 1, out.loads);
    out.job = std::move(job);
  }
  if (out.job)
    order_.erase(std::remove(order_.begin(), order_.end(),
                             group_key{out.job->irap_index, out.job->quality}),
                 order_.end());
  return out;
}

} // namespace argus
