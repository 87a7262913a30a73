// SPDX-License-Identifier: Apache-2.0
#include "core/metrics/argus_metrics.hpp"

namespace argus {

namespace {

/// Latency buckets in seconds: 1 ms to 2.5 s, dense where a 20-30 fps
/// pipeline lives (a frame every 33-50 ms).
std::vector<double> latency_bounds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075,
          0.1,   0.15,   0.25,  0.5,  1,     2.5};
}

/// Send lag buckets in seconds: 0.5 ms (a socket that keeps up) to 10 s
/// (a client about to be closed as too slow).
std::vector<double> lag_bounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
}

} // namespace

argus_metrics::argus_metrics()
    : frames_in(registry.add_counter(
        "argus_session_frames_in_total",
        "Frames analytics sessions took from the camera.", {"camera"})),
      frames_processed(registry.add_counter(
          "argus_session_frames_processed_total",
          "Frames that went through detection and tracking.", {"camera"})),
      frames_dropped(registry.add_counter(
          "argus_session_frames_dropped_total",
          "Frames replaced by a newer one while the detector was busy.",
          {"camera"})),
      detection_latency(registry.add_histogram(
          "argus_detection_latency_seconds",
          "Detector inference time per frame.", {"camera"}, latency_bounds())),
      pipeline_latency(registry.add_histogram(
          "argus_pipeline_latency_seconds",
          "Capture to tracks ready, per frame.", {"camera"}, latency_bounds())),
      end_to_end_latency(registry.add_histogram(
          "argus_end_to_end_latency_seconds",
          "Capture of a tick's newest frame to the tick's publication.",
          {"camera"}, latency_bounds())),
      ticks_published(registry.add_counter(
          "argus_ticks_published_total",
          "metadata_tick messages published (once per tick).", {"camera"})),
      events_published(registry.add_counter("argus_track_events_total",
                                            "track_event messages published.",
                                            {"camera"})),
      active_tracks(registry.add_gauge(
          "argus_active_tracks", "Tracks in the latest tick.", {"camera"})),
      ws_clients(registry.add_gauge(
          "argus_ws_clients", "Open WebSocket connections.", {"endpoint"})),
      ws_closes(registry.add_counter("argus_ws_closes_total",
                                     "WebSocket connections closed, by "
                                     "endpoint, who closed and close code.",
                                     {"endpoint", "by", "reason"})),
      ws_send_lag(registry.add_histogram(
          "argus_ws_send_lag_seconds",
          "WebSocket messages: queued for a client's socket to written.",
          {"endpoint"}, lag_bounds())),
      ptz_commands(registry.add_counter(
          "argus_ptz_commands_total",
          "Commands sent to PTZ devices, by kind and result.",
          {"camera", "kind", "result"})),
      frames_decode(registry.add_histogram(
          "argus_frames_decode_seconds",
          "Frame server: HEVC decode time per produced frame.", {"clip"},
          latency_bounds())) {}

camera_series series_of(const metrics_ptr& m, const std::string& camera_id) {
  camera_series out;
  if (!m)
    return out;
  std::vector<std::string> camera{camera_id};
  out.frames_in = &m->frames_in.with(camera);
  out.frames_processed = &m->frames_processed.with(camera);
  out.frames_dropped = &m->frames_dropped.with(camera);
  out.detection_latency = &m->detection_latency.with(camera);
  out.pipeline_latency = &m->pipeline_latency.with(camera);
  out.end_to_end_latency = &m->end_to_end_latency.with(camera);
  out.ticks_published = &m->ticks_published.with(camera);
  out.events_published = &m->events_published.with(camera);
  out.active_tracks = &m->active_tracks.with(camera);
  return out;
}

} // namespace argus
