// SPDX-License-Identifier: Apache-2.0
// Model management under CAF's deterministic coordinator: a DETECTOR
// switching models between frames (or keeping its model when the new one
// fails), shadow mode's sampling, and the MODELS actor going through the
// REGISTRY. All actors attached: detached ones escape the test clock.
#define CAF_SUITE actors.models
#include "actors/analytics/detector.hpp"
#include "actors/analytics/registry.hpp"
#include "actors/models/models.hpp"
#include "actors/video/camera.hpp"
#include "core/video/synthetic_scene.hpp"
#include "messages/error.hpp"
#include "tests/actors/fixture.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>

using namespace argus;
using namespace argus::test;
namespace fs = std::filesystem;

namespace {

struct models_fixture : fixture {
  fs::path dir;
  detector_config det_cfg;
  registry_actor reg;
  models_actor cat;

  models_fixture() {
    dir = fs::temp_directory_path()
          / ("argus-actor-models-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::path src = fs::path(ARGUS_SOURCE_DIR) / "models";
    for (auto f : {"argus-sky.onnx", "argus-sky.names", "argus-sky-320.onnx",
                   "argus-sky-320.names"})
      fs::copy_file(src / f, dir / f);
    auto cfg = parse_config("cameras: [{id: cam_a, fps: 5}]");
    CAF_REQUIRE(cfg);
    cfg->detector.model = (dir / "argus-sky.onnx").string();
    cfg->detector.names = (dir / "argus-sky.names").string();
    cfg->detector.classifier = "";
    det_cfg = cfg->detector;
    registry_setup setup;
    setup.cfg = *cfg;
    setup.labels = {"drone", "bird", "airplane", "helicopter"};
    setup.codec = codec;
    setup.spawn_camera = [this](const camera_config& cam) {
      return camera_actor{sys.spawn(camera, cam)};
    };
    setup.spawn_detector = [this](const detector_config& det) {
      return detector_actor{sys.spawn(detector_worker, det)};
    };
    reg = sys.spawn(registry, std::move(setup));
    cat = sys.spawn(models, det_cfg, reg);
    drain();
  }

  ~models_fixture() override {
    caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
    drain();
    fs::remove_all(dir);
  }

  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& hdl, Ts... xs) {
    caf::expected<T> result{caf::sec::bad_function_call};
    auto rh = self->request(hdl, caf::infinite, xs...);
    drain();
    rh.receive([&](T& x) { result = std::move(x); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  model_spec small_spec() {
    model_spec s;
    s.name = "argus-sky-320";
    s.model = (dir / "argus-sky-320.onnx").string();
    s.names = (dir / "argus-sky-320.names").string();
    s.input_width = 320;
    s.input_height = 256;
    s.classes = {"drone", "bird", "airplane", "helicopter"};
    return s;
  }

  /// A synthetic sky frame with drones and birds in it.
  frame_ptr scene_frame(int64_t index) {
    synthetic_params p;
    p.seed = 21;
    synthetic_scene scene(p);
    auto f = std::make_shared<frame>();
    f->index = index;
    scene.render(index, f->bgr, f->truth);
    return f;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(models_tests, models_fixture)

CAF_TEST(
    a detector switches between two frames and keeps its model on failure) {
  auto det = detector_actor{sys.spawn(detector_worker, det_cfg)};
  drain();
  auto before = ask<detection_set>(det, scene_frame(30));
  CAF_REQUIRE(before);
  auto broken = small_spec();
  broken.model = (dir / "missing.onnx").string();
  auto failed = ask<bool>(det, atom::activate_v, broken);
  CAF_REQUIRE(!failed);
  CAF_CHECK_EQUAL(failed.error(), ec::model_failed);
  // The old model runs on: the same frame gives the same boxes.
  auto again = ask<detection_set>(det, scene_frame(30));
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->detections.size(), before->detections.size());
  auto switched = ask<bool>(det, atom::activate_v, small_spec());
  CAF_REQUIRE(switched);
  CAF_CHECK(*switched);
  auto after = ask<detection_set>(det, scene_frame(31));
  CAF_REQUIRE(after);
  for (auto& d : after->detections)
    CAF_CHECK(d.class_id >= 0 && d.class_id < 4);
  caf::anon_send_exit(det, caf::exit_reason::user_shutdown);
  drain();
}

CAF_TEST(shadow mode compares every nth frame) {
  auto det = detector_actor{sys.spawn(detector_worker, det_cfg)};
  drain();
  auto none = ask<shadow_report>(det, atom::shadow_v, atom::status_v);
  CAF_REQUIRE(none);
  CAF_CHECK(!none->running);
  CAF_CHECK(none->model.empty());
  auto started = ask<bool>(det, atom::shadow_v, small_spec(), int32_t{2});
  CAF_REQUIRE(started);
  for (int64_t i = 0; i < 6; ++i)
    CAF_REQUIRE(ask<detection_set>(det, scene_frame(20 + i)));
  auto r = ask<shadow_report>(det, atom::shadow_v, atom::status_v);
  CAF_REQUIRE(r);
  CAF_CHECK(r->running);
  CAF_CHECK_EQUAL(r->model, "argus-sky-320");
  CAF_CHECK_EQUAL(r->active, "argus-sky");
  CAF_CHECK_EQUAL(r->frames_compared, 3); // frames 0, 2 and 4 of six
  CAF_CHECK_GREATER(r->boxes_active, 0);
  CAF_CHECK_LESS_OR_EQUAL(r->boxes_matched,
                          std::min(r->boxes_active, r->boxes_candidate));
  CAF_CHECK_EQUAL(r->latency_active_ms.size(), 3u);
  auto last = ask<shadow_report>(det, atom::shadow_v, atom::remove_v);
  CAF_REQUIRE(last);
  CAF_CHECK(!last->running);
  CAF_CHECK_EQUAL(last->frames_compared, 3);
  auto gone = ask<shadow_report>(det, atom::shadow_v, atom::status_v);
  CAF_REQUIRE(gone);
  CAF_CHECK(gone->model.empty());
  caf::anon_send_exit(det, caf::exit_reason::user_shutdown);
  drain();
}

CAF_TEST(a detector that ends hands its comparison to who started shadow) {
  auto det = detector_actor{sys.spawn(detector_worker, det_cfg)};
  drain();
  CAF_REQUIRE(ask<bool>(det, atom::shadow_v, small_spec(), int32_t{2}));
  for (int64_t i = 0; i < 4; ++i)
    CAF_REQUIRE(ask<detection_set>(det, scene_frame(40 + i)));
  // Its session ends (linked to it).
  auto session = sys.spawn([det](caf::event_based_actor* s) -> caf::behavior {
    s->link_to(det);
    return {[s](int) { s->quit(caf::exit_reason::user_shutdown); }};
  });
  drain();
  caf::anon_send(session, 1);
  drain();
  std::optional<shadow_report> handed;
  self->receive([&](atom::shadow, shadow_report& r) { handed = std::move(r); },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_REQUIRE(handed);
  CAF_CHECK_EQUAL(handed->model, "argus-sky-320");
  CAF_CHECK_EQUAL(handed->frames_compared, 2);
  CAF_CHECK_EQUAL(handed->detectors, 1);
  CAF_CHECK(!handed->running);
}

CAF_TEST(the registry keeps the comparisons of ended detectors) {
  CAF_REQUIRE(ask<shadow_report>(cat, atom::shadow_v,
                                 std::string{"argus-sky-320"}, int32_t{4}));
  shadow_report ended;
  ended.model = "argus-sky-320";
  ended.detectors = 1;
  ended.frames_compared = 7;
  ended.boxes_active = 10;
  ended.boxes_candidate = 10;
  ended.boxes_matched = 8;
  ended.classes_active["drone"] = 10;
  caf::anon_send(reg, atom::shadow_v, ended);
  // Another candidate's report counts for nothing.
  auto other = ended;
  other.model = "argus-sky";
  caf::anon_send(reg, atom::shadow_v, other);
  drain();
  auto r
      = ask<shadow_report>(cat, atom::shadow_v, std::string{"argus-sky-320"});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->frames_compared, 7);
  CAF_CHECK_EQUAL(r->detectors, 1);
  CAF_CHECK_EQUAL(r->classes_active["drone"], 10);
  CAF_CHECK_EQUAL(r->agreement, 0.8);
  // The final report has them; a new run starts from nothing.
  auto last = ask<shadow_report>(cat, atom::shadow_v, atom::remove_v,
                                 std::string{"argus-sky-320"});
  CAF_REQUIRE(last);
  CAF_CHECK_EQUAL(last->frames_compared, 7);
  CAF_REQUIRE(ask<shadow_report>(cat, atom::shadow_v,
                                 std::string{"argus-sky-320"}, int32_t{4}));
  auto fresh
      = ask<shadow_report>(cat, atom::shadow_v, std::string{"argus-sky-320"});
  CAF_REQUIRE(fresh);
  CAF_CHECK_EQUAL(fresh->frames_compared, 0);
}

CAF_TEST(the detector of a deleted session still hands over its counts) {
  auto session = ask<session_info>(reg, atom::create_v, std::string{});
  CAF_REQUIRE(session);
  CAF_REQUIRE(ask<shadow_report>(cat, atom::shadow_v,
                                 std::string{"argus-sky-320"}, int32_t{4}));
  auto live
      = ask<shadow_report>(cat, atom::shadow_v, std::string{"argus-sky-320"});
  CAF_REQUIRE(live);
  CAF_CHECK_EQUAL(live->detectors, 1);
  CAF_REQUIRE(ask<std::string>(reg, atom::remove_v, session->session_id));
  drain();
  // Its detector ended with the session, after handing its report to the
  // registry (which held it until then).
  auto kept
      = ask<shadow_report>(cat, atom::shadow_v, std::string{"argus-sky-320"});
  CAF_REQUIRE(kept);
  CAF_CHECK_EQUAL(kept->detectors, 1);
  CAF_CHECK(kept->running);
}

CAF_TEST(the models actor activates through the registry) {
  auto session = ask<session_info>(reg, atom::create_v, std::string{});
  CAF_REQUIRE(session);
  auto list = ask<std::vector<model_info>>(cat, atom::list_v);
  CAF_REQUIRE(list);
  CAF_REQUIRE_EQUAL(list->size(), 2u);
  CAF_CHECK((*list)[0].active);
  CAF_CHECK_EQUAL((*list)[0].name, "argus-sky");
  auto active
      = ask<model_info>(cat, atom::activate_v, std::string{"argus-sky-320"});
  CAF_REQUIRE(active);
  CAF_CHECK(active->active);
  CAF_CHECK_EQUAL(active->input_width, 320);
  // A corrupt model fails before any detector sees it; the old stays.
  {
    std::ofstream out(dir / "corrupt.onnx", std::ios::binary);
    out << "\x08\x07garbage";
    std::ofstream names(dir / "corrupt.names");
    names << "drone\n";
  }
  auto bad = ask<model_info>(cat, atom::activate_v, std::string{"corrupt"});
  CAF_REQUIRE(!bad);
  CAF_CHECK_EQUAL(bad.error(), ec::model_failed);
  auto now = ask<model_info>(cat, atom::get_v, std::string{"argus-sky-320"});
  CAF_REQUIRE(now);
  CAF_CHECK(now->active);
  auto del
      = ask<std::string>(cat, atom::remove_v, std::string{"argus-sky-320"});
  CAF_REQUIRE(!del);
  CAF_CHECK_EQUAL(del.error(), ec::model_active);
  // The registry hands the active model to detectors of new sessions and
  // reports shadow mode across them.
  auto shadow = ask<shadow_report>(cat, atom::shadow_v,
                                   std::string{"argus-sky"}, int32_t{3});
  CAF_REQUIRE(shadow);
  CAF_CHECK(shadow->running);
  CAF_CHECK_EQUAL(shadow->active, "argus-sky-320");
  auto report
      = ask<shadow_report>(cat, atom::shadow_v, std::string{"argus-sky"});
  CAF_REQUIRE(report);
  CAF_CHECK_EQUAL(report->detectors, 1);
  CAF_CHECK_EQUAL(report->model, "argus-sky");
  auto stopped = ask<shadow_report>(cat, atom::shadow_v, atom::remove_v,
                                    std::string{"argus-sky"});
  CAF_REQUIRE(stopped);
  CAF_CHECK(!stopped->running);
  auto not_running
      = ask<shadow_report>(cat, atom::shadow_v, std::string{"argus-sky"});
  CAF_REQUIRE(!not_running);
  CAF_CHECK_EQUAL(not_running.error(), ec::unknown_model);
}

CAF_TEST_FIXTURE_SCOPE_END()
