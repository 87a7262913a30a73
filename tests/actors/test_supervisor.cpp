// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.supervisor
#include "actors/failure.hpp"
#include "actors/supervisor.hpp"
#include "core/config.hpp"
#include "tests/actors/fixture.hpp"

#include <stdexcept>

using namespace argus;
using namespace argus::test;

namespace {

/// A CAMERA whose reinit handler throws: an escaped exception, as a bug in
/// a source would raise one.
camera_actor::behavior_type faulty_camera(camera_actor::pointer self) {
  log_failures(self, "faulty_camera");
  return {
      [=](atom::subscribe, frame_sink_actor) {},
      [=](atom::unsubscribe, frame_sink_actor) {},
      [=](atom::watch, camera_watcher_actor) {},
      [=](atom::status) { return camera_status{}; },
      [=](atom::reinit) -> camera_status {
        throw std::runtime_error("decoder exploded");
      },
      [=](const ptz_command&) -> caf::result<ptz_pose> {
        return caf::make_error(ec::no_ptz);
      },
      [=](atom::next, uint64_t) {},
      [=](atom::idle, uint64_t) {},
  };
}

/// What the probes were told by the SUPERVISOR.
struct told {
  std::vector<camera_actor> relay_cameras;
  /// What the relays were told, in order ("replace", "reset").
  std::vector<std::string> relay_told;
  std::vector<std::pair<std::string, camera_actor>> registry_cameras;
  std::vector<store_actor> registry_stores;
};
using told_ptr = std::shared_ptr<told>;

/// A RELAY that records the cameras it is told to use.
relay_actor::behavior_type relay_probe(told_ptr log) {
  return {
      [=](camera_status&) {},
      [=](const frame_ptr&) {},
      [=](atom::join, viewer_actor, double) {},
      [=](atom::leave, viewer_actor) {},
      [=](atom::latest) { return relay_frame{}; },
      [=](atom::status) { return relay_status{}; },
      [=](atom::reinit) { return camera_status{}; },
      [=](atom::replace, camera_actor cam) {
        log->relay_cameras.push_back(cam);
        log->relay_told.push_back("replace");
      },
      [=](atom::reset) { log->relay_told.push_back("reset"); },
      [=](atom::idle, uint64_t) {},
  };
}

/// A STORE whose status handler throws.
store_actor::behavior_type faulty_store(store_actor::pointer self) {
  log_failures(self, "faulty_store");
  return {
      [=](const ptz_command_record&) {},
      [=](const store_update&) {},
      [=](const session_record&) {},
      [=](atom::status) -> store_status {
        throw std::logic_error("sqlite wrapper bug");
      },
      [=](atom::remove, const std::string& id) { return id; },
      [=](atom::retain, const std::string& id, bool) { return id; },
      [=](atom::flush, uint64_t) {},
      [=](atom::expire) {},
  };
}

/// A REGISTRY that records the cameras and stores it is told about.
registry_actor::behavior_type registry_probe(told_ptr log) {
  return {
      [=](atom::list) { return std::vector<camera_info>{}; },
      [=](atom::create, const std::string&) { return session_info{}; },
      [=](atom::get, const std::string&) -> caf::result<session_actor> {
        return caf::make_error(ec::unknown_session);
      },
      [=](atom::status, const std::string&) -> caf::result<session_status> {
        return caf::make_error(ec::unknown_session);
      },
      [=](atom::remove, const std::string& id) { return id; },
      [=](atom::ready) { return true; },
      [=](atom::watch, const session_watcher_actor&) {},
      [=](atom::replace, const std::string& id, camera_actor cam) {
        log->registry_cameras.emplace_back(id, cam);
      },
      [=](atom::replace, store_actor store) {
        log->registry_stores.push_back(store);
      },
      [=](atom::replace, const std::string&, ptz_actor) {},
      [=](atom::configure, const config_ptr&) {},
      [=](atom::activate, const model_spec&) { return int32_t{0}; },
      [=](atom::shadow, const model_spec&, int32_t) { return int32_t{0}; },
      [=](atom::shadow, atom::status) { return shadow_report{}; },
      [=](atom::shadow, atom::remove) { return shadow_report{}; },
      [=](atom::shadow, const shadow_report&) {},
  };
}

/// The order in which exit messages reached the shutdown probes.
using exit_order = std::shared_ptr<std::vector<std::string>>;

/// Records `name` when an exit reaches `self`; quits unless `stubborn`
/// (only a kill, which cannot be trapped, ends a stubborn one).
template <class Self>
void record_exits(Self* self, exit_order order, std::string name,
                  bool stubborn = false) {
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    order->push_back(name);
    if (!stubborn)
      self->quit(msg.reason);
  });
}

