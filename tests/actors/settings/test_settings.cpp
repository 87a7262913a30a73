// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.settings
#include "actors/settings/settings.hpp"
#include "core/settings/config_file.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>

using namespace argus;
using namespace argus::test;

namespace {

/// A REGISTRY that keeps every configuration it is told.
using configs_ptr = std::shared_ptr<std::vector<config_ptr>>;

registry_actor::behavior_type config_probe(configs_ptr told) {
  return {
      [](atom::list) { return std::vector<camera_info>{}; },
      [](atom::create, const std::string&) { return session_info{}; },
      [](atom::get, const std::string&) -> caf::result<session_actor> {
        return caf::make_error(ec::unknown_session);
      },
      [](atom::status, const std::string&) -> caf::result<session_status> {
        return caf::make_error(ec::unknown_session);
      },
      [](atom::remove, const std::string& id) { return id; },
      [](atom::ready) { return true; },
      [](atom::watch, const session_watcher_actor&) {},
      [](atom::replace, const std::string&, camera_actor) {},
      [](atom::replace, store_actor) {},
      [](atom::replace, const std::string&, ptz_actor) {},
      [=](atom::configure, const config_ptr& cfg) { told->push_back(cfg); },
      [](atom::activate, const model_spec&) { return int32_t{0}; },
      [](atom::shadow, const model_spec&, int32_t) { return int32_t{0}; },
      [](atom::shadow, atom::status) { return shadow_report{}; },
      [](atom::shadow, atom::remove) { return shadow_report{}; },
      [](atom::shadow, const shadow_report&) {},
  };
}

const char* file_text = "session: {publish_hz: 5}\n"
                        "mqtt: {password: \"${ARGUS_TEST_MQTT_PW}\"}\n"
                        "cameras: [{id: a}]\n";

struct settings_fixture : fixture {
  temp_dir dir;
  std::string path = dir.file("argus.yaml");
  configs_ptr told = std::make_shared<std::vector<config_ptr>>();
  std::vector<std::string> levels;
  settings_actor actor;

  settings_fixture() {
    ::setenv("ARGUS_TEST_MQTT_PW", "pw-from-env", 1);
    CAF_REQUIRE(write_config_file(path, file_text, 0,
                                  std::chrono::system_clock::now()));
    auto core = settings_core::from_yaml(file_text);
    CAF_REQUIRE(core);
    settings_setup setup{
        path, std::move(*core), sys.spawn(config_probe, told),
        [this](const config& c) { levels.push_back(c.log_level); }};
    actor = sys.spawn(settings, std::move(setup));
    drain();
  }

  caf::expected<settings_outcome> send(settings_op op, std::string patch = "{}",
                                       bool admin = false,
                                       bool persist = false) {
    settings_request req;
    req.op = op;
    req.patch_json = std::move(patch);
    req.admin = admin;
    req.persist = persist;
    return call<settings_outcome>(actor, req);
  }

