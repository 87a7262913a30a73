// SPDX-License-Identifier: Apache-2.0
#include "app/commands.hpp"

#include "actors/engine.hpp"
#include "actors/spawn.hpp"
#include "actors/system_config.hpp"
#include "app/sample_clip.hpp"
#include "core/analytics/byte_tracker.hpp"
#include "core/analytics/detection_stage.hpp"
#include "core/analytics/mot.hpp"
#include "core/bearer_auth.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/logging.hpp"
#include "core/settings/config_file.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/mqtt_codec.hpp"
#include "gateway/server.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

/// One line that says what the detection stage runs, so an operator sees
/// which models and classes a server uses without reading its config.
void log_detection_stage(const detector_config& d,
                         const std::vector<std::string>& labels) {
  std::string classes;
  for (auto& l : labels)
    classes += (classes.empty() ? "" : ", ") + l;
  auto classifier
      = d.classifier.empty()
            ? std::string("off")
            : fmt::format("{} (keep_prob {}, max {} boxes)", d.classifier,
                          d.classifier_keep_prob, d.classifier_max_boxes);
  spdlog::info("detector {} ({}x{}, threshold {}; classes: {}), classifier "
               "{}, motion stage {}",
               d.model, d.input_width, d.input_height, d.conf_threshold,
               classes, classifier, d.motion.enabled ? "on" : "off");
}

/// How long shutdown waits for WebSocket close frames.
constexpr auto socket_close_grace = std::chrono::milliseconds(2000);

/// Blocks SIGINT/SIGTERM in this thread (and every thread it starts) so
/// they can be taken synchronously with sigwait.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

/// Tokens from the config plus ARGUS_TOKENS ("role:token,..."); never
/// logged, only counted.
caf::expected<std::shared_ptr<const bearer_auth>> make_auth(const config& cfg) {
  std::vector<token_grant> grants;
  for (auto& [r, token] : cfg.auth.tokens)
    grants.push_back({token, *parse_role(r)});
  if (const char* env = std::getenv("ARGUS_TOKENS")) {
    auto more = parse_token_list(env);
    if (!more)
      return caf::make_error(ec::invalid_config,
                             "ARGUS_TOKENS: " + error_detail(more.error()));
    grants.insert(grants.end(), more->begin(), more->end());
  }
  auto auth = std::make_shared<const bearer_auth>(grants);
  if (auth->enabled())
    spdlog::info("bearer tokens required ({} configured)", auth->size());
  return std::shared_ptr<const bearer_auth>{auth};
}

/// The SETTINGS actor over the config file (as written, so persisting
/// keeps its `${NAME}` references) with `--listen` applied on top.
caf::expected<settings_actor> start_settings(caf::actor_system& sys,
                                             const serve_options& opts,
                                             const engine& running) {
  auto text = read_config_file(opts.config_path);
  if (!text)
    return text.error();
  auto listen = opts.listen;
  auto core = settings_core::from_yaml(*text, [listen](config& cfg) {
    if (!listen.empty())
      apply_listen(cfg, listen);
  });
  if (!core)
    return core.error();
  settings_setup setup{opts.config_path, std::move(*core), running.registry,
                       [](const config& cfg) {
                         spdlog::set_level(
                             spdlog::level::from_str(cfg.log_level));
                       }};
  setup.supervisor = running.supervisor;
  auto settings = spawn_settings(sys, std::move(setup));
  // Activating a model changes the running config's detector.
  caf::anon_send(running.models, atom::subscribe_v, settings);
  return settings;
}

} // namespace