registry_actor::behavior_type stopping_registry(registry_actor::pointer self,
                                                exit_order order,
                                                bool stubborn) {
  record_exits(self, order, "registry", stubborn);
  told_ptr ignored = std::make_shared<told>();
  return registry_probe(ignored);
}

store_actor::behavior_type stopping_store(store_actor::pointer self,
                                          exit_order order) {
  record_exits(self, order, "store");
  return {
      [=](const ptz_command_record&) {},
      [=](const store_update&) {},
      [=](const session_record&) {},
      [=](atom::status) { return store_status{}; },
      [=](atom::remove, const std::string& id) { return id; },
      [=](atom::retain, const std::string& id, bool) { return id; },
      [=](atom::flush, uint64_t) {},
      [=](atom::expire) {},
  };
}

track_reader_actor::behavior_type
stopping_reader(track_reader_actor::pointer self, exit_order order) {
  record_exits(self, order, "reader");
  return {
      [=](atom::query, const track_query&) { return track_page{}; },
      [=](atom::get, const std::string&, int32_t) { return stored_track{}; },
      [=](atom::query, const ptz_command_query&) { return ptz_command_page{}; },
  };
}

relay_actor::behavior_type stopping_relay(relay_actor::pointer self,
                                          exit_order order) {
  record_exits(self, order, "relay");
  return relay_probe(std::make_shared<told>());
}

struct supervisor_fixture : fixture {
  camera_actor camera;
  relay_actor relay;
  store_actor store;
  registry_actor registry;
  supervisor_actor sup;
  std::shared_ptr<supervised_handles> handles
      = std::make_shared<supervised_handles>();
  int cameras_made = 0;
  int relays_made = 0;
  int stores_made = 0;
  told_ptr log = std::make_shared<told>();

  supervisor_fixture() {
    camera = sys.spawn(faulty_camera);
    relay = sys.spawn(relay_probe, log);
    store = sys.spawn(faulty_store);
    registry = sys.spawn(registry_probe, log);
    supervisor_setup setup;
    setup.cameras["cam_a"] = camera;
    setup.relays["cam_a"] = relay;
    setup.store = store;
    setup.registry = registry;
    setup.handles = handles;
    setup.spawn_camera = [this](const std::string&) {
      ++cameras_made;
      return camera_actor{sys.spawn(faulty_camera)};
    };
    setup.spawn_relay = [this](const std::string&, camera_actor) {
      ++relays_made;
      return relay_actor{sys.spawn(relay_probe, log)};
    };
    // Every accepted configuration changes cam_a's source.
    setup.take_camera_sources
        = [](const config&) { return std::vector<std::string>{"cam_a"}; };
    setup.spawn_store = [this] {
      ++stores_made;
      return store_actor{sys.spawn(faulty_store)};
    };
    sup = sys.spawn(supervisor, std::move(setup));
    drain();
  }

