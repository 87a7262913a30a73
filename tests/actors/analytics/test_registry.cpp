// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.registry
#include "actors/analytics/detector.hpp"
#include "actors/analytics/registry.hpp"
#include "actors/video/camera.hpp"
#include "messages/error.hpp"
#include "tests/actors/fixture.hpp"

using namespace argus;
using namespace argus::test;

namespace {

struct registry_fixture : fixture {
  registry_actor reg;

  registry_fixture() {
    auto cfg = parse_config("cameras: [{id: cam_a, fps: 5}, {id: cam_b}]");
    CAF_REQUIRE(cfg);
    cfg->detector.model = ARGUS_SOURCE_DIR "/models/argus-sky.onnx";
    cfg->detector.names = ARGUS_SOURCE_DIR "/models/argus-sky.names";
    cfg->detector.classifier = ARGUS_SOURCE_DIR "/models/argus-sky-cls.onnx";
    registry_setup setup;
    setup.cfg = *cfg;
    setup.labels = {"drone", "bird"};
    setup.codec = codec;
    // Attached: detached actors escape the test clock.
    setup.spawn_camera = [this](const camera_config& cam) {
      return camera_actor{sys.spawn(camera, cam)};
    };
    setup.spawn_detector = [this](const detector_config& det) {
      return detector_actor{sys.spawn(detector_worker, det)};
    };
    reg = sys.spawn(registry, std::move(setup));
    drain();
  }

  ~registry_fixture() override {
    caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
    drain();
  }

  /// Sends a request and runs the actors until it is answered.
  template <class T, class... Ts> caf::expected<T> ask(Ts... xs) {
    caf::expected<T> result{caf::sec::bad_function_call};
    auto rh = self->request(reg, caf::infinite, xs...);
    drain();
    rh.receive([&](T& x) { result = std::move(x); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(registry_tests, registry_fixture)

CAF_TEST(create is idempotent per camera) {
  auto first = ask<session_info>(atom::create_v, std::string{});
  CAF_REQUIRE(first);
  CAF_CHECK(first->created);
  CAF_CHECK_EQUAL(first->camera_id, "cam_a"); // "" means the first camera
  CAF_CHECK(first->session_id.rfind("session-cam_a-", 0) == 0);
  auto again = ask<session_info>(atom::create_v, std::string{"cam_a"});
  CAF_REQUIRE(again);
  CAF_CHECK(!again->created);
  CAF_CHECK_EQUAL(again->session_id, first->session_id);
  auto other = ask<session_info>(atom::create_v, std::string{"cam_b"});
  CAF_REQUIRE(other);
  CAF_CHECK(other->created);
  CAF_CHECK_NOT_EQUAL(other->session_id, first->session_id);
  auto cams = ask<std::vector<camera_info>>(atom::list_v);
  CAF_REQUIRE(cams);
  CAF_REQUIRE_EQUAL(cams->size(), 2u);
  CAF_CHECK_EQUAL((*cams)[0].session_id, first->session_id);
  CAF_CHECK_EQUAL((*cams)[0].fps, 5.0);
}

CAF_TEST(unknown ids are errors) {
  auto bad = ask<session_info>(atom::create_v, std::string{"cam_z"});
  CAF_REQUIRE(!bad);
  CAF_CHECK_EQUAL(bad.error(), ec::unknown_camera);
  auto st = ask<session_status>(atom::status_v, std::string{"nope"});
  CAF_REQUIRE(!st);
  CAF_CHECK_EQUAL(st.error(), ec::unknown_session);
  auto rm = ask<std::string>(atom::remove_v, std::string{"nope"});
  CAF_REQUIRE(!rm);
  CAF_CHECK_EQUAL(rm.error(), ec::unknown_session);
}

CAF_TEST(a session runs the real camera detector and tracker) {
  auto info = ask<session_info>(atom::create_v, std::string{"cam_a"});
  CAF_REQUIRE(info);
  // Let the synthetic camera produce a few frames on the test clock.
  for (int i = 0; i < 6; ++i) {
    sched.trigger_timeouts();
    drain();
  }
  auto st = ask<session_status>(atom::status_v, info->session_id);
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->camera_id, "cam_a");
  CAF_CHECK_EQUAL(st->camera_state, "online");
  CAF_CHECK_GREATER_OR_EQUAL(st->frames_processed, 3);
  CAF_CHECK(st->running);
}

CAF_TEST(remove stops the session and forgets it) {
  auto info = ask<session_info>(atom::create_v, std::string{"cam_b"});
  CAF_REQUIRE(info);
  auto rm = ask<std::string>(atom::remove_v, info->session_id);
  CAF_REQUIRE(rm);
  CAF_CHECK_EQUAL(*rm, info->session_id);
  auto gone = ask<session_actor>(atom::get_v, info->session_id);
  CAF_REQUIRE(!gone);
  CAF_CHECK_EQUAL(gone.error(), ec::unknown_session);
  auto fresh = ask<session_info>(atom::create_v, std::string{"cam_b"});
  CAF_REQUIRE(fresh);
  CAF_CHECK(fresh->created);
  CAF_CHECK_NOT_EQUAL(fresh->session_id, info->session_id);
}

CAF_TEST(shutdown refuses new sessions) {
  CAF_REQUIRE(ask<session_info>(atom::create_v, std::string{"cam_a"}));
  auto ready = ask<bool>(atom::ready_v);
  CAF_REQUIRE(ready);
  CAF_CHECK(*ready);
  caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
  drain();
  // The registry stops its sessions, then itself.
  auto after = ask<bool>(atom::ready_v);
  CAF_CHECK(!after);
}

CAF_TEST_FIXTURE_SCOPE_END()
