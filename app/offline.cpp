// SPDX-License-Identifier: Apache-2.0
// `argus detect` and `argus track --video`: the live path's detection and
// tracking stages over every frame of a file, for offline evaluation.
#include "app/commands.hpp"
#include "core/analytics/detection_stage.hpp"
#include "core/analytics/offline_tracks.hpp"
#include "core/config.hpp"
#include "core/video/video_file.hpp"
#include "messages/error.hpp"

#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

namespace argus {

namespace {

/// What one offline run writes; an empty path is not written.
struct offline_request {
  std::string config_path;
  std::string video;
  std::string tracks_out;
  std::string detections_out;
  std::string timing_out;
  /// Tracks these recorded detections instead of running the detector.
  std::string replay_detections;
  /// Overrides the video's frame rate when > 0.
  double frame_rate = 0;
};

/// The named config file, or the built-in defaults `argus serve` starts
/// from (the names file derived from the model path as the loader does).
caf::expected<config> offline_config(const std::string& path) {
  if (path.empty()) {
    config cfg;
    cfg.detector.names = names_for_model(cfg.detector.model);
    return cfg;
  }
  auto cfg = load_config(path);
  if (!cfg)
    return caf::make_error(ec::invalid_config,
                           "config error: " + error_detail(cfg.error()));
  return cfg;
}

/// A loaded config and detector and an opened video.
struct offline_input {
  config cfg;
  detection_stage det;
  video_file video;
};

caf::expected<offline_input> open_input(const offline_request& req) {
  auto cfg = offline_config(req.config_path);
  if (!cfg)
    return cfg.error();
  auto video = video_file::open(req.video);
  if (!video)
    return video.error();
  auto det = detection_stage::load(cfg->detector);
  if (!det)
    return det.error();
  return offline_input{std::move(*cfg), std::move(*det), std::move(*video)};
}

/// One CSV file of the run: its header is written on open; a file with an
/// empty path is skipped, so optional outputs need no checks at call sites.
class csv_output {
public:
  caf::error open(const std::string& path, const char* header) {
    path_ = path;
    if (path.empty())
      return caf::none;
    out_ = std::make_unique<std::ofstream>(path);
    if (!*out_)
      return caf::make_error(ec::invalid_argument, "cannot write " + path);
    *out_ << header << "\n";
    return caf::none;
  }

  /// The stream, or nullptr when this output is not wanted.
  std::ostream* stream() { return out_.get(); }

  /// Fails when the stream went bad while writing (disk full, ...).
  caf::error close() {
    if (out_ && !out_->flush())
      return caf::make_error(ec::invalid_argument, "cannot write " + path_);
    return caf::none;
  }

private:
  std::string path_;
  std::unique_ptr<std::ofstream> out_;
};

/// The three outputs of a run.
struct offline_outputs {
  csv_output tracks;
  csv_output detections;
  csv_output timing;

  caf::error open(const offline_request& req) {
    if (auto err = tracks.open(req.tracks_out, track_csv_header))
      return err;
    if (auto err = detections.open(req.detections_out, detection_csv_header))
      return err;
    return timing.open(req.timing_out, "frame,detect_ms");
  }

  caf::error close() {
    for (auto* o : {&tracks, &detections, &timing})
      if (auto err = o->close())
        return err;
    return caf::none;
  }
};

/// Writes one frame's rows to every wanted output; `pub` (the tracking
/// stage) is set and stepped only when tracks are wanted.
void write_frame(offline_outputs& outs, std::optional<published_tracks>& pub,
                 const std::vector<std::string>& names, int64_t frame,
                 const cv::Mat& bgr, const std::vector<detection>& dets,
                 double detect_ms) {
  if (auto* out = outs.detections.stream())
    write_detection_rows(*out, frame, dets, names);
  if (auto* out = outs.timing.stream())
    *out << fmt::format("{},{:.3f}\n", frame, detect_ms);
  if (auto* out = outs.tracks.stream())
    write_track_rows(*out, frame, pub->step(frame, dets, bgr.cols, bgr.rows),
                     bgr.cols, bgr.rows);
}

/// Where each frame's detections come from: the detector, or a recorded
/// `argus detect` CSV (replay skips the model, to tune the tracker fast).
class detection_source {
public:
  caf::error open(const std::string& replay_path,
                  const std::vector<std::string>& names) {
    if (replay_path.empty())
      return caf::none;
    std::ifstream in(replay_path);
    if (!in)
      return caf::make_error(ec::invalid_argument,
                             "cannot read " + replay_path);
    auto rows = read_detection_rows(in, names);
    if (!rows)
      return rows.error();
    replay_ = std::move(*rows);
    return caf::none;
  }

  /// Replayed detections still pass the classifier and the motion stage,
  /// which need the frame: a replay is the same stage with the model's
  /// output cached.
  caf::expected<std::vector<detection>>
  detect(detection_stage& det, int64_t frame, const cv::Mat& bgr) {
    if (!replay_)
      return det.detect(bgr);
    auto it = replay_->find(frame);
    return det.refine(bgr, it == replay_->end() ? std::vector<detection>{}
                                                : it->second);
  }

private:
  std::optional<detections_by_frame> replay_;
};

/// Detects every frame in order (no dropping, no pacing). The timing covers
/// detector::detect only, the figure the live session reports as detect_ms.
caf::error process_frames(offline_input& in, offline_outputs& outs,
                          const offline_request& req) {
  auto& names = in.det.names();
  detection_source source;
  if (auto err = source.open(req.replay_detections, names))
    return err;
  auto frame_rate = req.frame_rate;
  std::optional<published_tracks> pub;
  if (outs.tracks.stream())
    pub.emplace(in.cfg, names, frame_rate > 0 ? frame_rate : in.video.fps());
  cv::Mat bgr;
  while (in.video.next(bgr)) {
    auto t0 = std::chrono::steady_clock::now();
    auto dets = source.detect(in.det, in.video.frame_number(), bgr);
    std::chrono::duration<double, std::milli> ms
        = std::chrono::steady_clock::now() - t0;
    if (!dets)
      return dets.error();
    write_frame(outs, pub, names, in.video.frame_number(), bgr, *dets,
                ms.count());
  }
  return caf::none;
}

/// One offline run. @returns the exit status: 0, or 2 after a one-line
/// error on stderr.
int run_offline(const offline_request& req) {
  auto in = open_input(req);
  offline_outputs outs;
  auto err = in ? outs.open(req) : in.error();
  if (!err)
    err = process_frames(*in, outs, req);
  if (!err)
    err = outs.close();
  if (!err)
    return 0;
  std::cerr << "argus: " << error_detail(err) << "\n";
  return 2;
}

} // namespace

int run_detect(const detect_options& opts) {
  // Fields: config, video, tracks, detections, timing, replay, frame rate.
  return run_offline(
      {opts.config_path, opts.video, "", opts.out, opts.timing_out, "", 0});
}

int run_track_video(const track_options& opts) {
  return run_offline({opts.config_path, opts.video, opts.out,
                      opts.detections_out, opts.timing_out,
                      opts.replay_detections, opts.frame_rate});
}

} // namespace argus
