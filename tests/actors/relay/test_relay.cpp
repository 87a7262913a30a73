// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.relay
#include "actors/relay/relay.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <memory>

using namespace argus;
using namespace argus::test;

namespace {

/// What a mock CAMERA was told.
struct camera_log {
  int subscribes = 0;
  int unsubscribes = 0;
  int watches = 0;
  camera_status status;
};

using camera_log_ptr = std::shared_ptr<camera_log>;

camera_actor::behavior_type recording_camera(camera_log_ptr log) {
  return {
      [=](atom::subscribe, frame_sink_actor) { ++log->subscribes; },
      [=](atom::unsubscribe, frame_sink_actor) { ++log->unsubscribes; },
      [=](atom::watch, camera_watcher_actor) { ++log->watches; },
      [=](atom::status) { return log->status; },
      [=](atom::reinit) {
        camera_status st = log->status;
        st.state = camera_link::connecting;
        return st;
      },
      [=](const ptz_command&) -> caf::result<ptz_pose> {
        return caf::make_error(ec::no_ptz);
      },
      [=](atom::next, uint64_t) {},
      [=](atom::idle, uint64_t) {},
  };
}

/// What a probe VIEWER got from the relay.
struct viewer_log {
  std::vector<relay_frame> frames;
  std::vector<camera_status> states;
};

using viewer_log_ptr = std::shared_ptr<viewer_log>;

viewer_actor::behavior_type probe_viewer(viewer_log_ptr log) {
  return {
      [=](const relay_frame& f) { log->frames.push_back(f); },
      [=](const camera_status& cs) { log->states.push_back(cs); },
      [=](atom::written) { CAF_FAIL("the relay never acks writes"); },
      [=](atom::closed) { CAF_FAIL("the relay never closes viewers"); },
  };
}

int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// A small picture captured just now (the relay drops stale frames).
frame_ptr fresh_frame(int64_t index, int64_t age_ms = 0) {
  auto f = std::make_shared<frame>();
  f->index = index;
  f->ts_mono_ms = steady_now_ms() - age_ms;
  f->ts_unix_ms = 1'700'000'000'000 + index;
  f->bgr = cv::Mat(36, 64, CV_8UC3, cv::Scalar(30, 60, 90));
  return f;
}

camera_status state_of(camera_link link) {
  camera_status cs;
  cs.camera_id = "cam_01";
  cs.state = link;
  cs.last_error = link == camera_link::disconnected ? "EOF" : "";
  cs.next_retry_ms = 500;
  return cs;
}

struct relay_fixture : fixture {
  camera_log_ptr cam_log = std::make_shared<camera_log>();
  camera_actor cam;
  relay_actor rel;

  relay_fixture() {
    cam_log->status = state_of(camera_link::online);
    cam = sys.spawn(recording_camera, cam_log);
  }

  ~relay_fixture() override {
    if (rel)
      caf::anon_send_exit(rel, caf::exit_reason::user_shutdown);
    drain();
  }

  /// Nothing on disk unless a test asks (the default persist_dir is
  /// relative to the working directory).
  static relay_config in_memory() {
    relay_config cfg;
    cfg.persist_every = 0;
    cfg.persist_dir.clear();
    return cfg;
  }

  /// Every frame persisted to `dir`.
  static relay_config on_disk(const temp_dir& dir) {
    relay_config cfg;
    cfg.persist_every = 1;
    cfg.persist_dir = dir.path();
    return cfg;
  }

  relay_actor start(relay_config cfg = in_memory()) {
    relay_setup setup;
    setup.camera_id = "cam_01";
    setup.source_fps = 15;
    setup.camera = cam;
    setup.cfg = cfg;
    auto hdl = sys.spawn(relay, std::move(setup));
    drain();
    return hdl;
  }

  std::pair<viewer_actor, viewer_log_ptr> join(double fps = 15) {
    auto log = std::make_shared<viewer_log>();
    auto v = sys.spawn(probe_viewer, log);
    caf::anon_send(rel, atom::join_v, v, fps);
    drain();
    return {v, log};
  }

