// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace argus {

/// Options of `argus serve`.
struct serve_options {
  std::string config_path;
  std::string listen;
};

/// Options of `argus track`: exactly one of `mot_det` and `video`.
struct track_options {
  std::string mot_det;
  /// A video file to detect and track offline, every frame.
  std::string video;
  std::string out;
  std::string config_path;
  double frame_rate = 0;
  /// With `video`: also write the detections tracked (as `argus detect`).
  std::string detections_out;
  /// With `video`: also write per-frame detect milliseconds.
  std::string timing_out;
  /// With `video`: track this `argus detect` CSV instead of detecting.
  std::string replay_detections;
};

/// Options of `argus detect`.
struct detect_options {
  std::string video;
  std::string out;
  std::string config_path;
  /// Per-frame detector::detect milliseconds (`frame,detect_ms`), if set.
  std::string timing_out;
};

/// Runs the server until SIGINT/SIGTERM. @returns the process exit code.
int run_serve(const serve_options& opts);

/// Replays MOTChallenge detections through the tracker.
int run_track(const track_options& opts);

/// Runs the detector on every frame of a video file and writes the
/// detections as CSV. @returns 0, or 2 on a config, video or model error.
int run_detect(const detect_options& opts);

/// Detects and tracks every frame of a video file and writes the tracks the
/// live session would publish. @returns 0, or 2 on an error.
int run_track_video(const track_options& opts);

} // namespace argus
