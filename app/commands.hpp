// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace argus {

/// Options of `argus serve`.
struct serve_options {
  std::string config_path;
  std::string listen;
};

/// Options of `argus track`.
struct track_options {
  std::string mot_det;
  std::string out;
  std::string config_path;
  double frame_rate = 0;
};

/// Runs the server until SIGINT/SIGTERM. @returns the process exit code.
int run_serve(const serve_options& opts);

/// Replays MOTChallenge detections through the tracker.
int run_track(const track_options& opts);

} // namespace argus
