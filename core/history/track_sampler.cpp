// SPDX-License-Identifier: Apache-2.0
#include "core/history/track_sampler.hpp"

#include <algorithm>
#include <cmath>

namespace argus {

double box_iou(const norm_box& a, const norm_box& b) {
  double ix
      = std::max(0.0, std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x));
  double iy
      = std::max(0.0, std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y));
  double inter = ix * iy;
  double uni = a.w * a.h + b.w * b.h - inter;
  return uni > 0 ? inter / uni : 0.0;
}

void track_sampler::observe(const std::vector<track_event>& events) {
  for (auto& ev : events) {
    if (ev.event == "new")
      tracks_.emplace(ev.after.id, history{});
    else if (ev.event == "end")
      tracks_.erase(ev.after.id);
  }
}

bool track_sampler::significant(const history& h, const tick_track& t,
                                int64_t ts) const {
  if (!h.have_sample)
    return true;
  if (ts - h.last_sample.ts_unix_ms >= params_.interval_ms)
    return true;
  if (box_iou(h.last_sample.bbox, t.bbox) < params_.min_iou)
    return true;
  return std::abs(t.conf - h.last_sample.conf) > params_.conf_delta;
}

std::vector<track_sample>
track_sampler::sample(const std::vector<tick_track>& tracks,
                      int64_t ts_unix_ms) {
  std::vector<track_sample> out;
  for (auto& t : tracks) {
    auto it = tracks_.find(t.id);
    if (it == tracks_.end())
      continue;
    auto& h = it->second;
    track_sample s{t.id, ts_unix_ms, t.bbox, t.conf, 0, 0};
    if (h.have_frame && ts_unix_ms > h.last_ts) {
      double dt = (ts_unix_ms - h.last_ts) / 1000.0;
      s.vx = (t.bbox.x + t.bbox.w / 2 - h.last_box.x - h.last_box.w / 2) / dt;
      s.vy = (t.bbox.y + t.bbox.h / 2 - h.last_box.y - h.last_box.h / 2) / dt;
    }
    if (significant(h, t, ts_unix_ms)) {
      h.have_sample = true;
      h.last_sample = s;
      out.push_back(s);
    }
    h.have_frame = true;
    h.last_box = t.bbox;
    h.last_ts = ts_unix_ms;
  }
  return out;
}

} // namespace argus