  ~settings_fixture() override {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    drain();
  }
};

std::string read(const std::string& path) {
  auto text = read_config_file(path);
  return text ? *text : std::string();
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(settings_tests, settings_fixture)

CAF_TEST(a valid patch is applied and told to the registry) {
  auto out = send(
      settings_op::patch,
      R"({"session": {"publish_hz": 20}, "logging": {"level": "debug"}})");
  CAF_REQUIRE(out);
  CAF_CHECK(out->errors.empty());
  CAF_CHECK_EQUAL(out->applied.size(), 2u);
  CAF_CHECK(!out->persisted);
  drain();
  CAF_REQUIRE_EQUAL(told->size(), 1u);
  CAF_CHECK_EQUAL(told->back()->session.publish_hz, 20);
  CAF_CHECK_EQUAL(levels, std::vector<std::string>{"debug"});
  auto running = call<config_ptr>(actor, atom::get_v);
  CAF_REQUIRE(running);
  CAF_CHECK_EQUAL((*running)->session.publish_hz, 20);
  // Not persisted: the file is as it was.
  CAF_CHECK_EQUAL(read(path), file_text);
}

CAF_TEST(an invalid patch changes nothing and a dry run tells nobody) {
  auto bad = send(settings_op::patch,
                  R"({"session": {"publish_hz": -1, "nope": 1}})");
  CAF_REQUIRE(bad);
  CAF_CHECK_EQUAL(bad->errors.size(), 2u);
  auto dry
      = send(settings_op::validate, R"({"tracker": {"match_thresh": 0.5}})");
  CAF_REQUIRE(dry);
  CAF_CHECK(dry->errors.empty());
  CAF_CHECK_EQUAL(dry->changed,
                  std::vector<std::string>{"tracker.match_thresh"});
  drain();
  CAF_CHECK(told->empty());
  auto running = call<config_ptr>(actor, atom::get_v);
  CAF_CHECK_EQUAL((*running)->session.publish_hz, 5);
}

CAF_TEST(secrets need the admin role) {
  auto refused = send(settings_op::patch, R"({"mqtt": {"password": "new"}})");
  CAF_REQUIRE(!refused);
  CAF_CHECK_EQUAL(refused.error().code(), static_cast<uint8_t>(ec::forbidden));
  auto taken
      = send(settings_op::patch, R"({"mqtt": {"password": "new"}})", true);
  CAF_REQUIRE(taken);
  CAF_CHECK_EQUAL(taken->restart_required,
                  std::vector<std::string>{"mqtt.password"});
}

CAF_TEST(persist writes the document with its references and a backup) {
  auto out = send(settings_op::patch, R"({"session": {"publish_hz": 7}})",
                  false, true);
  CAF_REQUIRE(out);
  CAF_CHECK(out->persisted);
  CAF_CHECK_EQUAL(out->path, path);
  CAF_CHECK(!out->backup.empty());
  CAF_CHECK_EQUAL(read(out->backup), file_text);
  auto written = read(path);
  CAF_CHECK(written.find("${ARGUS_TEST_MQTT_PW}") != std::string::npos);
  CAF_CHECK(written.find("pw-from-env") == std::string::npos);
  auto again = parse_config(written);
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->session.publish_hz, 7);
  CAF_CHECK_EQUAL(again->mqtt.password, "pw-from-env");
}

CAF_TEST(reload takes an edited file and refuses a broken one) {
  CAF_REQUIRE(
      write_config_file(path, "session: {publish_hz: 3}\ncameras: [{id: a}]\n",
                        0, std::chrono::system_clock::now()));
  auto out = send(settings_op::reload);
  CAF_REQUIRE(out);
  CAF_CHECK(out->errors.empty());
  CAF_CHECK(!out->changed.empty());
  CAF_REQUIRE(write_config_file(path, "session: {publish_hz: oops}\n", 0,
                                std::chrono::system_clock::now()));
  auto broken = send(settings_op::reload);
  CAF_REQUIRE(broken);
  CAF_CHECK(!broken->errors.empty());
  auto running = call<config_ptr>(actor, atom::get_v);
  CAF_CHECK_EQUAL((*running)->session.publish_hz, 3);
}

CAF_TEST(an activated model is the running one and persist writes it) {
  model_spec spec;
  spec.name = "small";
  spec.model = "models/small.onnx";
  spec.names = "models/small.names";
  spec.input_width = 320;
  spec.input_height = 256;
  spec.layout = "yolov8";
  caf::anon_send(actor, atom::activate_v, spec);
  drain();
  auto running = call<config_ptr>(actor, atom::get_v);
  CAF_REQUIRE(running);
  CAF_CHECK_EQUAL((*running)->detector.model, "models/small.onnx");
  CAF_CHECK_EQUAL((*running)->detector.input_width, 320);
  // Already in effect: nobody is told, nothing waits for a restart.
  CAF_CHECK(told->empty());
  auto out = send(settings_op::persist);
  CAF_REQUIRE(out);
  CAF_CHECK(out->restart_required.empty());
  auto written = settings_core::from_yaml(read(path));
  CAF_REQUIRE(written);
  CAF_CHECK_EQUAL(written->running().detector.model, "models/small.onnx");
  CAF_CHECK_EQUAL(written->running().detector.input_height, 256);
}

CAF_TEST_FIXTURE_SCOPE_END()
