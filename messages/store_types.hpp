// SPDX-License-Identifier: Apache-2.0
// Messages of the track history: what sessions hand to the STORE and what
// queries get back. Plain structs with inspect(), like messages/types.hpp.
#pragma once

#include "messages/types.hpp"

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace argus {

/// One downsampled observation of a confirmed track.
struct track_sample {
  /// Per-camera track number (the public id is "<camera_id>/<id>").
  int64_t id = 0;
  int64_t ts_unix_ms = 0;
  norm_box bbox;
  double conf = 0;
  /// Box-centre velocity in normalized units per second.
  double vx = 0;
  double vy = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_sample& x) {
  return f(caf::meta::type_name("track_sample"), x.id, x.ts_unix_ms, x.bbox,
           x.conf, x.vx, x.vy);
}

/// A session's start or end as the store records it.
struct session_record {
  std::string session_id;
  std::string camera_id;
  int64_t start_ts_unix_ms = 0;
  /// none_id while running.
  int64_t end_ts_unix_ms = none_id;
  /// The session's settings as JSON, so a query can explain old results.
  std::string config_json = "{}";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_record& x) {
  return f(caf::meta::type_name("session_record"), x.session_id, x.camera_id,
           x.start_ts_unix_ms, x.end_ts_unix_ms, x.config_json);
}

/// What one processed frame of a session contributes to the history.
struct store_update {
  std::string session_id;
  std::string camera_id;
  /// Lifecycle events: never shed.
  std::vector<track_event> events;
  /// Downsampled observations: shed (and counted) when the store lags.
  std::vector<track_sample> samples;
  /// A track just selected as target (none_id: no change).
  int64_t selected_target_id = none_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_update& x) {
  return f(caf::meta::type_name("store_update"), x.session_id, x.camera_id,
           x.events, x.samples, x.selected_target_id);
}

/// The track store's health: disabled (no store configured), ok, or
/// degraded (writes failing; the live pipeline is unaffected).
enum class store_health : int32_t { disabled, ok, degraded };

/// The wire name: "disabled", "ok", "degraded".
std::string to_string(store_health health);

/// Health and counters of the STORE (GET /store, /readyz detail).
struct store_status {
  store_health state = store_health::disabled;
  std::string path;
  /// Why the store is degraded; empty when ok.
  std::string detail;
  int64_t events_written = 0;
  int64_t samples_written = 0;
  int64_t samples_shed = 0;
  int64_t batches_committed = 0;
  int64_t pending_events = 0;
  int64_t pending_samples = 0;
  int64_t rows_expired = 0;
  int64_t last_commit_unix_ms = none_id;
  int64_t interrupted_at_start = 0;
  /// CPU time the store's own thread has used since start (what the store
  /// costs the machine, apart from the pipeline).
  double thread_cpu_ms = 0;
  /// The PTZ audit log: records committed, dropped because the disk lagged
  /// or failed, and deleted by retention.
  int64_t ptz_commands_written = 0;
  int64_t ptz_commands_shed = 0;
  int64_t ptz_commands_expired = 0;
  /// Database operations that failed (open, commit, delete, expiry):
  /// each try counts, so a retried outage counts every retry.
  int64_t write_errors = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_status& x) {
  return f(caf::meta::type_name("store_status"), x.state, x.path, x.detail,
           x.events_written, x.samples_written, x.samples_shed,
           x.batches_committed, x.pending_events, x.pending_samples,
           x.rows_expired, x.last_commit_unix_ms, x.interrupted_at_start,
           x.thread_cpu_ms, x.ptz_commands_written, x.ptz_commands_shed,
           x.ptz_commands_expired, x.write_errors);
}

/// Filters and page of GET /tracks (validated by parse_track_query).
struct track_query {
  std::string camera_id;
  std::string label;
  std::string session_id;
  /// start_ts_unix_ms >= after (none_id: unbounded).
  int64_t after = none_id;
  /// start_ts_unix_ms < before (none_id: unbounded).
  int64_t before = none_id;
  /// top_score >= min_score (< 0: any).
  double min_score = -1;
  /// -1 any, 0 ended, 1 still open.
  int32_t in_progress = -1;
  /// -1 any, 0 unconfirmed, 1 confirmed.
  int32_t confirmed = -1;
  int32_t limit = 100;
  /// Continue after this (start_ts, seq) position; none_id: first page.
  int64_t cursor_ts = none_id;
  int64_t cursor_seq = none_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_query& x) {
  return f(caf::meta::type_name("track_query"), x.camera_id, x.label,
           x.session_id, x.after, x.before, x.min_score, x.in_progress,
           x.confirmed, x.limit, x.cursor_ts, x.cursor_seq);
}

/// One stored sample as queries return it.
struct stored_sample {
  int64_t ts_unix_ms = 0;
  norm_box bbox;
  double conf = 0;
  double vx = 0;
  double vy = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_sample& x) {
  return f(caf::meta::type_name("stored_sample"), x.ts_unix_ms, x.bbox, x.conf,
           x.vx, x.vy);
}

/// A track summary row, optionally with its samples.
struct stored_track {
  /// "<camera_id>/<id>".
  std::string track_id;
  std::string session_id;
  std::string camera_id;
  std::string label;
  int64_t start_ts_unix_ms = 0;
  int64_t end_ts_unix_ms = none_id;
  double top_score = 0;
  norm_box best_bbox;
  bool confirmed = false;
  bool selected = false;
  bool retained = false;
  /// Closed at start-up because the server died while it was open.
  bool interrupted = false;
  std::vector<std::string> zones;
  int64_t sample_count = 0;
  /// Insertion order; with start_ts the stable key of cursor pagination.
  int64_t seq = 0;
  std::vector<stored_sample> samples;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_track& x) {
  return f(caf::meta::type_name("stored_track"), x.track_id, x.session_id,
           x.camera_id, x.label, x.start_ts_unix_ms, x.end_ts_unix_ms,
           x.top_score, x.best_bbox, x.confirmed, x.selected, x.retained,
           x.interrupted, x.zones, x.sample_count, x.seq, x.samples);
}

/// One page of GET /tracks.
struct track_page {
  std::vector<stored_track> tracks;
  /// Opaque; empty on the last page.
  std::string next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_page& x) {
  return f(caf::meta::type_name("track_page"), x.tracks, x.next_cursor);
}

} // namespace argus
