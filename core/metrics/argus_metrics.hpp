// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/metrics/registry.hpp"

#include <memory>

namespace argus {

/// The metrics argus updates as it runs, made once at start and shared
/// (through `metrics_ptr`) by the actors and the gateway that count them.
/// The names, labels and buckets are the contract docs/protocol.md lists;
/// what actors already count in their status replies (relay, camera,
/// store) is exposed at scrape time instead (gateway/metrics_routes.cpp).
struct argus_metrics {
  argus_metrics();

  metrics::registry registry;

  // -- live analytics, per camera ------------------------------------------

  /// Frames a session took from its camera.
  metrics::counter_family& frames_in;
  /// Frames that went through detection and tracking.
  metrics::counter_family& frames_processed;
  /// Frames replaced while the detector was busy (latest-frame semantics).
  metrics::counter_family& frames_dropped;
  /// Detector inference time per frame.
  metrics::histogram_family& detection_latency;
  /// Capture to tracks ready (detection, tracking and the queues between).
  metrics::histogram_family& pipeline_latency;
  /// Capture of a tick's newest frame to the tick's publication.
  metrics::histogram_family& end_to_end_latency;
  /// metadata_tick messages published (once per tick, whatever the number
  /// of clients).
  metrics::counter_family& ticks_published;
  /// track_event messages published.
  metrics::counter_family& events_published;
  /// Tracks in the latest tick.
  metrics::gauge_family& active_tracks;

  // -- clients -------------------------------------------------------------

  /// Open WebSocket connections by endpoint.
  metrics::gauge_family& ws_clients;
  /// WebSocket connections closed, by endpoint, who closed (server,
  /// client, network) and the close code's name.
  metrics::counter_family& ws_closes;
  /// Per connection message: from queued for the socket (the owning
  /// actor's send) to its write completed, by endpoint.
  metrics::histogram_family& ws_send_lag;

  // -- PTZ -----------------------------------------------------------------

  /// Device commands by camera, kind and result (ok, error, timeout).
  metrics::counter_family& ptz_commands;

  // -- frame server --------------------------------------------------------

  /// HEVC decode time per frame the decoder produced (JPEG encoding not
  /// included), by clip.
  metrics::histogram_family& frames_decode;
};

using metrics_ptr = std::shared_ptr<argus_metrics>;

/// One camera's children of the analytics families, looked up once so a
/// session updates them without touching a family's lock.
struct camera_series {
  metrics::counter* frames_in = nullptr;
  metrics::counter* frames_processed = nullptr;
  metrics::counter* frames_dropped = nullptr;
  metrics::histogram* detection_latency = nullptr;
  metrics::histogram* pipeline_latency = nullptr;
  metrics::histogram* end_to_end_latency = nullptr;
  metrics::counter* ticks_published = nullptr;
  metrics::counter* events_published = nullptr;
  metrics::gauge* active_tracks = nullptr;

  /// Whether there are metrics to update (no registry: none).
  explicit operator bool() const { return frames_in != nullptr; }
};

/// The series of `camera_id` in `m`; all null when `m` is null.
camera_series series_of(const metrics_ptr& m, const std::string& camera_id);

} // namespace argus
