// SPDX-License-Identifier: Apache-2.0
#include "core/frames/clip_scheduler.hpp"

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

void clip_scheduler::produced(int32_t irap, int32_t decode_index,
                              int32_t quality) {
  group_key key{irap, quality};
  auto it = groups_.find(key);
  if (it == groups_.end() || it->second.erase(decode_index) == 0)
    return;
  if (it->second.empty()) {
    groups_.erase(it);
    order_.erase(std::remove(order_.begin(), order_.end(), key), order_.end());
  }
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

std::vector<clip_scheduler::lost_frame>
clip_scheduler::chunk_failed(int32_t irap) {
  loading_.erase(irap);
  std::vector<lost_frame> lost;
  for (auto it = groups_.begin(); it != groups_.end();) {
    auto [c, quality] = it->first;
    auto& group = it->second;
    if (c == irap || c == irap + 1) {
      const auto& frames = index_->iraps[static_cast<size_t>(c)].frames;
      for (auto d = group.begin(); d != group.end();) {
        if (c == irap || frames[static_cast<size_t>(*d)].from_previous_chunk) {
          lost.push_back(lost_frame{c, *d, quality});
          d = group.erase(d);
        } else {
          ++d;
        }
      }
    }
    if (!group.empty()) {
      ++it;
      continue;
    }
    order_.erase(std::remove(order_.begin(), order_.end(), it->first),
                 order_.end());
    it = groups_.erase(it);
  }
  return lost;
}

bytes_ptr clip_scheduler::peek(int32_t irap) const {
  for (const auto& c : chunks_)
    if (c.first == irap)
      return c.second;
  return nullptr;
}

int32_t clip_scheduler::decode_from(int32_t irap,
                                    const std::set<int32_t>& wanted) const {
  const auto& frames = index_->iraps[static_cast<size_t>(irap)].frames;
  for (auto d : wanted)
    if (frames[static_cast<size_t>(d)].from_previous_chunk)
      return irap - 1;
  return irap;
}

std::optional<decode_job>
clip_scheduler::make_job(int32_t irap, int32_t quality,
                         const std::set<int32_t>& wanted,
                         std::vector<int32_t>& loads) {
  auto from = decode_from(irap, wanted);
  auto bytes = chunk(irap);
  auto previous = from < irap ? chunk(from) : nullptr;
  if (!bytes || (from < irap && !previous)) {
    request_load(irap, loads);
    request_load(from, loads);
    return std::nullopt;
  }
  decode_job job;
  job.chunk = std::move(bytes);
  job.previous = std::move(previous);
  job.irap_index = irap;
  job.quality = quality;
  job.wanted.assign(wanted.begin(), wanted.end());
  return job;
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

bool clip_scheduler::continues_open_pass(
    const group_key& key, const std::set<int32_t>& wanted) const {
  // Frames the pass has not reached yet, close enough that decoding (and
  // encoding) everything up to them costs less than restarting at the IRAP.
  return open_ && key.first == open_->irap && key.second == open_->quality
         && *wanted.begin() >= open_->next
         && *wanted.rbegin() - open_->next < decode_ahead_;
}

void clip_scheduler::note_last_display(int32_t irap,
                                       const std::set<int32_t>& wanted) {
  const auto& frames = index_->iraps[static_cast<size_t>(irap)].frames;
  last_irap_ = irap;
  last_display_ = -1;
  for (auto d : wanted)
    last_display_
        = std::max(last_display_, frames[static_cast<size_t>(d)].display_index);
}

void clip_scheduler::play(int32_t irap, int32_t quality) {
  if (open_ && open_->irap == irap && open_->quality == quality)
    return; // already the open pass
  open_ = open_pass{irap, quality, 0};
  player_irap_ = irap;
  player_decode_ = 0;
}

void clip_scheduler::viewed(int32_t irap, int32_t decode_index,
                            int32_t quality) {
  if (open_ && quality != open_->quality)
    return;
  player_irap_ = irap;
  player_decode_ = decode_index;
}

int32_t clip_scheduler::frames_ahead() const {
  if (player_irap_ < 0 || open_->irap == player_irap_)
    return open_->next - std::max(player_decode_, 0);
  if (open_->irap == player_irap_ + 1)
    return chunk_size(player_irap_) - player_decode_ + open_->next;
  // The player is chunks away from the pass: decoding on does not help it.
  return INT32_MAX;
}

std::optional<decode_job>
clip_scheduler::decode_ahead(std::vector<int32_t>& loads) {
  // Slices short enough that a newer request waits little for the decoder.
  constexpr int32_t slice = 4;
  if (!open_ || frames_ahead() >= decode_ahead_)
    return std::nullopt;
  if (open_->next >= chunk_size(open_->irap)) {
    auto following = open_->irap + 1;
    if (following >= static_cast<int32_t>(index_->iraps.size())) {
      open_.reset();
      return std::nullopt;
    }
    if (!chunk(following)) {
      request_load(following, loads);
      return std::nullopt;
    }
    open_ = open_pass{following, open_->quality, 0};
  }
  // The pass runs on into the next chunk (read ahead while this one
  // decodes), which an open GOP's RASL pictures need it to do.
  request_load(open_->irap + 1, loads);
  auto end = std::min(open_->next + slice, chunk_size(open_->irap));
  std::set<int32_t> wanted;
  for (auto d = open_->next; d < end; ++d)
    wanted.insert(d);
  // Null while a chunk it needs loads (or was evicted meanwhile).
  auto job = make_job(open_->irap, open_->quality, wanted, loads);
  if (!job)
    return std::nullopt;
  job->encode_all = true;
  job->following = peek(open_->irap + 1);
  if (!job->previous)
    job->previous = peek(open_->irap - 1);
  open_->next = end;
  note_last_display(job->irap_index, wanted);
  return job;
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
    auto job = make_job(key.first, key.second, groups_[key], out.loads);
    if (!job || !decoder_idle || out.job)
      continue;
    auto wanted = std::move(groups_[key]);
    groups_.erase(key);
    auto last = *wanted.rbegin();
    if (continues_open_pass(key, wanted)) {
      job->encode_all = true;
      open_->next = last + 1;
    } else if (is_sequential(key.first, wanted)) {
      job->encode_all = true;
      open_ = open_pass{key.first, key.second, last + 1};
      request_load(key.first + 1, out.loads); // the player will want it
    } else {
      open_.reset(); // a random pass ends the decoder's open pass
    }
    if (job->encode_all) {
      // At hand, the pass also runs through the next chunk's CRA and
      // starts where this chunk's RASL pictures to come decode from.
      job->following = peek(key.first + 1);
      if (!job->previous)
        job->previous = peek(key.first - 1);
    }
    note_last_display(key.first, wanted);
    out.job = std::move(job);
  }
  if (out.job)
    order_.erase(std::remove(order_.begin(), order_.end(),
                             group_key{out.job->irap_index, out.job->quality}),
                 order_.end());
  else if (decoder_idle)
    out.job = decode_ahead(out.loads);
  return out;
}

} // namespace argus
