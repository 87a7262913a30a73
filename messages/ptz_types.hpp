// SPDX-License-Identifier: Apache-2.0
// Messages of the PTZ controller: what the session tells it, what it
// commands, what it reports. Plain structs with inspect(), like
// messages/types.hpp.
#pragma once

#include "messages/types.hpp"

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace argus {

/// Why a PTZ command was issued (the audit log's `reason`).
enum class ptz_reason : int32_t { autotrack, lost, ret, operator_request };

/// The wire name: "autotrack", "lost", "return", "operator".
std::string to_string(ptz_reason reason);

/// What the autotracker is doing.
enum class autotrack_state : int32_t {
  disabled,         ///< autotrack is switched off for this camera
  idle,             ///< no target selected
  waiting_for_zone, ///< target selected, not yet inside a required zone
  following,        ///< steering towards the target
  holding,          ///< target missing (searching): stopped, waiting
  zooming_out,      ///< target lost: widening the view
  lost,             ///< target lost, zoomed out, waiting to return
  returning,        ///< sent to the preset or home after losing the target
};

/// The wire name: "disabled", "idle", "waiting_for_zone", …
std::string to_string(autotrack_state state);

/// A command for a PTZ device. `move` velocities are normalized to
/// [-1, 1]: positive pan turns right, positive tilt up, positive zoom in.
/// A move runs until `timeout_ms` (0: the backend's default) unless a
/// newer command replaces it.
struct ptz_command {
  enum class kind : int32_t { none, move, stop, home, preset };
  kind what = kind::none;
  double pan = 0;
  double tilt = 0;
  double zoom = 0;
  std::string preset;
  ptz_reason reason = ptz_reason::autotrack;
  int64_t timeout_ms = 0;
};

/// The wire name of a command kind: "none", "move", "stop", "home", "preset".
std::string to_string(ptz_command::kind what);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ptz_command& x) {
  return f(caf::meta::type_name("ptz_command"), x.what, x.pan, x.tilt, x.zoom,
           x.preset, x.reason, x.timeout_ms);
}

/// Where a PTZ head points, in ONVIF's generic spaces: pan and tilt in
/// [-1, 1] (tilt up positive), zoom in [0, 1] (wide..tele).
struct ptz_pose {
  bool known = false;
  double pan = 0;
  double tilt = 0;
  double zoom = 0;
  bool moving = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ptz_pose& x) {
  return f(caf::meta::type_name("ptz_pose"), x.known, x.pan, x.tilt, x.zoom,
           x.moving);
}

/// What the session saw of its selected target in one processed frame.
struct ptz_observation {
  int64_t ts_mono_ms = 0;
  /// The tracking phase (tracking_phase::phase as an integer).
  int32_t phase = 0;
  bool seen = false;
  /// The target's box, normalized to the frame: centre and size.
  double cx = 0.5;
  double cy = 0.5;
  double w = 0;
  double h = 0;
  /// The frame's lens position (0 wide .. 1 tele); < 0: not known.
  double zoom = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ptz_observation& x) {
  return f(caf::meta::type_name("ptz_observation"), x.ts_mono_ms, x.phase,
           x.seen, x.cx, x.cy, x.w, x.h, x.zoom);
}

/// A PTZ camera's controller as GET /cameras/{id} shows it.
struct ptz_status {
  std::string camera_id;
  /// "sim" or "onvif".
  std::string backend;
  bool connected = false;
  bool autotrack_enabled = false;
  autotrack_state autotrack = autotrack_state::idle;
  ptz_pose position;
  /// The last command sent and its velocities (zero after a stop).
  ptz_command last_command;
  int64_t commands_sent = 0;
  int64_t command_errors = 0;
  std::string last_error;
  /// Commands sent per second over the controller's last 10 s.
  double commands_per_s = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ptz_status& x) {
  return f(caf::meta::type_name("ptz_status"), x.camera_id, x.backend,
           x.connected, x.autotrack_enabled, x.autotrack, x.position,
           x.last_command, x.commands_sent, x.command_errors, x.last_error,
           x.commands_per_s);
}

// -- audit log ----------------------------------------------------------------

/// How a device call ended (the audit log's `result`).
enum class ptz_result : int32_t { ok, error, timeout };

/// The wire name: "ok", "error", "timeout".
std::string to_string(ptz_result result);

/// One device call of a PTZ controller, as the audit log keeps it: what
/// was sent, why, and how the device answered. Position queries (kind
/// none) are not logged.
struct ptz_command_record {
  /// When the command was sent.
  int64_t ts_unix_ms = 0;
  std::string camera_id;
  /// "sim" or "onvif".
  std::string backend;
  /// Kind, velocities or preset, reason and move timeout.
  ptz_command command;
  ptz_result result = ptz_result::ok;
  /// Why the call failed; empty when ok.
  std::string error;
  /// From sending the command to its answer (or the timeout).
  int64_t latency_ms = 0;
  /// Insertion order in the store (with ts the cursor key); 0 until stored.
  int64_t seq = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ptz_command_record& x) {
  return f(caf::meta::type_name("ptz_command_record"), x.ts_unix_ms,
           x.camera_id, x.backend, x.command, x.result, x.error, x.latency_ms,
           x.seq);
}

/// Filters and page of GET /ptz/commands (validated by
/// parse_ptz_command_query).
struct ptz_command_query {
  /// Empty: every camera.
  std::string camera_id;
  /// ts_unix_ms >= after (none_id: unbounded).
  int64_t after = none_id;
  /// ts_unix_ms < before (none_id: unbounded).
  int64_t before = none_id;
  int32_t limit = 100;
  /// Continue after this (ts, seq) position; none_id: first page.
  int64_t cursor_ts = none_id;
  int64_t cursor_seq = none_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ptz_command_query& x) {
  return f(caf::meta::type_name("ptz_command_query"), x.camera_id, x.after,
           x.before, x.limit, x.cursor_ts, x.cursor_seq);
}

/// One page of GET /ptz/commands, newest first.
struct ptz_command_page {
  std::vector<ptz_command_record> commands;
  /// Opaque; empty on the last page.
  std::string next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ptz_command_page& x) {
  return f(caf::meta::type_name("ptz_command_page"), x.commands, x.next_cursor);
}

} // namespace argus
