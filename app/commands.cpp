// SPDX-License-Identifier: Apache-2.0
#include "app/commands.hpp"

#include "actors/camera.hpp"
#include "actors/clip_manager.hpp"
#include "actors/registry.hpp"
#include "actors/relay.hpp"
#include "actors/store.hpp"
#include "actors/supervisor.hpp"
#include "actors/system_config.hpp"
#include "actors/track_reader.hpp"
#include "core/bearer_auth.hpp"
#include "core/byte_tracker.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/detection_stage.hpp"
#include "core/mot.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/server.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
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

/// How long shutdown waits for sessions, then for WebSocket close frames.
constexpr auto session_stop_grace = std::chrono::seconds(5);
constexpr auto socket_close_grace = std::chrono::milliseconds(2000);
/// How long shutdown waits for the store's last commit.
constexpr auto store_stop_grace = std::chrono::seconds(10);

/// Logs go to stderr: stdout carries only the "argus listening" line that
/// scripts and tests read.
void setup_logging(const std::string& level) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("argus"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

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

/// Sends `hdl` an exit and waits up to `grace` for it to finish; then
/// kills it. `what` names it in the log.
template <class Handle>
void stop_and_wait(caf::actor_system& sys, const Handle& hdl,
                   std::chrono::seconds grace, const char* what) {
  if (!hdl)
    return;
  caf::scoped_actor self{sys};
  self->monitor(hdl);
  caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
  bool done = false;
  self->receive_while([&] { return !done; })(
      [&](const caf::down_msg&) { done = true; },
      caf::after(grace) >>
          [&] {
            spdlog::warn("{} did not stop within {} s; killing it", what,
                         grace.count());
            caf::anon_send_exit(hdl, caf::exit_reason::kill);
            done = true;
          });
}

/// Stops the engine in order: sessions first (their final track events
/// reach the store), then the store commits and closes.
void stop_engine(caf::actor_system& sys, const registry_actor& registry,
                 const track_history& history) {
  stop_and_wait(sys, registry, session_stop_grace, "sessions");
  stop_and_wait(sys, history.store, store_stop_grace, "store");
  if (history.reader)
    caf::anon_send_exit(history.reader, caf::exit_reason::user_shutdown);
}

/// The configured camera `id` (the factories are only asked for those).
const camera_config& camera_config_of(const config& cfg,
                                      const std::string& id) {
  for (auto& cam : cfg.cameras)
    if (cam.id == id)
      return cam;
  throw std::out_of_range("no configured camera '" + id + "'");
}

/// The factories the SUPERVISOR restarts cameras and relays with; the
/// first instances are made with them too. Both block (decode, encode,
/// disk): detached.
void camera_factories(caf::actor_system& sys, const config& cfg,
                      supervisor_setup& sup) {
  sup.spawn_camera = [&sys, cfg](const std::string& id) {
    return sys.spawn<caf::detached>(camera, camera_config_of(cfg, id));
  };
  sup.spawn_relay = [&sys, cfg](const std::string& id, camera_actor cam) {
    auto& cam_cfg = camera_config_of(cfg, id);
    relay_setup rs;
    rs.camera_id = id;
    rs.source_fps = cam_cfg.synthetic.fps;
    rs.camera = std::move(cam);
    rs.cfg = cfg.relay;
    return sys.spawn<caf::detached>(relay, std::move(rs));
  };
}

/// One shared CAMERA per configured camera (the sessions' and the relay's)
/// and its RELAY.
void start_cameras(const config& cfg, supervisor_setup& sup) {
  for (const auto& cam : cfg.cameras) {
    sup.cameras[cam.id] = sup.spawn_camera(cam.id);
    sup.relays[cam.id] = sup.spawn_relay(cam.id, sup.cameras[cam.id]);
  }
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

clip_manager_actor start_frames(caf::actor_system& sys, const config& cfg) {
  if (!cfg.frames.enabled)
    return {};
  clip_manager_setup setup;
  setup.s3.endpoint = cfg.frames.s3_endpoint;
  setup.s3.region
      = cfg.frames.s3_region.empty() ? setup.s3.region : cfg.frames.s3_region;
  setup.s3 = with_aws_environment(setup.s3);
  if (!cfg.frames.s3_region.empty()) // the file wins over the environment
    setup.s3.region = cfg.frames.s3_region;
  setup.s3.timeout_ms = static_cast<int>(cfg.frames.s3_timeout_ms);
  setup.cache
      = std::make_shared<frame_cache>(cfg.frames.cache_mb * 1024 * 1024);
  setup.max_chunks = static_cast<size_t>(cfg.frames.max_chunks);
  return sys.spawn(clip_manager, std::move(setup));
}

/// Encodes the demo's sample clip once (ffmpeg CLI, libx265) and registers
/// it as "sample", so a newcomer can fetch a frame with one curl command.
void register_sample_clip(caf::actor_system& sys,
                          const clip_manager_actor& clips) {
  namespace fs = std::filesystem;
  auto path = fs::absolute("data/sample.hevc").string();
  if (!fs::exists(path)) {
    fs::create_directories("data");
    auto cmd = "ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=25 "
               "-frames:v 250 -pix_fmt yuv420p -c:v libx265 -preset fast "
               "-x265-params keyint=30:min-keyint=30:bframes=3:no-open-gop=1:"
               "log-level=error -f hevc "
               + path + ".part && mv " + path + ".part " + path;
    spdlog::info("encoding the sample clip {} (once)", path);
    if (std::system(cmd.c_str()) != 0) {
      spdlog::warn("could not encode the sample clip (is ffmpeg installed?)");
      return;
    }
  }
  caf::scoped_actor self{sys};
  self->request(clips, std::chrono::seconds(60),
                clip_source{"sample", "file://" + path})
      .receive(
          [&](clip_info& info) {
            spdlog::info("sample clip registered: {} frames, {} IRAPs",
                         info.frame_count, info.irap_count);
          },
          [&](caf::error& err) {
            spdlog::warn("sample clip not registered: {}", render(err));
          });
}

/// Opens the track history before anything runs: closes tracks a crash
/// left open and learns each camera's last track id. A database that cannot
/// be opened is not fatal; the STORE reports it and keeps retrying.
track_history start_history(caf::actor_system& sys, const config& cfg,
                            std::map<std::string, int64_t>& last_track_ids,
                            std::function<store_actor()>& restart_store) {
  if (!cfg.store.enabled)
    return {};
  store_setup setup;
  setup.cfg = cfg.store;
  for (auto& cam : cfg.cameras)
    setup.retain_days[cam.id] = cam.retain_days;
  auto db = track_db::open_writer(cfg.store.path);
  if (db) {
    auto closed = db->close_interrupted(unix_now_ms());
    if (closed && *closed > 0)
      spdlog::warn("store: closed {} track(s) left open by an unclean stop",
                   *closed);
    setup.interrupted_at_start = closed ? *closed : 0;
    if (auto ids = db->max_track_ids())
      last_track_ids = std::move(*ids);
  } else {
    // Unknown history: start ids from the clock so they cannot collide
    // with stored tracks (still below 2^53, exact in JSON).
    for (auto& cam : cfg.cameras)
      last_track_ids[cam.id] = unix_now_ms();
  }
  track_history history;
  restart_store = [&sys, setup] {
    return store_actor{sys.spawn<caf::detached>(store, setup)};
  };
  history.store = restart_store();
  history.reader = sys.spawn<caf::detached>(track_reader, cfg.store.path);
  return history;
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
  setup_logging(cfg->log_level);
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
  registry_setup setup;
  setup.cfg = *cfg;
  setup.labels = labels;
  setup.codec = std::make_shared<json_wire_codec>();
  supervisor_setup sup;
  auto history
      = start_history(sys, *cfg, setup.last_track_ids, sup.spawn_store);
  setup.store = history.store;
  sup.store = history.store;
  camera_factories(sys, *cfg, sup);
  start_cameras(*cfg, sup);
  setup.cameras = sup.cameras;
  auto reg = sys.spawn(registry, std::move(setup));
  sup.registry = reg;
  // Filled here, before the server starts: the supervisor's own start runs
  // later on a scheduler thread, and the first requests must find them.
  auto handles = std::make_shared<supervised_handles>();
  for (auto& [id, relay_hdl] : sup.relays)
    handles->set_relay(id, relay_hdl);
  handles->set_store(sup.store);
  sup.handles = handles;
  auto guardian = sys.spawn(supervisor, std::move(sup));

  auto clips = start_frames(sys, *cfg);
  if (clips && cfg->frames.sample_clip)
    register_sample_clip(sys, clips);

  auto server_cfg = cfg->server;
  server_cfg.frames_lifo_depth = static_cast<size_t>(cfg->frames.lifo_depth);
  server srv{sys, reg, history, server_cfg};
  if (clips)
    srv.set_frame_server(clips);
  srv.set_relays(handles, cfg->relay);
  srv.set_auth(*auth);
  auto port = srv.start();
  if (!port) {
    std::cerr << "argus: " << error_detail(port.error()) << "\n";
    stop_engine(sys, reg, history);
    return 2;
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
  // Nothing is restarted from here on.
  stop_and_wait(sys, guardian, session_stop_grace, "supervisor");
  if (clips)
    caf::anon_send_exit(clips, caf::exit_reason::user_shutdown);
  for (auto& [id, relay] : handles->relays())
    caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
  history.store = handles->store();
  stop_engine(sys, reg, history);
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
