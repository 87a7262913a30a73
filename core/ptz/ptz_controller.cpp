// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/ptz_controller.hpp"

#include <algorithm>
#include <utility>

namespace argus {

namespace {

pacing_settings pacing_of(const ptz_config& cfg) {
  pacing_settings p;
  p.min_interval_ms = cfg.min_interval_ms;
  p.move_timeout_ms = cfg.move_timeout_ms;
  return p;
}

} // namespace

ptz_controller::ptz_controller(std::string camera_id, const ptz_config& cfg)
    : cfg_(cfg), tracker_(cfg.autotrack), pacer_(pacing_of(cfg)) {
  status_.camera_id = std::move(camera_id);
  status_.backend = to_string(cfg.backend);
}

std::optional<ptz_command> ptz_controller::paced(const ptz_command& wanted,
                                                 int64_t now_ms) {
  auto cmd = pacer_.offer(wanted, now_ms);
  if (!cmd)
    return std::nullopt;
  cmd->timeout_ms = cfg_.move_timeout_ms;
  status_.last_command = *cmd;
  ++status_.commands_sent;
  // The pacer sends at most one a min_interval, so the window stays short;
  // the bound holds whatever the configuration.
  sent_ms_.push_back(now_ms);
  while (!sent_ms_.empty()
         && (sent_ms_.front() <= now_ms - rate_window_ms
             || sent_ms_.size() > 10'000))
    sent_ms_.pop_front();
  return cmd;
}

std::optional<ptz_command> ptz_controller::observe(const ptz_observation& obs) {
  autotrack_input in;
  in.now_ms = obs.ts_mono_ms;
  in.phase = static_cast<tracking_phase::phase>(obs.phase);
  if (obs.seen)
    in.target = target_view{obs.cx, obs.cy, obs.w, obs.h};
  if (obs.zoom >= 0)
    in.zoom_position = obs.zoom;
  return paced(tracker_.step(in), obs.ts_mono_ms);
}

std::optional<ptz_command> ptz_controller::set_enabled(bool enabled,
                                                       int64_t now_ms) {
  return paced(tracker_.set_enabled(enabled), now_ms);
}

std::optional<ptz_command> ptz_controller::go_home(int64_t now_ms) {
  return paced(tracker_.go_home(), now_ms);
}

void ptz_controller::answered(const ptz_pose& pose) {
  status_.connected = true;
  status_.position = pose;
}

void ptz_controller::failed(const std::string& error) {
  status_.connected = false;
  ++status_.command_errors;
  status_.last_error = error;
}

void ptz_controller::refused(const std::string& error) {
  status_.connected = true;
  ++status_.command_errors;
  status_.last_error = error;
}

void ptz_controller::unanswered(const std::string& error, bool reachable) {
  status_.connected = reachable;
  status_.last_error = error;
}

ptz_telemetry ptz_controller::telemetry() const {
  const auto& m = pacer_.last_move();
  return {to_string(cfg_.backend), pacer_.moving(), m.pan, m.tilt, m.zoom};
}

ptz_status ptz_controller::status() const {
  auto out = status_;
  out.autotrack_enabled = tracker_.enabled();
  out.autotrack = tracker_.state();
  return out;
}

ptz_status ptz_controller::status(int64_t now_ms) const {
  auto out = status();
  auto recent = std::count_if(sent_ms_.begin(), sent_ms_.end(), [&](int64_t t) {
    return t > now_ms - rate_window_ms && t <= now_ms;
  });
  out.commands_per_s = double(recent) * 1000.0 / double(rate_window_ms);
  return out;
}

} // namespace argus
