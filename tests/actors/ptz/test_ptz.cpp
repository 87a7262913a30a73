// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.ptz
#include "actors/ptz/ptz.hpp"
#include "tests/actors/fixture.hpp"

#include <memory>

using namespace argus;
using namespace argus::test;

namespace {

using kind = ptz_command::kind;

/// What a mock PTZ device was asked (position queries aside), and how it
/// answers.
struct device_log {
  std::vector<ptz_command> commands;
  /// Answer with this error instead of a pose.
  caf::error fail;
  /// Hold answers until atom::flush (a slow device).
  bool hold = false;
  /// Hold position queries too while a command is held (a device actor
  /// busy with a hung call answers nothing before it).
  bool hold_queries = false;
  std::vector<caf::typed_response_promise<ptz_pose>> held;
};

using device_log_ptr = std::shared_ptr<device_log>;

/// A device that can also be told to answer what it holds (the answer
/// must come from inside the actor, not the test thread).
using slow_device_actor = ptz_device_actor::extend<caf::reacts_to<atom::flush>>;

slow_device_actor::behavior_type mock_device(slow_device_actor::pointer self,
                                             device_log_ptr log) {
  return {
      [=](const ptz_command& cmd) -> caf::result<ptz_pose> {
        if (cmd.what != kind::none) // not a position query
          log->commands.push_back(cmd);
        if (log->fail)
          return log->fail;
        if (cmd.what == kind::none
            && !(log->hold_queries && !log->held.empty()))
          return ptz_pose{true, 0.1, -0.2, 0.3, !log->held.empty()};
        ptz_pose pose{true, 0.1, -0.2, 0.3, cmd.what == kind::move};
        if (!log->hold)
          return pose;
        auto rp = self->make_response_promise<ptz_pose>();
        log->held.push_back(rp);
        return rp;
      },
      [=](atom::flush) {
        for (auto& rp : log->held)
          rp.deliver(ptz_pose{true, 0, 0, 0, false});
        log->held.clear();
      },
  };
}

/// The audit records a mock STORE was sent.
using record_log_ptr = std::shared_ptr<std::vector<ptz_command_record>>;

ptz_log_actor::behavior_type mock_log(record_log_ptr records) {
  return {
      [=](const ptz_command_record& r) { records->push_back(r); },
  };
}

/// The target seen at (cx, cy) in a frame taken at `ms`.
ptz_observation seen_at(int64_t ms, double cx, double cy) {
  ptz_observation obs;
  obs.ts_mono_ms = ms;
  obs.phase = static_cast<int32_t>(tracking_phase::phase::tracking);
  obs.seen = true;
  obs.cx = cx;
  obs.cy = cy;
  obs.w = obs.h = 0.25;
  return obs;
}

struct ptz_fixture : fixture {
  device_log_ptr log = std::make_shared<device_log>();
  record_log_ptr records = std::make_shared<std::vector<ptz_command_record>>();
  slow_device_actor device;
  ptz_log_actor store;
  ptz_actor controller;

  ptz_fixture() {
    device = sys.spawn(mock_device, log);
    store = sys.spawn(mock_log, records);
    ptz_setup setup;
    setup.camera_id = "cam_01";
    setup.cfg.backend = ptz_backend::sim;
    setup.cfg.min_interval_ms = 0;
    setup.device = device;
    setup.log = store;
    controller = sys.spawn(ptz, std::move(setup));
    drain();
  }

