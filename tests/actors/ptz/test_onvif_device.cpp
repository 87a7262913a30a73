// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.onvif_device
#include "actors/ptz/onvif_device.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/support/onvif_scripted_device.hpp"

#include <memory>

using namespace argus;
using namespace argus::test;

namespace {

using kind = ptz_command::kind;

ptz_command move(double pan) {
  ptz_command c;
  c.what = kind::move;
  c.pan = pan;
  c.timeout_ms = 1000;
  return c;
}

struct onvif_fixture : fixture {
  std::shared_ptr<scripted_device> dev = std::make_shared<scripted_device>();
  ptz_device_actor device;

  onvif_fixture() {
    onvif_config cfg;
    cfg.address = "http://127.0.0.1:18080";
    cfg.username = "admin";
    cfg.password = "secret";
    cfg.retry_min_ms = 1000;
    cfg.retry_max_ms = 8000;
    device = sys.spawn(onvif_device, "cam_09", cfg, dev->io());
    drain();
  }

  ~onvif_fixture() override {
    caf::anon_send_exit(device, caf::exit_reason::user_shutdown);
    drain();
  }

  size_t count(const std::string& op) const {
    size_t n = 0;
    for (auto& r : dev->seen)
      n += r.op == op;
    return n;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(onvif_device_tests, onvif_fixture)

CAF_TEST(the first command connects and then runs) {
  CAF_CHECK(dev->seen.empty()); // nothing before a command
  auto pose = call<ptz_pose>(device, move(0.4));
  CAF_REQUIRE(pose);
  CAF_CHECK(pose->moving);
  auto ops = dev->ops();
  CAF_REQUIRE_EQUAL(ops.size(), 6u);
  CAF_CHECK_EQUAL(ops.front(), "GetSystemDateAndTime");
  CAF_CHECK_EQUAL(ops.back(), "ContinuousMove");
  // Connected: the next command is one call.
  CAF_REQUIRE(call<ptz_pose>(device, move(0.2)));
  CAF_CHECK_EQUAL(dev->seen.size(), 7u);
}

CAF_TEST(a fault is the commands error and keeps the connection) {
  CAF_REQUIRE(call<ptz_pose>(device, move(0.4)));
  dev->faults["ContinuousMove"]
      = fault_answer("ter:InvalidArgVal", "bad speed");
  auto refused = call<ptz_pose>(device, move(0.4));
  CAF_REQUIRE(!refused);
  // Answered: the command's refusal, not the link's failure.
  CAF_CHECK_EQUAL(refused.error().code(),
                  static_cast<uint8_t>(ec::ptz_command_refused));
  CAF_CHECK(render(refused.error()).find("bad speed") != std::string::npos);
  dev->faults.clear();
  CAF_CHECK(call<ptz_pose>(device, move(0.4)));
  CAF_CHECK_EQUAL(count("GetProfiles"), 1u); // never reconnected
}

CAF_TEST(a device that goes away is retried with backoff and comes back) {
  CAF_REQUIRE(call<ptz_pose>(device, move(0.4)));
  dev->unreachable = true;
  auto lost = call<ptz_pose>(device, move(0.4));
  CAF_REQUIRE(!lost);
  CAF_CHECK(render(lost.error()).find("Connection refused")
            != std::string::npos);
  auto calls = dev->seen.size();
  // While the backoff wait runs, commands fail at once without traffic.
  auto waiting = call<ptz_pose>(device, move(0.4));
  CAF_REQUIRE(!waiting);
  CAF_CHECK(render(waiting.error()).find("next attempt in")
            != std::string::npos);
  CAF_CHECK_EQUAL(dev->seen.size(), calls);
  // The timer's attempt fails too (the device is still away) and the wait
  // grows; once the device is back the next timer reconnects by itself.
  sched.trigger_timeout();
  drain();
  CAF_CHECK_EQUAL(dev->seen.size(), calls + 1); // one refused attempt
  dev->unreachable = false;
  sched.trigger_timeout();
  drain();
  CAF_CHECK_EQUAL(count("GetProfiles"), 2u); // connected again, unasked
  CAF_CHECK(call<ptz_pose>(device, move(0.1)));
}

CAF_TEST_FIXTURE_SCOPE_END()
