// SPDX-License-Identifier: Apache-2.0
// argus: parse the command line and run one subcommand.
#include "app/commands.hpp"
#include "core/ffmpeg_limits.hpp"
#include "core/synthetic_export.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv) {
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
      "track", "replay MOTChallenge detections through the tracker");
  track_cmd->add_option("--mot-det", track.mot_det, "det.txt to read")
      ->required()
      ->check(CLI::ExistingFile);
  track_cmd->add_option("--out", track.out, "tracks file to write")->required();
  track_cmd->add_option("--config", track.config_path,
                        "YAML config whose tracker section to use");
  track_cmd->add_option("--frame-rate", track.frame_rate,
                        "sequence frame rate (scales the lost buffer)");

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
  if (*track_cmd)
    return argus::run_track(track);
  if (*synth_cmd) {
    auto n = argus::export_synthetic(synth);
    std::cout << "wrote " << n << " images to " << synth.out_dir << "\n";
    return 0;
  }
  return 1;
}