  ~supervisor_fixture() override {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    for (auto& [id, r] : handles->relays())
      caf::anon_send_exit(r, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    drain();
  }

  /// Lets every pending restart timer fire and runs what follows.
  void run_restarts() {
    drain();
    while (sched.trigger_timeout())
      drain();
  }

  int64_t restarts() {
    int64_t n = -1;
    auto rh = self->request(sup, caf::infinite, atom::status_v);
    drain();
    rh.receive([&](int64_t x) { n = x; }, [&](caf::error&) {});
    return n;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, supervisor_fixture)

CAF_TEST(a camera that throws is restarted and its peers get the new one) {
  caf::anon_send(camera, atom::reinit_v);
  run_restarts();
  CAF_CHECK_EQUAL(cameras_made, 1);
  CAF_CHECK_EQUAL(restarts(), 1);
  CAF_REQUIRE_EQUAL(log->registry_cameras.size(), 1u);
  CAF_CHECK_EQUAL(log->registry_cameras[0].first, "cam_a");
  auto fresh = log->registry_cameras[0].second;
  CAF_CHECK(fresh && fresh != camera);
  CAF_REQUIRE_EQUAL(log->relay_cameras.size(), 1u);
  CAF_CHECK(log->relay_cameras[0] == fresh);
  // The replacement is supervised too: a second failure restarts again.
  caf::anon_send(fresh, atom::reinit_v);
  run_restarts();
  CAF_CHECK_EQUAL(cameras_made, 2);
  CAF_CHECK_EQUAL(restarts(), 2);
}

CAF_TEST(new source settings restart the camera and drop the relay picture) {
  caf::anon_send(sup, atom::configure_v,
                 config_ptr{std::make_shared<const config>()});
  drain();
  CAF_CHECK_EQUAL(cameras_made, 1);
  CAF_CHECK_EQUAL(restarts(), 0); // not a failure: no backoff, not counted
  CAF_REQUIRE_EQUAL(log->registry_cameras.size(), 1u);
  auto fresh = log->registry_cameras[0].second;
  CAF_CHECK(fresh && fresh != camera);
  // The relay moves to the new camera, then forgets the old picture.
  CAF_CHECK_EQUAL(log->relay_told,
                  (std::vector<std::string>{"replace", "reset"}));
  CAF_REQUIRE_EQUAL(log->relay_cameras.size(), 1u);
  CAF_CHECK(log->relay_cameras[0] == fresh);
}

CAF_TEST(
    a store that throws is restarted and published to registry and gateway) {
  CAF_CHECK(handles->store() == store);
  auto rh = self->request(store, caf::infinite, atom::status_v);
  run_restarts();
  // The request failed with the actor, not the process.
  bool failed = false;
  rh.receive([&](store_status&) { CAF_FAIL("status answered"); },
             [&](caf::error& err) { failed = static_cast<bool>(err); });
  CAF_CHECK(failed);
  CAF_CHECK_EQUAL(stores_made, 1);
  CAF_REQUIRE_EQUAL(log->registry_stores.size(), 1u);
  CAF_CHECK(log->registry_stores[0] != store);
  CAF_CHECK(handles->store() == log->registry_stores[0]);
}

CAF_TEST(a relay that stops by shutdown is not restarted; one that fails is) {
  caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
  run_restarts();
  CAF_CHECK_EQUAL(relays_made, 0);
  CAF_CHECK_EQUAL(restarts(), 0);
  auto second = handles->relay("cam_a");
  CAF_CHECK(second == relay); // the gateway still names it; nothing new
  // A relay ending with an error is replaced in the gateway's handles.
  auto other = relay_actor{sys.spawn(relay_probe, log)};
  supervisor_setup setup;
  setup.relays["cam_b"] = other;
  setup.cameras["cam_b"] = camera;
  setup.handles = handles;
  setup.spawn_relay = [this](const std::string&, camera_actor) {
    ++relays_made;
    return relay_actor{sys.spawn(relay_probe, log)};
  };
  auto sup2 = sys.spawn(supervisor, std::move(setup));
  drain();
  caf::anon_send_exit(other, caf::exit_reason::unhandled_exception);
  run_restarts();
  CAF_CHECK_EQUAL(relays_made, 1);
  auto now = handles->relay("cam_b");
  CAF_CHECK(now && now != other);
  caf::anon_send_exit(sup2, caf::exit_reason::user_shutdown);
}

CAF_TEST(a child that stayed up for stable_after restarts at the shortest wait) {
  std::vector<camera_actor> made;
  supervisor_setup setup;
  auto first = camera_actor{sys.spawn(faulty_camera)};
  setup.cameras["cam_c"] = first;
  setup.handles = std::make_shared<supervised_handles>();
  setup.restart_backoff = {250, 10000, 2.0, 0.0}; // no jitter: exact waits
  setup.stable_after = std::chrono::seconds(60);
  setup.spawn_camera = [this, &made](const std::string&) {
    made.push_back(camera_actor{sys.spawn(faulty_camera)});
    return made.back();
  };
  auto sup2 = sys.spawn(supervisor, std::move(setup));
  drain();
  // Fails `cam` and returns how long the supervisor waited to restart it
  // (the test clock jumps to each timer it fires).
  auto restart_wait_ms = [&](camera_actor cam) {
    auto before = made.size();
    auto t0 = sched.clock().now();
    caf::anon_send(cam, atom::reinit_v);
    run_restarts();
    CAF_REQUIRE_EQUAL(made.size(), before + 1);
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               sched.clock().now() - t0)
        .count();
  };
  CAF_CHECK_EQUAL(restart_wait_ms(first), 250);
  CAF_CHECK_EQUAL(restart_wait_ms(made.back()), 500); // failing again: grows
  sched.advance_time(std::chrono::seconds(60));       // then up for a minute
  CAF_CHECK_EQUAL(restart_wait_ms(made.back()), 250);
  caf::anon_send_exit(sup2, caf::exit_reason::user_shutdown);
  for (auto& cam : made)
    caf::anon_send_exit(cam, caf::exit_reason::user_shutdown);
  drain();
}

CAF_TEST(
    the staged shutdown stops relays then sessions then store then reader) {
  auto order = std::make_shared<std::vector<std::string>>();
  supervisor_setup setup;
  setup.relays["cam_d"] = relay_actor{sys.spawn(stopping_relay, order)};
  setup.registry = registry_actor{sys.spawn(stopping_registry, order, false)};
  setup.store = store_actor{sys.spawn(stopping_store, order)};
  setup.reader = track_reader_actor{sys.spawn(stopping_reader, order)};
  setup.handles = std::make_shared<supervised_handles>();
  auto sup2 = sys.spawn(supervisor, std::move(setup));
  drain();
  auto rh = self->request(sup2, caf::infinite, atom::shutdown_v);
  drain(); // no timer fires: each stage ends when its actor is down
  bool done = false;
  rh.receive([&](bool ok) { done = ok; },
             [&](caf::error& err) { CAF_FAIL(render(err)); });
  CAF_CHECK(done);
  CAF_CHECK_EQUAL(*order, (std::vector<std::string>{"relay", "registry",
                                                    "store", "reader"}));
}

CAF_TEST(a stage that outlives its grace is killed and the shutdown goes on) {
  auto order = std::make_shared<std::vector<std::string>>();
  supervisor_setup setup;
  auto registry2 = registry_actor{sys.spawn(stopping_registry, order, true)};
  setup.registry = registry2;
  setup.store = store_actor{sys.spawn(stopping_store, order)};
  setup.handles = std::make_shared<supervised_handles>();
  setup.session_stop_grace = std::chrono::seconds(5);
  auto sup2 = sys.spawn(supervisor, std::move(setup));
  drain();
  auto t0 = sched.clock().now();
  auto rh = self->request(sup2, caf::infinite, atom::shutdown_v);
  drain();
  // The registry trapped its exit: the store waits for the grace.
  CAF_CHECK_EQUAL(*order, (std::vector<std::string>{"registry"}));
  CAF_REQUIRE(sched.trigger_timeout());
  drain();
  CAF_CHECK_EQUAL(
      std::chrono::duration_cast<std::chrono::seconds>(sched.clock().now() - t0)
          .count(),
      5);
  CAF_CHECK_EQUAL(*order, (std::vector<std::string>{"registry", "store"}));
  bool done = false;
  rh.receive([&](bool ok) { done = ok; },
             [&](caf::error& err) { CAF_FAIL(render(err)); });
  CAF_CHECK(done);
  // The kill ended the stubborn registry.
  auto probe = self->request(registry2, caf::infinite, atom::ready_v);
  drain();
  bool refused = false;
  probe.receive([&](bool) {}, [&](caf::error&) { refused = true; });
  CAF_CHECK(refused);
}

CAF_TEST(a restart that was due when the shutdown began does not happen) {
  auto order = std::make_shared<std::vector<std::string>>();
  supervisor_setup setup;
  auto cam = camera_actor{sys.spawn(faulty_camera)};
  setup.cameras["cam_e"] = cam;
  // A stubborn registry keeps the supervisor in its shutdown while the
  // restart timer (250 ms) fires, well before the grace (5 s).
  setup.registry = registry_actor{sys.spawn(stopping_registry, order, true)};
  setup.handles = std::make_shared<supervised_handles>();
  int made = 0;
  setup.spawn_camera = [this, &made](const std::string&) {
    ++made;
    return camera_actor{sys.spawn(faulty_camera)};
  };
  auto sup2 = sys.spawn(supervisor, std::move(setup));
  drain();
  caf::anon_send(cam, atom::reinit_v); // fails: a restart is scheduled
  drain();
  auto rh = self->request(sup2, caf::infinite, atom::shutdown_v);
  drain();
  CAF_REQUIRE(sched.trigger_timeout()); // the restart timer
  drain();
  CAF_CHECK_EQUAL(made, 0);
  CAF_REQUIRE(sched.trigger_timeout()); // the grace: the registry is killed
  drain();
  bool done = false;
  rh.receive([&](bool ok) { done = ok; },
             [&](caf::error& err) { CAF_FAIL(render(err)); });
  CAF_CHECK(done);
}

CAF_TEST_FIXTURE_SCOPE_END()
