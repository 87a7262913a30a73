// SPDX-License-Identifier: Apache-2.0
// The vocabulary actors exchange: plain, copyable structs with an inspect()
// next to each one, so the CAF 0.17 -> 0.18 migration touches only this file.
#pragma once

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace argus {

// -- geometry -----------------------------------------------------------------

/// An axis-aligned box in pixels of the source frame, top-left origin.
struct pixel_box {
  float x = 0;
  float y = 0;
  float w = 0;
  float h = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pixel_box& x) {
  return f(caf::meta::type_name("pixel_box"), x.x, x.y, x.w, x.h);
}

/// A box normalized to the frame size: every field in [0, 1].
struct norm_box {
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, norm_box& x) {
  return f(caf::meta::type_name("norm_box"), x.x, x.y, x.w, x.h);
}

// -- frames -------------------------------------------------------------------

/// A ground-truth object of a synthetic frame (tests and benchmarks only).
struct truth_box {
  int64_t object_id = 0;
  int32_t class_id = 0;
  pixel_box bbox;
  /// Fraction of the object hidden behind an occluder, 0..1.
  float occluded = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, truth_box& x) {
  return f(caf::meta::type_name("truth_box"), x.object_id, x.class_id, x.bbox,
           x.occluded);
}

/// One decoded picture. Travels between local actors as frame_ptr: shared and
/// immutable, never copied, never serialized.
struct frame {
  int64_t index = 0;
  int64_t ts_unix_ms = 0;
  int64_t ts_mono_ms = 0;
  cv::Mat bgr;
  std::vector<truth_box> truth;
  /// A virtual PTZ camera's frame: the part of its wide picture it shows,
  /// in normalized coordinates of that picture, and its lens position
  /// (0 wide .. 1 tele). `view.w == 0`: not a PTZ view.
  norm_box view;
  double lens_zoom = 0;
};

using frame_ptr = std::shared_ptr<const frame>;

// -- detection and tracking ---------------------------------------------------

/// One detector output box.
struct detection {
  pixel_box bbox;
  float conf = 0;
  int32_t class_id = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, detection& x) {
  return f(caf::meta::type_name("detection"), x.bbox, x.conf, x.class_id);
}

/// The camera's own motion since the previous frame, measured from the
/// pixels (core/video/global_motion) for a PTZ camera whose frames carry
/// no view: a point at pixel x of the previous frame is now at
/// `scale * x + dx` (y likewise with dy). `valid == false`: not measured
/// or no trustworthy estimate.
struct ego_motion {
  bool valid = false;
  double scale = 1;
  double dx = 0;
  double dy = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ego_motion& x) {
  return f(caf::meta::type_name("ego_motion"), x.valid, x.scale, x.dx, x.dy);
}

/// The detector's answer for one frame.
struct detection_set {
  int64_t frame_index = 0;
  int64_t ts_unix_ms = 0;
  int64_t ts_mono_ms = 0;
  int32_t frame_w = 0;
  int32_t frame_h = 0;
  /// Milliseconds the detector spent on this frame (pre + forward + post).
  double detect_ms = 0;
  std::vector<detection> detections;
  /// The frame's PTZ view (frame::view): the tracker follows the camera's
  /// own motion from one view to the next.
  norm_box view;
  /// The camera's motion measured from the pixels, for a PTZ camera whose
  /// frames carry no view: the tracker follows it instead.
  ego_motion ego;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, detection_set& x) {
  return f(caf::meta::type_name("detection_set"), x.frame_index, x.ts_unix_ms,
           x.ts_mono_ms, x.frame_w, x.frame_h, x.detect_ms, x.detections,
           x.view, x.ego);
}

/// A tracked object as the tracker sees it in the current frame.
struct track_state {
  int64_t id = 0;
  pixel_box bbox;
  float conf = 0;
  int32_t class_id = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_state& x) {
  return f(caf::meta::type_name("track_state"), x.id, x.bbox, x.conf,
           x.class_id);
}

/// The tracker's answer for one frame: every track matched in it.
struct track_set {
  int64_t frame_index = 0;
  int64_t ts_unix_ms = 0;
  int64_t ts_mono_ms = 0;
  int32_t frame_w = 0;
  int32_t frame_h = 0;
  std::vector<track_state> tracks;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_set& x) {
  return f(caf::meta::type_name("track_set"), x.frame_index, x.ts_unix_ms,
           x.ts_mono_ms, x.frame_w, x.frame_h, x.tracks);
}

// -- wire messages (seed 001 contract, drone-ptz-metadata/1) ------------------

/// One entry of metadata_tick.tracks.
struct tick_track {
  int64_t id = 0;
  std::string label;
  double conf = 0;
  norm_box bbox;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tick_track& x) {
  return f(caf::meta::type_name("tick_track"), x.id, x.label, x.conf, x.bbox);
}

/// PTZ telemetry: the last commanded velocity only (contract v1).
struct ptz_telemetry {
  std::string control_mode = "none";
  bool active = false;
  double pan = 0;
  double tilt = 0;
  double zoom = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ptz_telemetry& x) {
  return f(caf::meta::type_name("ptz_telemetry"), x.control_mode, x.active,
           x.pan, x.tilt, x.zoom);
}

/// Sentinel for "no target selected" / "not ended yet" in integer fields;
/// the gateway writes it as JSON null.
constexpr int64_t none_id = -1;

/// Latest-state overlay payload, published at the session's tick rate.
struct metadata_tick {
  std::string session_id;
  std::string camera_id;
  int64_t ts_unix_ms = 0;
  int64_t ts_mono_ms = 0;
  int64_t frame_index = 0;
  int32_t frame_w = 0;
  int32_t frame_h = 0;
  int64_t selected_target_id = none_id;
  std::string tracking_phase = "idle";
  ptz_telemetry ptz;
  std::vector<tick_track> tracks;
  /// Wall clock when the session encoded this tick (µs); lets a client see
  /// delivery latency apart from processing latency.
  int64_t published_unix_us = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metadata_tick& x) {
  return f(caf::meta::type_name("metadata_tick"), x.session_id, x.camera_id,
           x.ts_unix_ms, x.ts_mono_ms, x.frame_index, x.frame_w, x.frame_h,
           x.selected_target_id, x.tracking_phase, x.ptz, x.tracks,
           x.published_unix_us);
}

/// The summary of one track as published in track_event.before/after.
struct track_summary {
  int64_t id = 0;
  std::string label;
  double top_conf = 0;
  bool confirmed = false;
  int64_t start_ts_unix_ms = 0;
  int64_t end_ts_unix_ms = none_id;
  std::vector<std::string> zones;
  norm_box best_bbox;
  int64_t hits = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_summary& x) {
  return f(caf::meta::type_name("track_summary"), x.id, x.label, x.top_conf,
           x.confirmed, x.start_ts_unix_ms, x.end_ts_unix_ms, x.zones,
           x.best_bbox, x.hits);
}

/// A lifecycle change of a confirmed track: "new", "update" or "end".
struct track_event {
  std::string event;
  std::string session_id;
  std::string camera_id;
  int64_t ts_unix_ms = 0;
  bool has_before = false;
  track_summary before;
  track_summary after;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_event& x) {
  return f(caf::meta::type_name("track_event"), x.event, x.session_id,
           x.camera_id, x.ts_unix_ms, x.has_before, x.before, x.after);
}

/// A client command after the gateway parsed it. Parse failures arrive as
/// kind == invalid with the error code the client gets back.
struct client_command {
  enum kind_t : int32_t { set_target = 0, clear_target = 1, invalid = 2 };
  int32_t kind = invalid;
  int64_t target_id = none_id;
  std::string error;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_command& x) {
  return f(caf::meta::type_name("client_command"), x.kind, x.target_id, x.error,
           x.detail);
}

/// The reply to a client command: an ack or an error.
struct command_reply {
  bool ok = false;
  std::string command;
  int64_t target_id = none_id;
  std::string error;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_reply& x) {
  return f(caf::meta::type_name("command_reply"), x.ok, x.command, x.target_id,
           x.error, x.detail);
}

// -- MQTT bridge
// ----------------------------------------------------------------

/// A message the MQTT broker delivered on a command topic (from the MQTT
/// network thread to the BRIDGE). Untrusted bytes: parsed by the bridge.
struct mqtt_message {
  std::string topic;
  std::string payload;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mqtt_message& x) {
  return f(caf::meta::type_name("mqtt_message"), x.topic, x.payload);
}

/// The broker connection went up or down (from the MQTT network thread).
struct mqtt_link {
  bool up = false;
  /// Why it is down (or "connected"), for the log.
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mqtt_link& x) {
  return f(caf::meta::type_name("mqtt_link"), x.up, x.detail);
}

// -- REST payloads
// --------------------------------------------------------------

/// A configured camera as listed by GET /cameras.
struct camera_info {
  std::string camera_id;
  std::string source;
  int32_t width = 0;
  int32_t height = 0;
  double fps = 0;
  std::string session_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, camera_info& x) {
  return f(caf::meta::type_name("camera_info"), x.camera_id, x.source, x.width,
           x.height, x.fps, x.session_id);
}

/// The answer to POST /sessions.
struct session_info {
  std::string session_id;
  std::string camera_id;
  bool created = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_info& x) {
  return f(caf::meta::type_name("session_info"), x.session_id, x.camera_id,
           x.created);
}

/// Health of one session (GET /sessions/{id}).
struct session_status {
  std::string session_id;
  std::string camera_id;
  bool running = false;
  double fps = 0;
  double latency_p50_ms = 0;
  double latency_p99_ms = 0;
  double detect_p50_ms = 0;
  int64_t frames_processed = 0;
  int64_t frames_dropped = 0;
  int64_t last_frame_ts_unix_ms = none_id;
  int64_t selected_target_id = none_id;
  std::string tracking_phase = "idle";
  int64_t active_tracks = 0;
  int64_t clients = 0;
  int64_t clients_closed_slow = 0;
  int64_t events_published = 0;
  std::string camera_state;
  std::string last_error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_status& x) {
  return f(caf::meta::type_name("session_status"), x.session_id, x.camera_id,
           x.running, x.fps, x.latency_p50_ms, x.latency_p99_ms,
           x.detect_p50_ms, x.frames_processed, x.frames_dropped,
           x.last_frame_ts_unix_ms, x.selected_target_id, x.tracking_phase,
           x.active_tracks, x.clients, x.clients_closed_slow,
           x.events_published, x.camera_state, x.last_error);
}

/// What a camera reports about itself.
/// Where a camera's stream is: idle (no consumers), connecting, online or
/// disconnected (waiting to retry). `unknown` is a watcher's copy before
/// the camera has said; it never reaches the wire.
enum class camera_link : int32_t {
  unknown,
  idle,
  connecting,
  online,
  disconnected
};

/// The wire name: "idle", "connecting", "online", "disconnected".
std::string to_string(camera_link link);

struct camera_status {
  std::string camera_id;
  camera_link state = camera_link::unknown;
  int64_t frames_decoded = 0;
  /// Consumers (analytics sessions and the relay while it has viewers).
  int64_t subscribers = 0;
  int64_t reconnects = 0;
  std::string last_error;
  /// While disconnected: milliseconds until the next reconnect attempt.
  int64_t next_retry_ms = 0;
  /// When `state` last changed (unix ms).
  int64_t since_unix_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, camera_status& x) {
  return f(caf::meta::type_name("camera_status"), x.camera_id, x.state,
           x.frames_decoded, x.subscribers, x.reconnects, x.last_error,
           x.next_retry_ms, x.since_unix_ms);
}

/// One JPEG of the camera relay, encoded once and shared by every viewer.
struct relay_frame {
  std::string camera_id;
  /// Counts encoded frames of this camera since start.
  int64_t frame_no = 0;
  /// When the camera decoded the picture (unix ms).
  int64_t captured_unix_ms = 0;
  int32_t width = 0;
  int32_t height = 0;
  std::shared_ptr<const std::string> jpeg;
};

/// What the relay of one camera is doing (GET /cameras, metrics).
struct relay_status {
  std::string camera_id;
  int64_t viewers = 0;
  int64_t frames_received = 0;
  int64_t frames_encoded = 0;
  int64_t frames_persisted = 0;
  int64_t persist_errors = 0;
  /// Frames dropped because encoding had fallen behind the camera.
  int64_t frames_stale = 0;
  /// Capture time of the newest JPEG held (0: none).
  int64_t latest_unix_ms = 0;
  camera_status camera;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relay_status& x) {
  return f(caf::meta::type_name("relay_status"), x.camera_id, x.viewers,
           x.frames_received, x.frames_encoded, x.frames_persisted,
           x.persist_errors, x.frames_stale, x.latest_unix_ms, x.camera);
}

} // namespace argus
