// SPDX-License-Identifier: Apache-2.0
// Pipeline throughput on the synthetic 640x360 camera, detection + tracking:
// the actor engine (registry -> session -> camera/detector/tracker actors)
// side by side with a plain single-threaded loop calling the same renderer,
// detector and tracker. Each run measures frames processed per second over
// a fixed window after a warm-up; 5 runs each, alternating, median reported.
#include "actors/registry.hpp"
#include "actors/store.hpp"
#include "actors/system_config.hpp"
#include "core/byte_tracker.hpp"
#include "core/detector.hpp"
#include "core/synthetic_scene.hpp"
#include "gateway/json_codec.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <chrono>
#include <cstdio>
#include <spdlog/spdlog.h>
#include <string>
#include <thread>

using namespace argus;
using namespace std::chrono;

namespace {

constexpr auto warmup = seconds(2);
constexpr auto window = seconds(8);

config bench_config(const std::string& root) {
  // fps 240: the camera offers frames faster than detection takes them, so
  // the measurement is the pipeline's capacity, not the camera's pacing.
  auto cfg = parse_config("cameras: [{id: bench, fps: 240, seed: 7}]");
  cfg->detector.model = root + "/models/argus-sky.onnx";
  cfg->detector.names = root + "/models/argus-sky.names";
  return *cfg;
}

double plain_loop_fps(const config& cfg) {
  auto det = detector::load(cfg.detector);
  byte_tracker trk(cfg.tracker);
  synthetic_scene scene(cfg.cameras[0].synthetic);
  cv::Mat img;
  std::vector<truth_box> truth;
  int64_t i = 0, counted = 0;
  auto start = steady_clock::now();
  auto begin = start + warmup;
  auto end = begin + window;
  for (;;) {
    auto now = steady_clock::now();
    if (now >= end)
      break;
    scene.render(i++, img, truth);
    auto dets = det->detect(img);
    trk.update(*dets);
    if (now >= begin)
      ++counted;
  }
  return counted / duration<double>(window).count();
}

/// With a non-empty `store_path`, sessions feed a STORE writing there.
double engine_fps(const config& cfg, const std::string& store_path = "") {
  actor_config acfg;
  caf::actor_system sys{acfg};
  registry_setup setup;
  setup.cfg = cfg;
  setup.labels = {"drone", "bird"};
  setup.codec = std::make_shared<json_wire_codec>();
  store_actor store_hdl;
  if (!store_path.empty()) {
    std::remove(store_path.c_str());
    store_setup ss;
    ss.cfg.path = store_path;
    store_hdl = sys.spawn<caf::detached>(store, ss);
    setup.store = store_hdl;
  }
  auto reg = sys.spawn(registry, std::move(setup));
  caf::scoped_actor self{sys};
  std::string sid;
  self->request(reg, seconds(10), atom::create_v, std::string{})
      .receive([&](session_info& info) { sid = info.session_id; },
               [&](caf::error& e) { std::fprintf(stderr, "create failed\n"); });
  auto frames = [&] {
    int64_t n = -1;
    self->request(reg, seconds(10), atom::status_v, sid)
        .receive([&](session_status& s) { n = s.frames_processed; },
                 [&](caf::error&) {});
    return n;
  };
  std::this_thread::sleep_for(warmup); // a benchmark window, not a sync
  auto a = frames();
  auto t0 = steady_clock::now();
  std::this_thread::sleep_for(window);
  auto b = frames();
  auto dt = duration<double>(steady_clock::now() - t0).count();
  self->send_exit(reg, caf::exit_reason::user_shutdown);
  if (store_hdl)
    self->send_exit(store_hdl, caf::exit_reason::user_shutdown);
  return (b - a) / dt;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  auto cfg = bench_config(argc > 1 ? argv[1] : ".");
  if (argc > 2 && std::string(argv[2]) == "--store") {
    // The engine with and without the track store, alternating.
    auto path = std::string(argc > 3 ? argv[3] : "/tmp") + "/argus-bench.db";
    std::vector<double> with, without;
    for (int run = 0; run < 5; ++run) {
      without.push_back(engine_fps(cfg));
      with.push_back(engine_fps(cfg, path));
      std::printf("run %d: engine %.1f fps, engine + store %.1f fps\n", run + 1,
                  without.back(), with.back());
    }
    std::printf("| pipeline | median fps (5 runs) |\n|---|---|\n");
    std::printf("| actor engine, no store | %.1f |\n| actor engine + store "
                "| %.1f |\n",
                median(without), median(with));
    std::remove(path.c_str());
    return 0;
  }
  std::vector<double> engine, plain;
  for (int run = 0; run < 5; ++run) {
    engine.push_back(engine_fps(cfg));
    plain.push_back(plain_loop_fps(cfg));
    std::printf("run %d: engine %.1f fps, plain loop %.1f fps\n", run + 1,
                engine.back(), plain.back());
  }
  std::printf("| pipeline | median fps (5 runs) |\n|---|---|\n");
  std::printf(
      "| actor engine | %.1f |\n| plain single-threaded loop | %.1f |\n",
      median(engine), median(plain));
  return 0;
}
