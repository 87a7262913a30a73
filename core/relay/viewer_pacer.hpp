// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

namespace argus {

/// Which relay viewers are due a frame. Each rate has one time grid (slots
/// of 1/fps seconds on the steady clock) shared by every viewer at that
/// rate, so viewers at the same rate are due on the same frames and share
/// one encode wherever they joined; a viewer gets at most one frame per
/// slot and is never owed a backlog. Half a source interval of slack keeps
/// timer jitter from pushing a frame into the wrong slot.
template <class Id> class viewer_pacer {
public:
  using clock = std::chrono::steady_clock;

  explicit viewer_pacer(double source_fps) : source_fps_(source_fps) {}

  /// A viewer at `fps` (clamped to 0.01 .. the source rate). With
  /// `served_now` it already got a frame for the current slot (the latest
  /// one from memory when it joined).
  void add(Id id, double fps, clock::time_point now, bool served_now) {
    entry e{std::move(id), 1.0 / std::clamp(fps, 0.01, source_fps_), -1};
    if (served_now)
      e.last_slot = slot(now, e.interval_s);
    entries_.push_back(std::move(e));
  }

  template <class Pred> void remove_if(Pred pred) {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const entry& e) { return pred(e.id); }),
                   entries_.end());
  }

  /// The viewers due a frame captured now; marks them served.
  std::vector<Id> due(clock::time_point now) {
    std::vector<Id> out;
    for (auto& e : entries_) {
      auto s = slot(now, e.interval_s);
      if (s <= e.last_slot)
        continue;
      e.last_slot = s;
      out.push_back(e.id);
    }
    return out;
  }

  template <class F> void for_each(F f) const {
    for (const auto& e : entries_)
      f(e.id);
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

private:
  struct entry {
    Id id;
    double interval_s;
    /// The last slot of its rate's grid it got a frame in.
    int64_t last_slot;
  };

  int64_t slot(clock::time_point now, double interval_s) const {
    auto t = std::chrono::duration<double>(now.time_since_epoch()).count()
             + 0.5 / source_fps_;
    return static_cast<int64_t>(std::floor(t / interval_s));
  }

  double source_fps_;
  std::vector<entry> entries_;
};

} // namespace argus