  void push(frame_ptr f) {
    caf::anon_send(rel, std::move(f));
    drain();
  }

  relay_status status() {
    auto st = call<relay_status>(rel, atom::status_v);
    CAF_REQUIRE(st);
    return *st;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(relay_tests, relay_fixture)

CAF_TEST(the camera is consumed only while viewers exist) {
  rel = start();
  CAF_CHECK_EQUAL(cam_log->watches, 1); // watching is not consuming
  CAF_CHECK_EQUAL(cam_log->subscribes, 0);
  auto [a, a_log] = join();
  auto [b, b_log] = join();
  CAF_CHECK_EQUAL(cam_log->subscribes, 1);
  CAF_CHECK_EQUAL(status().viewers, 2);
  caf::anon_send(rel, atom::leave_v, a);
  drain();
  CAF_CHECK_EQUAL(cam_log->unsubscribes, 0);
  caf::anon_send(rel, atom::leave_v, b);
  drain();
  CAF_CHECK_EQUAL(cam_log->unsubscribes, 1);
  CAF_CHECK_EQUAL(status().viewers, 0);
  auto [c, c_log] = join();
  CAF_CHECK_EQUAL(cam_log->subscribes, 2);
}

CAF_TEST(a viewer that dies is removed like one that left) {
  rel = start();
  auto [a, a_log] = join();
  CAF_CHECK_EQUAL(cam_log->subscribes, 1);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  drain();
  CAF_CHECK_EQUAL(cam_log->unsubscribes, 1);
  CAF_CHECK_EQUAL(status().viewers, 0);
}

CAF_TEST(one frame is encoded once and shared by every due viewer) {
  rel = start();
  auto [a, a_log] = join();
  auto [b, b_log] = join();
  push(fresh_frame(0));
  CAF_REQUIRE_EQUAL(a_log->frames.size(), 1u);
  CAF_REQUIRE_EQUAL(b_log->frames.size(), 1u);
  auto& fa = a_log->frames[0];
  CAF_CHECK_EQUAL(fa.camera_id, "cam_01");
  CAF_CHECK_EQUAL(fa.frame_no, 1);
  CAF_CHECK_EQUAL(fa.width, 64);
  CAF_CHECK_EQUAL(fa.height, 36);
  CAF_CHECK_EQUAL(fa.captured_unix_ms, 1'700'000'000'000);
  CAF_REQUIRE(fa.jpeg != nullptr);
  CAF_REQUIRE_GREATER(fa.jpeg->size(), 4u);
  CAF_CHECK_EQUAL(static_cast<unsigned char>((*fa.jpeg)[0]), 0xFFu);
  CAF_CHECK_EQUAL(static_cast<unsigned char>((*fa.jpeg)[1]), 0xD8u);
  // The very same buffer, not a copy per viewer.
  CAF_CHECK_EQUAL(fa.jpeg.get(), b_log->frames[0].jpeg.get());
  auto st = status();
  CAF_CHECK_EQUAL(st.frames_received, 1);
  CAF_CHECK_EQUAL(st.frames_encoded, 1);
  CAF_CHECK_EQUAL(st.latest_unix_ms, 1'700'000'000'000);
}

// Pacing reads the actor clock, which only moves when the test moves it:
// a 0.01 fps viewer's 100 s slot cannot end during the test.
CAF_TEST(a slow viewer gets the latest at join and nothing more this slot) {
  rel = start();
  auto [fast, fast_log] = join();
  push(fresh_frame(0));
  CAF_REQUIRE_EQUAL(fast_log->frames.size(), 1u);
  caf::anon_send(rel, atom::leave_v, fast);
  auto [slow, slow_log] = join(0.01);
  // It sees a picture at once, from memory, at no cost.
  CAF_REQUIRE_EQUAL(slow_log->frames.size(), 1u);
  CAF_CHECK_EQUAL(slow_log->frames[0].frame_no, 1);
  CAF_CHECK_EQUAL(status().frames_encoded, 1);
  push(fresh_frame(1));
  push(fresh_frame(2));
  CAF_CHECK_EQUAL(slow_log->frames.size(), 1u);
  auto st = status();
  CAF_CHECK_EQUAL(st.frames_received, 3);
  CAF_CHECK_EQUAL(st.frames_encoded, 1); // nobody was due: no encode
}

CAF_TEST(frames older than two source intervals are dropped) {
  rel = start();
  auto [a, a_log] = join();
  push(fresh_frame(0, 5000));
  CAF_CHECK(a_log->frames.empty());
  auto st = status();
  CAF_CHECK_EQUAL(st.frames_stale, 1);
  CAF_CHECK_EQUAL(st.frames_encoded, 0);
}

CAF_TEST(camera state changes reach every viewer and new ones at join) {
  rel = start();
  auto [a, a_log] = join();
  CAF_CHECK(a_log->states.empty()); // the camera has not said yet
  caf::anon_send(rel, state_of(camera_link::connecting));
  caf::anon_send(rel, state_of(camera_link::online));
  drain();
  CAF_REQUIRE_EQUAL(a_log->states.size(), 2u);
  CAF_CHECK(a_log->states[0].state == camera_link::connecting);
  CAF_CHECK(a_log->states[1].state == camera_link::online);
  auto [b, b_log] = join();
  CAF_REQUIRE_EQUAL(b_log->states.size(), 1u);
  CAF_CHECK(b_log->states[0].state == camera_link::online);
}

CAF_TEST(latest answers from memory once a frame was encoded) {
  rel = start();
  auto [a, a_log] = join();
  push(fresh_frame(7));
  auto latest = call<relay_frame>(rel, atom::latest_v);
  CAF_REQUIRE(latest);
  CAF_CHECK_EQUAL(latest->frame_no, 1);
  CAF_CHECK_EQUAL(latest->captured_unix_ms, 1'700'000'000'007);
  CAF_CHECK_EQUAL(latest->jpeg.get(), a_log->frames.at(0).jpeg.get());
}

CAF_TEST(latest without a frame takes one picture and lets go) {
  rel = start();
  auto rh = self->request(rel, caf::infinite, atom::latest_v);
  drain();
  CAF_CHECK_EQUAL(cam_log->subscribes, 1); // a snapshot waits: consume
  CAF_CHECK(!reply<relay_frame>(rh));      // nothing yet
  push(fresh_frame(3));
  auto latest = reply<relay_frame>(rh);
  CAF_REQUIRE(latest);
  CAF_CHECK_EQUAL(latest->captured_unix_ms, 1'700'000'000'003);
  CAF_CHECK_EQUAL(cam_log->unsubscribes, 1);
  sched.trigger_timeouts(); // the stale snapshot timer does nothing
  drain();
  CAF_CHECK_EQUAL(cam_log->subscribes, 1);
}

CAF_TEST(latest fails with no_frame when the camera sends none in time) {
  rel = start();
  auto rh = self->request(rel, caf::infinite, atom::latest_v);
  drain();
  CAF_CHECK_EQUAL(cam_log->subscribes, 1);
  CAF_REQUIRE(sched.trigger_timeouts() > 0);
  drain();
  auto latest = reply<relay_frame>(rh);
  CAF_REQUIRE(!latest);
  CAF_CHECK_EQUAL(latest.error(), ec::no_frame);
  CAF_CHECK_EQUAL(cam_log->unsubscribes, 1);
}

CAF_TEST(a disconnected camera turns latest into camera_disconnected) {
  rel = start();
  auto waiting = self->request(rel, caf::infinite, atom::latest_v);
  drain();
  caf::anon_send(rel, state_of(camera_link::disconnected));
  drain();
  auto failed = reply<relay_frame>(waiting);
  CAF_REQUIRE(!failed);
  CAF_CHECK_EQUAL(failed.error(), ec::camera_disconnected);
  CAF_CHECK_EQUAL(cam_log->unsubscribes, 1);
  auto again = call<relay_frame>(rel, atom::latest_v);
  CAF_REQUIRE(!again);
  CAF_CHECK_EQUAL(again.error(), ec::camera_disconnected);
  CAF_CHECK(caf::to_string(again.error()).find("500 ms") != std::string::npos);
}

CAF_TEST(a joining viewer gets no stale picture while disconnected) {
  rel = start();
  auto [a, a_log] = join();
  push(fresh_frame(0));
  caf::anon_send(rel, state_of(camera_link::disconnected));
  drain();
  auto [b, b_log] = join();
  CAF_CHECK(b_log->frames.empty());
  CAF_REQUIRE_EQUAL(b_log->states.size(), 1u);
  CAF_CHECK(b_log->states[0].state == camera_link::disconnected);
}

CAF_TEST(status reports the camera state it asks for) {
  rel = start();
  cam_log->status.frames_decoded = 42;
  auto st = status();
  CAF_CHECK_EQUAL(st.camera_id, "cam_01");
  CAF_CHECK(st.camera.state == camera_link::online);
  CAF_CHECK_EQUAL(st.camera.frames_decoded, 42);
  auto re = call<camera_status>(rel, atom::reinit_v);
  CAF_REQUIRE(re);
  CAF_CHECK(re->state == camera_link::connecting);
}

CAF_TEST(a replaced camera is watched and subscribed while viewers exist) {
  rel = start();
  auto [a, a_log] = join();
  auto new_log = std::make_shared<camera_log>();
  auto cam2 = sys.spawn(recording_camera, new_log);
  caf::anon_send(rel, atom::replace_v, cam2);
  drain();
  CAF_CHECK_EQUAL(new_log->watches, 1);
  CAF_CHECK_EQUAL(new_log->subscribes, 1);
  caf::anon_send(rel, atom::leave_v, a);
  drain();
  CAF_CHECK_EQUAL(new_log->unsubscribes, 1);
  CAF_CHECK_EQUAL(cam_log->unsubscribes, 0); // the old one is gone
}

CAF_TEST(the latest frame survives a restart on disk) {
  temp_dir dir;
  auto cfg = on_disk(dir);
  rel = start(cfg);
  auto [a, a_log] = join();
  push(fresh_frame(5));
  CAF_CHECK_EQUAL(status().frames_persisted, 1);
  caf::anon_send_exit(rel, caf::exit_reason::user_shutdown);
  drain();
  rel = start(cfg);
  auto latest = call<relay_frame>(rel, atom::latest_v);
  CAF_REQUIRE(latest);
  CAF_CHECK_EQUAL(latest->captured_unix_ms, 1'700'000'000'005);
  CAF_CHECK_EQUAL(*latest->jpeg, *a_log->frames.at(0).jpeg);
  CAF_CHECK_EQUAL(cam_log->subscribes, 1); // no new picture was needed
}

CAF_TEST(new source settings drop the picture in memory and on disk) {
  temp_dir dir;
  auto cfg = on_disk(dir);
  rel = start(cfg);
  auto [a, a_log] = join();
  push(fresh_frame(5));
  caf::anon_send(rel, atom::leave_v, a);
  caf::anon_send(rel, atom::reset_v);
  drain();
  CAF_CHECK_EQUAL(status().latest_unix_ms, 0);
  // The next latest takes a new picture instead of the old one.
  auto rh = self->request(rel, caf::infinite, atom::latest_v);
  drain();
  CAF_CHECK_EQUAL(cam_log->subscribes, 2);
  push(fresh_frame(9));
  auto latest = reply<relay_frame>(rh);
  CAF_REQUIRE(latest);
  CAF_CHECK_EQUAL(latest->captured_unix_ms, 1'700'000'000'009);
  // Nor does a restart bring the old one back: the files went with it.
  caf::anon_send(rel, atom::reset_v);
  caf::anon_send_exit(rel, caf::exit_reason::user_shutdown);
  drain();
  rel = start(cfg);
  CAF_CHECK_EQUAL(status().latest_unix_ms, 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
