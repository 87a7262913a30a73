// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/track_lifecycle.hpp"

#include "core/analytics/metadata.hpp"

namespace argus {

track_lifecycle::track_lifecycle(lifecycle_params params,
                                 std::string session_id, std::string camera_id,
                                 label_fn label)
    : params_(params), session_id_(std::move(session_id)),
      camera_id_(std::move(camera_id)), label_(std::move(label)) {
  // nop
}

bool track_lifecycle::seen_in_last_frame(int64_t id) const {
  auto it = records_.find(id);
  return it != records_.end() && it->second.last_frame == last_frame_;
}

track_event track_lifecycle::make_event(const char* kind, const record& rec,
                                        bool with_before, int64_t ts) const {
  track_event ev;
  ev.event = kind;
  ev.session_id = session_id_;
  ev.camera_id = camera_id_;
  ev.ts_unix_ms = ts;
  ev.has_before = with_before;
  if (with_before)
    ev.before = rec.published;
  ev.after = rec.current;
  return ev;
}

std::vector<track_event> track_lifecycle::observe(const track_set& ts) {
  std::vector<track_event> events;
  last_frame_ = ts.frame_index;
  // Ends first: a track unseen too long is over before anything new starts.
  for (auto it = records_.begin(); it != records_.end();) {
    auto& rec = it->second;
    if (ts.ts_mono_ms - rec.last_seen_mono_ms <= params_.end_after_ms) {
      ++it;
      continue;
    }
    if (rec.current.confirmed) {
      rec.current.end_ts_unix_ms = rec.last_seen_unix_ms;
      events.push_back(make_event("end", rec, true, ts.ts_unix_ms));
    }
    it = records_.erase(it);
  }
  for (auto& t : ts.tracks) {
    auto [it, fresh] = records_.try_emplace(t.id);
    auto& rec = it->second;
    auto& cur = rec.current;
    auto box = normalize(t.bbox, ts.frame_w, ts.frame_h);
    if (fresh) {
      cur.id = t.id;
      cur.start_ts_unix_ms = ts.ts_unix_ms;
      cur.top_conf = -1;
    }
    cur.label = label_(t.class_id);
    ++cur.hits;
    rec.last_seen_mono_ms = ts.ts_mono_ms;
    rec.last_seen_unix_ms = ts.ts_unix_ms;
    rec.last_frame = ts.frame_index;
    bool improved = double(t.conf) > cur.top_conf;
    if (improved) {
      cur.top_conf = round6(t.conf);
      cur.best_bbox = box;
    }
    if (!cur.confirmed && cur.hits >= params_.confirm_hits) {
      cur.confirmed = true;
      events.push_back(make_event("new", rec, false, ts.ts_unix_ms));
      rec.published = cur;
    } else if (cur.confirmed
               && cur.top_conf - rec.published.top_conf
                      >= params_.update_min_conf_gain - 1e-9) {
      events.push_back(make_event("update", rec, true, ts.ts_unix_ms));
      rec.published = cur;
    }
  }
  return events;
}

std::vector<track_event> track_lifecycle::end_all(int64_t ts_unix_ms) {
  std::vector<track_event> events;
  for (auto& [id, rec] : records_) {
    if (!rec.current.confirmed)
      continue;
    rec.current.end_ts_unix_ms = rec.last_seen_unix_ms;
    events.push_back(make_event("end", rec, true, ts_unix_ms));
  }
  records_.clear();
  return events;
}

} // namespace argus
