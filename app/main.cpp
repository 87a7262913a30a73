// SPDX-License-Identifier: Apache-2.0
// argus: parse the command line and run one subcommand.
#include "app/commands.hpp"
#include "core/malloc_arenas.hpp"
#include "core/video/ffmpeg_limits.hpp"
#include "core/video/synthetic_export.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv) {
  argus::limit_malloc_arenas();
  argus::apply_ffmpeg_limits();
  CLI::App app{"argus: actor-model real-time video analytics engine"};
  app.require_subcommand(1);

  argus::serve_options serve;
  auto* serve_cmd = app.add_subcommand("serve", "run the analytics server");
  serve_cmd->add_option("--config", serve.config_path, "YAML config file")
      ->required()
      ->check(CLI::ExistingFile);
  serve_cmd->add_option("--listen", serve.listen,
                        "HOST:PORT to bind (overrides server.listen)");

  argus::track_options track;
  auto* track_cmd = app.add_subcommand(
      "track", "replay MOTChallenge detections through the tracker, or "
               "detect and track every frame of a video");
  // Exactly one of --mot-det and --video: checked after parsing, so both
  // mistakes exit 2 with one message.
  track_cmd->add_option("--mot-det", track.mot_det, "det.txt to read")
      ->check(CLI::ExistingFile);
  // Not CLI::ExistingFile: a missing video is an input error (exit 2).
  auto* video_opt = track_cmd->add_option(
      "--video", track.video, "video file to detect and track, every frame");
  track_cmd->add_option("--out", track.out, "tracks file to write")->required();
  track_cmd->add_option("--config", track.config_path,
                        "YAML config whose detector/tracker/session to use");
  track_cmd->add_option("--frame-rate", track.frame_rate,
                        "sequence frame rate (scales the lost buffer)");
  track_cmd
      ->add_option("--detections", track.detections_out,
                   "with --video: also write the detections (argus detect's "
                   "CSV)")
      ->needs(video_opt);
  track_cmd
      ->add_option("--timing", track.timing_out,
                   "with --video: also write per-frame detect milliseconds")
      ->needs(video_opt);
  track_cmd
      ->add_option("--replay-detections", track.replay_detections,
                   "with --video: track this argus-detect CSV instead of "
                   "running the detector (tune the tracker quickly)")
      ->needs(video_opt);

  argus::detect_options detect;
  auto* detect_cmd = app.add_subcommand(
      "detect", "run the detector on every frame of a video, write CSV");
  detect_cmd->add_option("--video", detect.video, "video file to read")
      ->required();
  detect_cmd->add_option("--out", detect.out, "CSV file to write")->required();
  detect_cmd->add_option("--config", detect.config_path,
                         "YAML config whose detector section to use "
                         "(default: the built-in defaults)");
  detect_cmd->add_option("--timing", detect.timing_out,
                         "also write per-frame detect milliseconds");

  argus::synthetic_export_options synth;
  auto* synth_cmd = app.add_subcommand(
      "synth", "render synthetic frames with YOLO labels (detector training)");
  synth_cmd->add_option("--out", synth.out_dir, "output directory")->required();
  synth_cmd->add_option("--first-seed", synth.first_seed, "first scene seed");
  synth_cmd->add_option("--seeds", synth.seeds, "number of scenes");
  synth_cmd->add_option("--frames-per-seed", synth.frames_per_seed,
                        "frames per scene");
  synth_cmd->add_option("--frame-step", synth.frame_step,
                        "frame index step between exported frames");

  CLI11_PARSE(app, argc, argv);
  if (*serve_cmd)
    return argus::run_serve(serve);
  if (*track_cmd) {
    if (track.mot_det.empty() == track.video.empty()) {
      std::cerr << "argus track: exactly one of --mot-det and --video is "
                   "required\n";
      return 2;
    }
    return track.video.empty() ? argus::run_track(track)
                               : argus::run_track_video(track);
  }
  if (*detect_cmd)
    return argus::run_detect(detect);
  if (*synth_cmd) {
    auto n = argus::export_synthetic(synth);
    std::cout << "wrote " << n << " images to " << synth.out_dir << "\n";
    return 0;
  }
  return 1;
}