  ~ptz_fixture() override {
    caf::anon_send_exit(controller, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(device, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    drain();
  }

  ptz_telemetry observe(const ptz_observation& obs) {
    auto t = call<ptz_telemetry>(controller, obs);
    CAF_REQUIRE(t);
    return *t;
  }

  ptz_status status() {
    auto st = call<ptz_status>(controller, atom::status_v);
    CAF_REQUIRE(st);
    return *st;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(ptz_tests, ptz_fixture)

CAF_TEST(a target right of and below the centre pans right and tilts down) {
  observe(seen_at(1000, 0.8, 0.7));
  auto t = observe(seen_at(1100, 0.8, 0.7));
  CAF_REQUIRE(!log->commands.empty());
  auto last = log->commands.back();
  CAF_CHECK(last.what == kind::move);
  CAF_CHECK_GREATER(last.pan, 0);
  CAF_CHECK_LESS(last.tilt, 0);
  CAF_CHECK_EQUAL(last.timeout_ms, defaults::ptz::move_timeout_ms);
  // The telemetry is what was commanded: the tick's ptz block.
  CAF_CHECK_EQUAL(t.control_mode, "sim");
  CAF_CHECK(t.active);
  CAF_CHECK_EQUAL(t.pan, last.pan);
  auto st = status();
  CAF_CHECK(st.connected);
  CAF_CHECK(st.position.known);
  CAF_CHECK_EQUAL(st.position.tilt, -0.2);
  CAF_CHECK(st.autotrack == autotrack_state::following);
  CAF_CHECK_EQUAL(st.commands_sent, int64_t(log->commands.size()));
}

CAF_TEST(a slow device gets only the newest of the commands that waited) {
  log->hold = true;
  observe(seen_at(1000, 0.9, 0.5));
  observe(seen_at(1100, 0.9, 0.5)); // first move: in flight
  CAF_REQUIRE_EQUAL(log->commands.size(), 1u);
  observe(seen_at(1200, 0.9, 0.5));
  observe(seen_at(1300, 0.9, 0.5));
  auto newest = status().last_command;
  CAF_CHECK_EQUAL(log->commands.size(), 1u); // still waiting for the device
  caf::anon_send(device, atom::flush_v);
  drain();
  CAF_REQUIRE_EQUAL(log->commands.size(), 2u);
  CAF_CHECK_EQUAL(log->commands[1].pan, newest.pan);
  CAF_CHECK_GREATER(log->commands[1].pan, log->commands[0].pan);
}

CAF_TEST(device errors are counted and control goes on) {
  log->fail = caf::make_error(ec::source_unavailable, "no route to host");
  observe(seen_at(1000, 0.9, 0.5));
  observe(seen_at(1100, 0.9, 0.5));
  auto st = status();
  CAF_CHECK(!st.connected);
  CAF_CHECK_EQUAL(st.command_errors, 1);
  CAF_CHECK_NOT_EQUAL(st.last_error.find("no route to host"),
                      std::string::npos);
  log->fail = caf::error{};
  observe(seen_at(1200, 0.95, 0.5));
  CAF_CHECK(status().connected);
  CAF_CHECK_EQUAL(log->commands.size(), 2u);
}

CAF_TEST(switching autotracking off stops the camera and home sends it home) {
  observe(seen_at(1000, 0.9, 0.5));
  observe(seen_at(1100, 0.9, 0.5));
  auto off = call<ptz_status>(controller, atom::enable_v, false);
  CAF_REQUIRE(off);
  CAF_CHECK(!off->autotrack_enabled);
  CAF_CHECK(off->autotrack == autotrack_state::disabled);
  CAF_CHECK(log->commands.back().what == kind::stop);
  CAF_CHECK(log->commands.back().reason == ptz_reason::operator_request);
  // Disabled: frames no longer move it.
  auto sent = log->commands.size();
  observe(seen_at(1200, 0.9, 0.5));
  CAF_CHECK_EQUAL(log->commands.size(), sent);
  auto home = call<ptz_status>(controller, atom::home_v);
  CAF_REQUIRE(home);
  CAF_CHECK(log->commands.back().what == kind::home);
}

CAF_TEST(the status asks the device where it points now) {
  auto st = status();
  CAF_CHECK(st.connected);
  CAF_CHECK(st.position.known);
  CAF_CHECK_EQUAL(st.position.zoom, 0.3);
  CAF_CHECK(log->commands.empty()); // a query is no command
  CAF_CHECK_EQUAL(st.commands_sent, 0);
}

CAF_TEST(a restarted camera becomes the device) {
  auto other_log = std::make_shared<device_log>();
  auto other = sys.spawn(mock_device, other_log);
  caf::anon_send(controller, atom::replace_v,
                 caf::actor_cast<camera_actor>(other));
  drain();
  observe(seen_at(1000, 0.9, 0.5));
  observe(seen_at(1100, 0.9, 0.5));
  CAF_CHECK(log->commands.empty());
  CAF_CHECK(!other_log->commands.empty());
  caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
}

CAF_TEST(each answered device call is one audit record with result ok) {
  observe(seen_at(1000, 0.8, 0.7));
  observe(seen_at(1100, 0.8, 0.7));
  status(); // a position query: no command, no record
  CAF_REQUIRE(!log->commands.empty());
  CAF_REQUIRE_EQUAL(records->size(), log->commands.size());
  auto& r = records->back();
  CAF_CHECK_EQUAL(r.camera_id, "cam_01");
  CAF_CHECK_EQUAL(r.backend, "sim");
  CAF_CHECK(r.command.what == kind::move);
  CAF_CHECK(r.command.reason == ptz_reason::autotrack);
  CAF_CHECK_EQUAL(r.command.pan, log->commands.back().pan);
  CAF_CHECK(r.result == ptz_result::ok);
  CAF_CHECK_EQUAL(r.error, "");
  CAF_CHECK_GREATER_OR_EQUAL(r.latency_ms, 0);
  CAF_CHECK_GREATER(r.ts_unix_ms, 0);
  // An operator request is logged with its reason.
  call<ptz_status>(controller, atom::home_v);
  CAF_REQUIRE_EQUAL(records->size(), log->commands.size());
  CAF_CHECK(records->back().command.what == kind::home);
  CAF_CHECK(records->back().command.reason == ptz_reason::operator_request);
}

CAF_TEST(a device error is an audit record with result error and its text) {
  log->fail = caf::make_error(ec::source_unavailable, "no route to host");
  observe(seen_at(1000, 0.9, 0.5));
  observe(seen_at(1100, 0.9, 0.5));
  CAF_REQUIRE_EQUAL(records->size(), 1u);
  auto& r = records->front();
  CAF_CHECK(r.result == ptz_result::error);
  CAF_CHECK_NOT_EQUAL(r.error.find("no route to host"), std::string::npos);
  CAF_CHECK(r.command.what == kind::move);
}

CAF_TEST(a device that does not answer is an audit record with result timeout) {
  log->hold = true;
  observe(seen_at(1000, 0.9, 0.5));
  observe(seen_at(1100, 0.9, 0.5)); // in flight, never answered
  CAF_REQUIRE_EQUAL(log->commands.size(), 1u);
  CAF_CHECK(records->empty());
  sched.advance_time(std::chrono::seconds(2));
  drain();
  CAF_REQUIRE_EQUAL(records->size(), 1u);
  auto& r = records->front();
  CAF_CHECK(r.result == ptz_result::timeout);
  CAF_CHECK_EQUAL(r.latency_ms, 2000);
  CAF_CHECK_NOT_EQUAL(r.error.find("2000 ms"), std::string::npos);
  // Control went on: the controller counts it as a failed command.
  CAF_CHECK_EQUAL(status().command_errors, 1);
}

CAF_TEST(after a call that timed out only the newest command goes out) {
  log->hold = true;
  log->hold_queries = true;
  observe(seen_at(1000, 0.9, 0.5));
  observe(seen_at(1100, 0.9, 0.5)); // in flight; the device hangs on it
  CAF_REQUIRE_EQUAL(log->commands.size(), 1u);
  sched.advance_time(std::chrono::seconds(2));
  drain();
  CAF_REQUIRE_EQUAL(records->size(), 1u); // the timeout is on record
  // The device is still busy: new commands wait, the newest replacing
  // the older, instead of queueing behind the hung call.
  observe(seen_at(1200, 0.92, 0.5));
  observe(seen_at(1300, 0.95, 0.5));
  CAF_CHECK_EQUAL(log->commands.size(), 1u);
  caf::anon_send(device, atom::flush_v); // the hung call ends
  drain();
  CAF_REQUIRE_EQUAL(log->commands.size(), 2u);
  CAF_CHECK_GREATER(log->commands[1].pan, log->commands[0].pan);
}

CAF_TEST(without a store or with a dead one control goes on) {
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  drain();
  observe(seen_at(1000, 0.9, 0.5));
  observe(seen_at(1100, 0.9, 0.5));
  CAF_CHECK_EQUAL(log->commands.size(), 1u);
  CAF_CHECK(records->empty());
  // A restarted store gets the records from then on.
  auto other = std::make_shared<std::vector<ptz_command_record>>();
  auto restarted = sys.spawn(mock_log, other);
  caf::anon_send(controller, atom::replace_v, ptz_log_actor{restarted});
  drain();
  call<ptz_status>(controller, atom::home_v);
  CAF_REQUIRE_EQUAL(other->size(), 1u);
  CAF_CHECK(other->front().command.what == kind::home);
  caf::anon_send_exit(restarted, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
