// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/byte_tracker.hpp"

#include "core/analytics/assignment.hpp"

#include <algorithm>
#include <cmath>

namespace argus {

namespace {

kalman_filter::measurement to_xyah(const pixel_box& b) {
  return {b.x + b.w / 2.0, b.y + b.h / 2.0, b.w / std::max(1e-6f, b.h),
          double(b.h)};
}

} // namespace

double iou(const pixel_box& a, const pixel_box& b) {
  auto x1 = std::max(a.x, b.x), y1 = std::max(a.y, b.y);
  auto x2 = std::min(a.x + a.w, b.x + b.w), y2 = std::min(a.y + a.h, b.y + b.h);
  auto iw = std::max(0.0f, x2 - x1), ih = std::max(0.0f, y2 - y1);
  auto inter = double(iw) * ih;
  auto uni = double(a.w) * a.h + double(b.w) * b.h - inter;
  return uni > 0 ? inter / uni : 0.0;
}

pixel_box buffered(const pixel_box& b, float ratio) {
  return {b.x - ratio * b.w, b.y - ratio * b.h, b.w * (1 + 2 * ratio),
          b.h * (1 + 2 * ratio)};
}

pixel_box byte_tracker::strack::box() const {
  auto h = mean(3), w = mean(2) * h;
  return {float(mean(0) - w / 2), float(mean(1) - h / 2), float(w), float(h)};
}

void byte_tracker::strack::vote(const detection& det) {
  if (det.class_id < 0) { // not a class the votes can index: follow it
    class_id = det.class_id;
    return;
  }
  auto c = size_t(det.class_id);
  if (class_votes.size() <= c)
    class_votes.resize(c + 1, 0.0f);
  class_votes[c] += det.conf;
  // Ties keep the current class, so the label does not flicker.
  auto best = std::max_element(class_votes.begin(), class_votes.end());
  if (class_id < 0 || size_t(class_id) >= class_votes.size()
      || *best > class_votes[size_t(class_id)])
    class_id = int32_t(best - class_votes.begin());
}

byte_tracker::byte_tracker(tracker_params params) : params_(params) {
  // nop
}

byte_tracker::strack byte_tracker::make_track(const detection& det) {
  strack t;
  kf_.initiate(to_xyah(det.bbox), t.mean, t.cov);
  t.score = det.conf;
  t.class_id = det.class_id;
  t.vote(det);
  return t;
}

void byte_tracker::activate(strack& t) {
  t.id = ids_ ? ++*ids_ : next_id_++;
  t.phase = track_phase::tracked;
  // ByteTrack confirms first-frame tracks at once; later births must be
  // matched again before they are reported.
  t.activated = frame_id_ == 1;
  t.start_frame = t.frame_id = frame_id_;
  t.hits = 1;
}

void byte_tracker::follow_camera(double scale, double dx, double dy) {
  if (!(scale > 0) || !std::isfinite(scale) || !std::isfinite(dx)
      || !std::isfinite(dy))
    return;
  // State (cx, cy, a, h, vcx, vcy, va, vh): positions, sizes and their
  // velocities scale with the picture; the aspect ratio does not.
  kalman_filter::state s = kalman_filter::state::zeros();
  for (int i : {0, 1, 3, 4, 5, 7})
    s(i) = scale;
  s(2) = s(6) = 1;
  auto to_view = [&](strack& t) {
    for (int i = 0; i < 8; ++i)
      t.mean(i) *= s(i);
    t.mean(0) += dx;
    t.mean(1) += dy;
    for (int i = 0; i < 8; ++i)
      for (int j = 0; j < 8; ++j)
        t.cov(i, j) *= s(i) * s(j);
  };
  for (auto& t : tracked_)
    to_view(t);
  for (auto& t : lost_)
    to_view(t);
}

void byte_tracker::update_track(strack& t, const detection& det) {
  kf_.update(t.mean, t.cov, to_xyah(det.bbox));
  t.score = det.conf;
  t.vote(det);
  t.phase = track_phase::tracked;
  t.activated = true;
  t.frame_id = frame_id_;
  ++t.hits;
}

double byte_tracker::cost(const strack& t, const detection& d, bool fuse,
                          float buffer) const {
  if (params_.class_aware && t.class_id != d.class_id)
    return 1.0;
  auto sim = iou(buffered(t.box(), buffer), buffered(d.bbox, buffer));
  if (fuse)
    sim *= d.conf;
  return 1.0 - sim;
}

std::vector<track_state>
byte_tracker::update(const std::vector<detection>& dets) {
  ++frame_id_;
  std::vector<detection> high, low;
  for (auto& d : dets) {
    if (d.conf >= params_.track_high_thresh)
      high.push_back(d);
    else if (d.conf >= params_.track_low_thresh)
      low.push_back(d);
  }
  // Split current tracks: confirmed ones (plus lost) form the pool of the
  // first association; unconfirmed births get their own, stricter pass.
  std::vector<strack> pool, unconfirmed;
  for (auto& t : tracked_)
    (t.activated ? pool : unconfirmed).push_back(t);
  auto n_tracked = pool.size();
  for (auto& t : lost_)
    pool.push_back(t);
  for (auto& t : pool) {
    // A lost box keeps moving but stops growing or shrinking.
    if (t.phase != track_phase::tracked)
      t.mean(7) = 0;
    kf_.predict(t.mean, t.cov);
  }
  for (auto& t : unconfirmed)
    kf_.predict(t.mean, t.cov);

  auto build
      = [&](const std::vector<strack*>& ts,
            const std::vector<const detection*>& ds, bool fuse, float buffer) {
          cost_matrix m{int(ts.size()), int(ds.size()), {}};
          m.cost.resize(ts.size() * ds.size());
          for (size_t i = 0; i < ts.size(); ++i)
            for (size_t j = 0; j < ds.size(); ++j)
              m.at(int(i), int(j)) = cost(*ts[i], *ds[j], fuse, buffer);
          return m;
        };

  std::vector<strack> next_tracked, next_lost;
  // -- stage 1: pool x high-score detections --------------------------------
  std::vector<strack*> ts1;
  for (auto& t : pool)
    ts1.push_back(&t);
  std::vector<const detection*> ds1;
  for (auto& d : high)
    ds1.push_back(&d);
  auto a1 = solve_assignment(
      build(ts1, ds1, params_.fuse_score, params_.match_buffer),
      params_.match_thresh);
  for (auto [r, c] : a1.matches) {
    update_track(*ts1[r], *ds1[c]);
    next_tracked.push_back(*ts1[r]);
  }
  // -- stage 2: leftover tracked (not lost) x low-score detections ----------
  std::vector<strack*> ts2;
  for (auto r : a1.unmatched_rows)
    if (size_t(r) < n_tracked)
      ts2.push_back(ts1[r]);
  std::vector<const detection*> ds2;
  for (auto& d : low)
    ds2.push_back(&d);
  auto a2 = solve_assignment(build(ts2, ds2, false, params_.match_buffer),
                             params_.second_match_thresh);
  for (auto [r, c] : a2.matches) {
    update_track(*ts2[r], *ds2[c]);
    next_tracked.push_back(*ts2[r]);
  }
  for (auto r : a2.unmatched_rows) {
    ts2[r]->phase = track_phase::lost;
    next_lost.push_back(*ts2[r]);
  }
  for (auto r : a1.unmatched_rows)
    if (size_t(r) >= n_tracked)
      next_lost.push_back(*ts1[r]); // still lost
  // -- stage 3: unconfirmed births x remaining high detections --------------
  std::vector<strack*> ts3;
  for (auto& t : unconfirmed)
    ts3.push_back(&t);
  std::vector<const detection*> ds3;
  for (auto c : a1.unmatched_cols)
    ds3.push_back(ds1[c]);
  auto a3 = solve_assignment(
      build(ts3, ds3, params_.fuse_score, params_.birth_buffer),
      params_.unconfirmed_match_thresh);
  for (auto [r, c] : a3.matches) {
    update_track(*ts3[r], *ds3[c]);
    next_tracked.push_back(*ts3[r]);
  }
  // Unmatched unconfirmed tracks are dropped: one-frame false positives.
  // -- births ----------------------------------------------------------------
  for (auto c : a3.unmatched_cols) {
    if (ds3[c]->conf < params_.new_track_thresh)
      continue;
    auto t = make_track(*ds3[c]);
    activate(t);
    next_tracked.push_back(t);
  }
  // -- expire lost tracks ----------------------------------------------------
  auto max_lost = int64_t(params_.frame_rate / 30.0 * params_.track_buffer);
  next_lost.erase(std::remove_if(next_lost.begin(), next_lost.end(),
                                 [&](const strack& t) {
                                   return frame_id_ - t.frame_id > max_lost;
                                 }),
                  next_lost.end());
  tracked_ = std::move(next_tracked);
  lost_ = std::move(next_lost);
  remove_duplicates();

  std::vector<track_state> out;
  for (auto& t : tracked_)
    if (t.activated && (t.hits >= params_.min_hits || frame_id_ <= 1))
      out.push_back({t.id, t.box(), t.score, t.class_id});
  std::sort(out.begin(), out.end(),
            [](auto& a, auto& b) { return a.id < b.id; });
  return out;
}

void byte_tracker::remove_duplicates() {
  // A lost track overlapping a tracked one almost fully is the same object
  // twice; keep whichever has been alive longer.
  std::vector<char> drop_tracked(tracked_.size(), false),
      drop_lost(lost_.size(), false);
  for (size_t i = 0; i < tracked_.size(); ++i) {
    for (size_t j = 0; j < lost_.size(); ++j) {
      if (params_.class_aware && tracked_[i].class_id != lost_[j].class_id)
        continue;
      if (1.0 - iou(tracked_[i].box(), lost_[j].box()) >= 0.15)
        continue;
      auto age_t = tracked_[i].frame_id - tracked_[i].start_frame;
      auto age_l = lost_[j].frame_id - lost_[j].start_frame;
      (age_t > age_l ? drop_lost[j] : drop_tracked[i]) = true;
    }
  }
  auto keep = [](std::vector<strack>& v, const std::vector<char>& drop) {
    std::vector<strack> out;
    for (size_t i = 0; i < v.size(); ++i)
      if (!drop[i])
        out.push_back(std::move(v[i]));
    v = std::move(out);
  };
  keep(tracked_, drop_tracked);
  keep(lost_, drop_lost);
}

} // namespace argus
