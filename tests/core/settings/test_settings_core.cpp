// SPDX-License-Identifier: Apache-2.0
#include "core/config.hpp"
#include "core/settings/settings_core.hpp"

#include <algorithm>
#include <cstdlib>
#include <gtest/gtest.h>

using namespace argus;
using nlohmann::json;

namespace {

const char* base_yaml = R"(
server: {listen: "127.0.0.1:8080"}
session: {publish_hz: 5}
mqtt: {host: broker, password: "s3cret-pass"}
cameras:
  - id: a
    source: rtsp
    url: rtsp://admin:hunter2@10.0.0.5/stream
    ptz: {backend: onvif, onvif: {address: "http://10.0.0.5", password: "${ARGUS_TEST_ONVIF_PW}"}}
  - id: b
)";

settings_core make_core() {
  ::setenv("ARGUS_TEST_ONVIF_PW", "from-env", 1);
  auto core = settings_core::from_yaml(base_yaml);
  EXPECT_TRUE(core);
  return std::move(*core);
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

} // namespace

TEST(settings_core, merge_patch_merges_objects_and_replaces_the_rest) {
  json doc = {{"a", {{"x", 1}, {"y", 2}}}, {"list", {1, 2, 3}}, {"z", 1}};
  merge_patch(doc, {{"a", {{"y", 5}}}, {"list", {9}}, {"z", nullptr}});
  EXPECT_EQ(doc, (json{{"a", {{"x", 1}, {"y", 5}}}, {"list", {9}}}));
}

TEST(settings_core, changed_paths_name_leaves_and_cameras_by_index) {
  json a = {{"session", {{"publish_hz", 5}}},
            {"cameras", {{{"id", "a"}, {"fps", 10}}, {{"id", "b"}}}}};
  json b = {{"session", {{"publish_hz", 6}}},
            {"cameras", {{{"id", "a"}, {"fps", 12}}, {{"id", "c"}}}}};
  EXPECT_EQ(changed_paths(a, b),
            (std::vector<std::string>{"cameras[0].fps", "cameras[1]",
                                      "session.publish_hz"}));
}

TEST(settings_core, the_live_table) {
  EXPECT_TRUE(applies_live("tracker.match_thresh"));
  EXPECT_TRUE(applies_live("session.publish_hz"));
  EXPECT_TRUE(applies_live("logging.level"));
  EXPECT_TRUE(applies_live("cameras[3].ptz.autotrack.kp"));
  EXPECT_FALSE(applies_live("cameras[3].ptz.autotrack.enabled"));
  EXPECT_TRUE(applies_live("cameras[0].url")); // the camera restarts
  EXPECT_TRUE(applies_live("cameras[0].fps"));
  EXPECT_FALSE(applies_live("cameras[0].ptz.backend"));
  EXPECT_FALSE(applies_live("cameras[0].retain_days"));
  EXPECT_FALSE(applies_live("cameras[1]")); // added or removed
  EXPECT_FALSE(applies_live("server.listen"));
  EXPECT_FALSE(applies_live("session.stats_window"));
}

TEST(settings_core, a_valid_patch_says_what_applies_and_what_waits) {
  auto core = make_core();
  auto p = core.propose_patch(
      {{"session", {{"publish_hz", 20}}}, {"server", {{"io_threads", 2}}}}, "");
  ASSERT_TRUE(p.valid()) << p.outcome.errors.front();
  EXPECT_EQ(p.outcome.changed, (std::vector<std::string>{
                                   "server.io_threads", "session.publish_hz"}));
  EXPECT_EQ(p.outcome.applied,
            (std::vector<std::string>{"session.publish_hz"}));
  EXPECT_EQ(p.outcome.restart_required,
            (std::vector<std::string>{"server.io_threads"}));
  core.accept(std::move(p));
  EXPECT_DOUBLE_EQ(core.running().session.publish_hz, 20);
  // Waiting for a restart is remembered until the value goes back.
  EXPECT_EQ(core.pending().restart_required,
            (std::vector<std::string>{"server.io_threads"}));
  auto back = core.propose_patch({{"io_threads", 1}}, "server");
  ASSERT_TRUE(back.valid());
  EXPECT_TRUE(back.outcome.restart_required.empty());
}

TEST(settings_core, every_invalid_key_is_listed_and_nothing_changes) {
  auto core = make_core();
  auto p = core.propose_patch(
      {{"session", {{"publish_hz", 0}, {"bogus", 1}}},
       {"cameras", {{{"id", "a"}, {"fps", 999}}, {{"id", "b"}, {"fps", "x"}}}}},
      "");
  EXPECT_FALSE(p.valid());
  auto& e = p.outcome.errors;
  EXPECT_TRUE(has(e, "session.publish_hz: must be in [0.1, 120]"));
  EXPECT_TRUE(has(e, "session.bogus: unknown key"));
  EXPECT_TRUE(has(e, "cameras[0].fps: must be in [0.1, 240]"));
  EXPECT_TRUE(has(e, "cameras[1].fps: must be a number"));
  EXPECT_EQ(e.size(), 4u);
  EXPECT_DOUBLE_EQ(core.running().session.publish_hz, 5);
}

