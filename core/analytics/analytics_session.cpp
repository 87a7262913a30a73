// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/analytics_session.hpp"

#include "core/analytics/metadata.hpp"

namespace argus {

analytics_session::analytics_session(analytics_params params)
    : params_(std::move(params)),
      lifecycle_(lifecycle_params{params_.cfg.confirm_hits,
                                  params_.cfg.end_after_ms,
                                  params_.cfg.update_min_conf_gain},
                 params_.session_id, params_.camera_id,
                 [this](int32_t id) { return label(id); }),
      latency_(params_.cfg.stats_window), detect_(params_.cfg.stats_window) {
  tick_.session_id = params_.session_id;
  tick_.camera_id = params_.camera_id;
  tick_.frame_index = -1;
}

void analytics_session::reconfigure(const session_config& cfg) {
  auto window = params_.cfg.stats_window;
  params_.cfg = cfg;
  params_.cfg.stats_window = window;
  lifecycle_.set_params(lifecycle_params{cfg.confirm_hits, cfg.end_after_ms,
                                         cfg.update_min_conf_gain});
}

std::string analytics_session::label(int32_t class_id) const {
  if (class_id >= 0 && size_t(class_id) < params_.labels.size())
    return params_.labels[size_t(class_id)];
  return "class_" + std::to_string(class_id);
}

std::vector<track_event> analytics_session::process(const track_set& ts,
                                                    double latency_ms,
                                                    double detect_ms,
                                                    int64_t now_mono_ms) {
  auto events = lifecycle_.observe(ts);
  auto target = phase_.target();
  if (target != none_id)
    phase_.observe(lifecycle_.seen_in_last_frame(target),
                   lifecycle_.is_alive(target));
  tick_.ts_unix_ms = ts.ts_unix_ms;
  tick_.ts_mono_ms = ts.ts_mono_ms;
  tick_.frame_index = ts.frame_index;
  tick_.frame_w = ts.frame_w;
  tick_.frame_h = ts.frame_h;
  tick_.selected_target_id = phase_.target();
  tick_.tracking_phase = phase_.name();
  tick_.tracks.clear();
  for (auto& t : ts.tracks)
    tick_.tracks.push_back({t.id, label(t.class_id), round6(t.conf),
                            normalize(t.bbox, ts.frame_w, ts.frame_h)});
  dirty_ = true;
  ++frames_processed_;
  events_ += int64_t(events.size());
  latency_.add(latency_ms, now_mono_ms);
  detect_.add(detect_ms, now_mono_ms);
  return events;
}

command_reply analytics_session::command(const client_command& cmd) {
  command_reply r;
  switch (cmd.kind) {
  case client_command::set_target:
    r.command = "set_target_id";
    r.target_id = cmd.target_id;
    if (!lifecycle_.is_alive(cmd.target_id)) {
      r.error = "unknown_target";
      r.detail = "no active track with id " + std::to_string(cmd.target_id);
      return r;
    }
    phase_.select(cmd.target_id, lifecycle_.seen_in_last_frame(cmd.target_id));
    break;
  case client_command::clear_target:
    r.command = "clear_target";
    phase_.clear();
    break;
  default:
    r.error = cmd.error.empty() ? "invalid_command" : cmd.error;
    r.detail = cmd.detail;
    return r;
  }
  r.ok = true;
  tick_.selected_target_id = phase_.target();
  tick_.tracking_phase = phase_.name();
  dirty_ = true;
  return r;
}

bool analytics_session::take_dirty() {
  auto result = dirty_;
  dirty_ = false;
  return result;
}

ptz_observation analytics_session::observe_target(int64_t ts_mono_ms,
                                                  double zoom) const {
  ptz_observation obs;
  obs.ts_mono_ms = ts_mono_ms;
  obs.phase = static_cast<int32_t>(phase_.current());
  obs.zoom = zoom;
  if (phase_.current() != tracking_phase::phase::tracking)
    return obs;
  for (auto& t : tick_.tracks) {
    if (t.id != phase_.target())
      continue;
    obs.seen = true;
    obs.cx = t.bbox.x + t.bbox.w / 2;
    obs.cy = t.bbox.y + t.bbox.h / 2;
    obs.w = t.bbox.w;
    obs.h = t.bbox.h;
  }
  return obs;
}

void analytics_session::set_ptz(const ptz_telemetry& ptz) {
  auto& now = tick_.ptz;
  if (now.control_mode == ptz.control_mode && now.active == ptz.active
      && now.pan == ptz.pan && now.tilt == ptz.tilt && now.zoom == ptz.zoom)
    return;
  now = ptz;
  dirty_ = true;
}

std::vector<track_event> analytics_session::finish(int64_t ts_unix_ms) {
  auto events = lifecycle_.end_all(ts_unix_ms);
  events_ += int64_t(events.size());
  return events;
}

session_status analytics_session::status() const {
  session_status s;
  s.session_id = params_.session_id;
  s.camera_id = params_.camera_id;
  s.running = true;
  s.fps = latency_.rate();
  s.latency_p50_ms = latency_.percentile(50);
  s.latency_p99_ms = latency_.percentile(99);
  s.detect_p50_ms = detect_.percentile(50);
  s.frames_processed = frames_processed_;
  s.frames_dropped = frames_dropped_;
  s.last_frame_ts_unix_ms = has_tick() ? tick_.ts_unix_ms : none_id;
  s.selected_target_id = phase_.target();
  s.tracking_phase = phase_.name();
  s.active_tracks = int64_t(lifecycle_.alive());
  s.events_published = events_;
  return s;
}

} // namespace argus