int run_serve(const serve_options& opts) {
  auto cfg = load_config(opts.config_path);
  if (!cfg) {
    std::cerr << "argus: config error: " << error_detail(cfg.error()) << "\n";
    return 2;
  }
  if (!opts.listen.empty())
    if (auto err = apply_listen(*cfg, opts.listen)) {
      std::cerr << "argus: --listen: " << error_detail(err) << "\n";
      return 2;
    }
  // Logs go to stderr (core/logging): stdout carries only the "argus
  // listening" line that scripts and tests read.
  log_format format = log_format::text;
  parse_log_format(cfg->log_format, format); // validated by the loader
  setup_logging(cfg->log_level, format);
  // Load the models once up front: a bad model or classifier is a config
  // error, and the class names are needed by every session. This also sets
  // OpenCV's process-wide thread count before any other thread runs
  // (use_opencv_threads).
  auto probe = detection_stage::load(cfg->detector);
  if (!probe) {
    std::cerr << "argus: config error: detector: "
              << error_detail(probe.error()) << "\n";
    return 2;
  }
  auto labels = probe->names();
  log_detection_stage(cfg->detector, labels);
  auto stop_signals = block_stop_signals();
  // A file-size limit then fails the write (the store reports it) instead
  // of killing the server.
  std::signal(SIGXFSZ, SIG_IGN);

  actor_config actor_cfg;
  caf::actor_system sys{actor_cfg};
  auto auth = make_auth(*cfg);
  if (!auth) {
    std::cerr << "argus: config error: " << error_detail(auth.error()) << "\n";
    return 2;
  }
  auto running
      = start_engine(sys, *cfg, labels, std::make_shared<json_wire_codec>());
  if (running.clips && cfg->frames.sample_clip)
    register_sample_clip(sys, running.clips);

  auto server_cfg = cfg->server;
  server_cfg.frames_lifo_depth = static_cast<size_t>(cfg->frames.lifo_depth);
  server srv{sys, running.registry, running.history, server_cfg};
  if (running.clips)
    srv.set_frame_server(running.clips);
  srv.set_relays(running.handles, cfg->relay);
  srv.set_auth(*auth);
  srv.set_metrics(running.metrics);
  srv.set_models(running.models, cfg->detector.max_model_bytes);
  auto settings_handle = start_settings(sys, opts, running);
  if (!settings_handle) {
    std::cerr << "argus: config error: "
              << error_detail(settings_handle.error()) << "\n";
    stop_engine(sys, running);
    return 2;
  }
  srv.set_settings(*settings_handle);
  auto port = srv.start();
  if (!port) {
    std::cerr << "argus: " << error_detail(port.error()) << "\n";
    stop_engine(sys, running);
    return 2;
  }
  // Off unless mqtt.host is set; started once the engine runs, stopped
  // before it so "offline" is the last thing the broker hears.
  mqtt_bridge_actor bridge;
  if (!cfg->mqtt.host.empty()) {
    mqtt_bridge_setup ms;
    ms.cfg = cfg->mqtt;
    ms.registry = running.registry;
    ms.handles = running.handles;
    for (auto& cam : cfg->cameras)
      ms.cameras.push_back(cam.id);
    ms.codec = std::make_shared<json_mqtt_codec>();
    bridge = spawn_mqtt_bridge(sys, std::move(ms));
  }
  spdlog::info("argus listening on http://{}:{} with {} camera(s)",
               cfg->server.host, *port, cfg->cameras.size());
  std::cout << "argus listening on http://" << cfg->server.host << ":" << *port
            << std::endl;

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("received {}, shutting down",
               sig == SIGINT ? "SIGINT" : "SIGTERM");
  srv.stop_accepting();
  caf::anon_send_exit(*settings_handle, caf::exit_reason::user_shutdown);
  stop_mqtt_bridge(sys, bridge);
  stop_engine(sys, running);
  srv.stop(close_code::going_away, "server shutting down", socket_close_grace);
  spdlog::info("argus stopped");
  return 0;
}

int run_track(const track_options& opts) {
  tracker_params params;
  if (!opts.config_path.empty()) {
    auto cfg = load_config(opts.config_path);
    if (!cfg) {
      std::cerr << "argus: config error: " << error_detail(cfg.error()) << "\n";
      return 2;
    }
    params = cfg->tracker;
  }
  if (opts.frame_rate > 0)
    params.frame_rate = opts.frame_rate;
  auto dets = read_mot_detections(opts.mot_det);
  if (!dets) {
    std::cerr << "argus: " << error_detail(dets.error()) << "\n";
    return 2;
  }
  std::ofstream out(opts.out);
  if (!out) {
    std::cerr << "argus: cannot write " << opts.out << "\n";
    return 2;
  }
  byte_tracker tracker{params};
  int64_t last = dets->empty() ? 0 : dets->rbegin()->first;
  static const std::vector<detection> none;
  for (int64_t f = 1; f <= last; ++f) {
    auto it = dets->find(f);
    write_mot_tracks(out, f,
                     tracker.update(it == dets->end() ? none : it->second));
  }
  return 0;
}

} // namespace argus