TEST(settings_core, the_shown_document_patched_back_keeps_every_secret) {
  auto core = make_core();
  auto shown = core.view();
  EXPECT_EQ(shown["mqtt"]["password"], "***");
  EXPECT_EQ(shown["cameras"][0]["url"], "rtsp://admin:***@10.0.0.5/stream");
  EXPECT_EQ(shown["cameras"][0]["ptz"]["onvif"]["password"], "***");
  EXPECT_EQ(core.secrets_written(shown, ""), std::vector<std::string>{});
  auto p = core.propose_patch(shown, "");
  ASSERT_TRUE(p.valid()) << p.outcome.errors.front();
  EXPECT_TRUE(p.outcome.changed.empty());
  core.accept(std::move(p));
  EXPECT_EQ(core.running().mqtt.password, "s3cret-pass");
  EXPECT_EQ(core.running().cameras[0].url,
            "rtsp://admin:hunter2@10.0.0.5/stream");
  EXPECT_EQ(core.running().cameras[0].ptz.onvif.password, "from-env");
  // The file keeps the reference, not the value from the environment.
  EXPECT_EQ(core.source()["cameras"][0]["ptz"]["onvif"]["password"],
            "${ARGUS_TEST_ONVIF_PW}");
}

TEST(settings_core, a_marker_where_no_secret_was_is_refused) {
  auto core = make_core();
  auto p = core.propose_patch(
      {{"cameras",
        {{{"id", "new"}, {"source", "rtsp"}, {"url", "rtsp://u:***@h/x"}}}}},
      "");
  ASSERT_FALSE(p.valid());
  EXPECT_EQ(p.outcome.errors.front().rfind("cameras[0].url:", 0), 0u);
}

TEST(settings_core, secrets_written_names_real_secrets_only) {
  json patch = {{"mqtt", {{"password", "new-one"}}},
                {"cameras",
                 {{{"id", "a"}, {"url", "rtsp://u:p@h/x"}},
                  {{"id", "b"}, {"url", "rtsp://h/x"}}}}};
  auto core = make_core();
  EXPECT_EQ(core.secrets_written(patch, ""),
            (std::vector<std::string>{"mqtt.password", "cameras[0].url"}));
  EXPECT_EQ(
      core.secrets_written(
          {{"tokens", {{{"role", "admin"}, {"token", "0123456789abcdef"}}}}},
          "auth"),
      (std::vector<std::string>{"auth"}));
  EXPECT_TRUE(core.secrets_written({{"password", "***"}}, "mqtt").empty());
}

TEST(settings_core, a_section_patch_and_overrides) {
  auto core = settings_core::from_yaml("cameras: [{id: a}]\n",
                                       [](config& c) { c.server.port = 9999; });
  ASSERT_TRUE(core);
  EXPECT_EQ(core->running().server.port, 9999);
  auto p = core->propose_patch({{"match_thresh", 0.7}}, "tracker");
  ASSERT_TRUE(p.valid());
  // The override is not a change: only the patched key is.
  EXPECT_EQ(p.outcome.changed,
            (std::vector<std::string>{"tracker.match_thresh"}));
  EXPECT_FALSE(core->propose_patch(json::array(), "tracker").valid());
  EXPECT_TRUE(core->section("tracker").has_value());
  EXPECT_FALSE(core->section("nope").has_value());
}

TEST(settings_core, camera_source_changed_ignores_ptz_and_retention) {
  camera_config a;
  a.id = "a";
  auto b = a;
  b.retain_days = 3;
  b.ptz.autotrack.pan.kp = 9;
  EXPECT_FALSE(camera_source_changed(a, b));
  b.url = "rtsp://h/x";
  EXPECT_TRUE(camera_source_changed(a, b));
  auto c = a;
  c.synthetic.fps = 7;
  EXPECT_TRUE(camera_source_changed(a, c));
}

TEST(settings_core, an_activated_model_is_the_running_one_and_persists) {
  auto core = make_core();
  // A change that waits for a restart stays waiting.
  auto p = core.propose_patch({{"detector", {{"threads", 3}}}}, "");
  ASSERT_TRUE(p.valid());
  core.accept(std::move(p));
  model_spec spec;
  spec.name = "small";
  spec.model = "models/small.onnx";
  spec.names = "models/small.names";
  spec.input_width = 320;
  spec.input_height = 256;
  spec.layout = "yolov8";
  core.take_active_model(spec);
  auto d = core.running().detector;
  EXPECT_EQ(d.model, "models/small.onnx");
  EXPECT_EQ(d.names, "models/small.names");
  EXPECT_EQ(d.input_width, 320);
  EXPECT_EQ(d.input_height, 256);
  EXPECT_EQ(d.layout, "yolov8");
  EXPECT_EQ(core.view()["detector"]["model"], "models/small.onnx");
  // What persist writes names it too, and it does not wait for a restart.
  EXPECT_EQ(core.source()["detector"]["input_width"], 320);
  EXPECT_EQ(core.source()["detector"]["threads"], 3);
  EXPECT_EQ(core.pending().restart_required,
            (std::vector<std::string>{"detector.threads"}));
  // Setting the model back by PATCH is a change that waits for a restart.
  auto back = core.propose_patch({{"model", "models/other.onnx"}}, "detector");
  ASSERT_TRUE(back.valid());
  EXPECT_TRUE(has(back.outcome.restart_required, "detector.model"));
}
