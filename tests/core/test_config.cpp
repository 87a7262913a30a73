// SPDX-License-Identifier: Apache-2.0
#include "core/config.hpp"
#include "messages/error.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace argus;

namespace {

std::string error_of(const std::string& yaml) {
  auto cfg = parse_config(yaml);
  if (cfg)
    return "";
  return error_detail(cfg.error());
}

} // namespace

TEST(config, the_shipped_demo_config_is_valid) {
  auto cfg = load_config(std::string(ARGUS_SOURCE_DIR) + "/config/demo.yaml");
  ASSERT_TRUE(cfg) << error_detail(cfg.error());
  ASSERT_EQ(cfg->cameras.size(), 1u);
  EXPECT_EQ(cfg->cameras[0].id, "cam_01");
  EXPECT_EQ(cfg->cameras[0].source, source_kind::synthetic);
  EXPECT_EQ(cfg->detector.names, "models/argus-sky.names");
  EXPECT_DOUBLE_EQ(cfg->session.publish_hz, 10);
}

TEST(config, defaults_fill_what_is_left_out) {
  auto cfg = parse_config("cameras: [{id: a}]");
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->server.host, "127.0.0.1");
  EXPECT_EQ(cfg->server.port, 8080);
  EXPECT_EQ(cfg->session.confirm_hits, 3);
  EXPECT_EQ(cfg->cameras[0].synthetic.width, 640);
}

TEST(config, errors_name_the_offending_key) {
  EXPECT_EQ(error_of("cameras: []"), "cameras: must be a non-empty list");
  EXPECT_NE(error_of("cameras: [{id: a, fps: -1}]").find("cameras[0].fps"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a}, {id: a}]").find("cameras[1].id"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a, source: rtsp, url: http://x}]")
                .find("cameras[0].url"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a}]\nsession: {publish_hz: fast}")
                .find("session.publish_hz"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a}]\nserver: {listen: nope}")
                .find("server.listen"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a}]\ndetector: {input_width: 100}")
                .find("detector.input_width"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a}]\ntracker: {track_low_thresh: 0.9, "
                     "track_high_thresh: 0.5}")
                .find("tracker.track_low_thresh"),
            std::string::npos);
}

TEST(config, relay_auth_and_reconnect_settings) {
  auto cfg = parse_config(
      "cameras: [{id: a, retry_factor: 3, retry_jitter: 0.1, "
      "idle_grace_ms: 250, open_timeout_ms: 2000}]\n"
      "relay: {viewer_fps: 5, max_viewers: 10, persist_every: 0}\n"
      "auth: {tokens: [{role: controller, token: 0123456789abcdef}]}");
  ASSERT_TRUE(cfg) << error_detail(cfg.error());
  EXPECT_DOUBLE_EQ(cfg->cameras[0].retry_factor, 3);
  EXPECT_EQ(cfg->cameras[0].idle_grace_ms, 250);
  EXPECT_EQ(cfg->cameras[0].open_timeout_ms, 2000);
  EXPECT_DOUBLE_EQ(cfg->relay.viewer_fps, 5);
  EXPECT_EQ(cfg->relay.max_viewers, 10);
  EXPECT_EQ(cfg->relay.max_viewers_per_camera, 100) << "default";
  ASSERT_EQ(cfg->auth.tokens.size(), 1u);
  EXPECT_EQ(cfg->auth.tokens[0].first, "controller");
  EXPECT_NE(error_of("cameras: [{id: a}]\nauth: {tokens: [{role: root, "
                     "token: 0123456789abcdef}]}")
                .find("auth.tokens[0].role"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a}]\nauth: {tokens: [{role: viewer, "
                     "token: short}]}")
                .find("auth.tokens[0].token"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a}]\nrelay: {viewer_fps: 0}")
                .find("relay.viewer_fps"),
            std::string::npos);
  EXPECT_NE(
      error_of("cameras: [{id: a, retry_min_ms: 5000, retry_max_ms: 100}]")
          .find("cameras[0].retry_max_ms"),
      std::string::npos);
}

TEST(config, unknown_keys_are_errors) {
  EXPECT_NE(error_of("cameras: [{id: a}]\nsesion: {}").find("sesion"),
            std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a, colour: red}]")
                .find("cameras[0].colour: unknown key"),
            std::string::npos);
}

TEST(config, detector_motion_settings) {
  auto cfg = parse_config("detector: {motion: {enabled: false, "
                          "still_score_factor: 0.25, work_width: 640, "
                          "diff_threshold: 12, min_area: 3, max_regions: 4}}\n"
                          "cameras: [{id: a}]");
  ASSERT_TRUE(cfg) << error_detail(cfg.error());
  auto& m = cfg->detector.motion;
  EXPECT_FALSE(m.enabled);
  EXPECT_FLOAT_EQ(m.still_score_factor, 0.25f);
  EXPECT_EQ(m.params.work_width, 640);
  EXPECT_EQ(m.params.diff_threshold, 12);
  EXPECT_EQ(m.params.min_area, 3);
  EXPECT_EQ(m.params.max_regions, 4);
  auto defaults = parse_config("cameras: [{id: a}]");
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults->detector.motion.enabled);
  EXPECT_EQ(defaults->detector.classifier, "models/argus-sky-cls.onnx");
  EXPECT_FLOAT_EQ(defaults->detector.classifier_keep_prob, 0.05f);
  EXPECT_EQ(defaults->detector.classifier_max_boxes, 8);
  EXPECT_NE(error_of("detector: {classifier_max_boxes: 0}\n"
                     "cameras: [{id: a}]")
                .find("detector.classifier_max_boxes"),
            std::string::npos);
  auto off = parse_config("detector: {classifier: \"\", classifier_keep_prob: "
                          "1}\ncameras: [{id: a}]");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->detector.classifier, "");
  EXPECT_FLOAT_EQ(off->detector.classifier_keep_prob, 1.0f);
  EXPECT_NE(error_of("detector: {classifier_keep_prob: 1.5}\n"
                     "cameras: [{id: a}]")
                .find("detector.classifier_keep_prob"),
            std::string::npos);
  EXPECT_NE(error_of("detector: {motion: {still_score_factor: 2}}\n"
                     "cameras: [{id: a}]")
                .find("detector.motion.still_score_factor"),
            std::string::npos);
  EXPECT_NE(error_of("detector: {motion: {speed: 1}}\ncameras: [{id: a}]")
                .find("detector.motion.speed: unknown key"),
            std::string::npos);
}

TEST(config, malformed_yaml_and_missing_files_are_clear_errors) {
  EXPECT_FALSE(error_of("cameras: [{id: a").empty());
  EXPECT_FALSE(error_of("").empty());
  auto missing = load_config("/nonexistent/argus.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(error_detail(missing.error()).find("/nonexistent/argus.yaml"),
            std::string::npos);
}

TEST(config, listen_parsing) {
  auto cfg = parse_config("cameras: [{id: a}]");
  ASSERT_TRUE(cfg);
  EXPECT_FALSE(apply_listen(*cfg, "0.0.0.0:9000"));
  EXPECT_EQ(cfg->server.host, "0.0.0.0");
  EXPECT_EQ(cfg->server.port, 9000);
  EXPECT_TRUE(apply_listen(*cfg, "localhost"));
  EXPECT_TRUE(apply_listen(*cfg, "1.2.3.4:99999"));
}

TEST(config, names_file_defaults_to_the_model_path_with_names) {
  EXPECT_EQ(names_for_model("models/argus-sky.onnx"), "models/argus-sky.names");
  // A dot in a folder name is not the extension.
  EXPECT_EQ(names_for_model("../v1.2/model"), "../v1.2/model.names");
  EXPECT_EQ(names_for_model("model"), "model.names");
}

TEST(config, ptz_settings_reach_the_controller_and_the_virtual_head) {
  auto cfg = parse_config(R"(cameras:
  - id: a
    ptz:
      backend: sim
      max_magnification: 8
      autotrack:
        kp: 2.5
        required_zones:
          - {name: west, points: [[0, 0], [0.5, 0], [0.5, 1]]}
      sim: {wide_fov: 0.25}
)");
  ASSERT_TRUE(cfg) << error_detail(cfg.error());
  auto& z = cfg->cameras[0].ptz;
  EXPECT_EQ(z.backend, ptz_backend::sim);
  EXPECT_EQ(z.autotrack.max_magnification, 8);
  EXPECT_EQ(z.sim.max_magnification, 8);
  // One set of gains for both axes.
  EXPECT_EQ(z.autotrack.pan.kp, 2.5);
  EXPECT_EQ(z.autotrack.tilt.kp, 2.5);
  EXPECT_EQ(z.sim.wide_fov, 0.25);
  ASSERT_EQ(z.autotrack.required_zones.size(), 1u);
  EXPECT_EQ(z.autotrack.required_zones[0].name, "west");
  EXPECT_EQ(z.autotrack.required_zones[0].vertices.size(), 3u);
  EXPECT_EQ(parse_config("cameras: [{id: b}]")->cameras[0].ptz.backend,
            ptz_backend::none);
}

TEST(config, bad_ptz_zones_and_presets_name_the_key) {
  auto zone = [](const std::string& points) {
    return error_of("cameras: [{id: a, ptz: {autotrack: {required_zones: "
                    "[{name: z, points: "
                    + points + "}]}}}]");
  };
  EXPECT_EQ(zone("[[0, 0], [1, 1]]"),
            "cameras[0].ptz.autotrack.required_zones[0].points: needs at "
            "least 3 points");
  EXPECT_EQ(zone("[[0, 0], [1, 1], [2, 0]]"),
            "cameras[0].ptz.autotrack.required_zones[0].points: points must "
            "be normalized coordinates in [0, 1]");
  EXPECT_EQ(zone("[[0, 0], [1], [1, 0]]"),
            "cameras[0].ptz.autotrack.required_zones[0].points[1]: must be a "
            "pair [x, y]");
  EXPECT_EQ(zone("[[0, 0], [a, 1], [1, 0]]"),
            "cameras[0].ptz.autotrack.required_zones[0].points[1]: must be a "
            "pair of numbers");
  EXPECT_EQ(zone("7"), "cameras[0].ptz.autotrack.required_zones[0].points: "
                       "must be a list of [x, y] points");
  EXPECT_EQ(error_of("cameras: [{id: a, ptz: {backend: sim, autotrack: "
                     "{return_preset: gate}}}]"),
            "cameras[0].ptz.autotrack.return_preset: the sim backend has no "
            "presets (leave it empty: home)");
}

TEST(config, onvif_password_comes_from_the_environment) {
  ::setenv("ARGUS_TEST_ONVIF_PW", "from-env", 1);
  auto cfg
      = parse_config("cameras: [{id: a, ptz: {backend: onvif, onvif: {address: "
                     "'http://10.0.0.5', username: admin, password: "
                     "'x${ARGUS_TEST_ONVIF_PW}y'}}}]");
  ASSERT_TRUE(cfg) << error_detail(cfg.error());
  EXPECT_EQ(cfg->cameras[0].ptz.onvif.password, "xfrom-envy");
  EXPECT_EQ(cfg->cameras[0].ptz.backend, ptz_backend::onvif);
  // Never shown.
  auto shown = config_to_json(*cfg).dump();
  EXPECT_EQ(shown.find("from-env"), std::string::npos) << shown;
  ::unsetenv("ARGUS_TEST_ONVIF_PW");
  EXPECT_NE(
      error_of("cameras: [{id: a, ptz: {backend: onvif, onvif: {address: "
               "'http://10.0.0.5', password: '${ARGUS_TEST_ONVIF_PW}'}}}]")
          .find("cameras[0].ptz.onvif.password: names environment "
                "variable 'ARGUS_TEST_ONVIF_PW', which is not set"),
      std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a, ptz: {backend: onvif, onvif: {address: "
                     "'http://10.0.0.5', password: '${NOPE'}}}]")
                .find("without its '}'"),
            std::string::npos);
  EXPECT_NE(
      error_of("cameras: [{id: a, ptz: {backend: onvif}}]")
          .find("cameras[0].ptz.onvif.address: is required with backend onvif"),
      std::string::npos);
  EXPECT_NE(error_of("cameras: [{id: a, ptz: {backend: onvif, onvif: {address: "
                     "'ftp://x'}}}]")
                .find("must be an http:// or https:// URL"),
            std::string::npos);
}

TEST(config, logging_format_is_text_or_json) {
  auto plain = parse_config("cameras: [{id: a}]");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->log_format, "text");
  auto json = parse_config("cameras: [{id: a}]\nlogging: {format: json}");
  ASSERT_TRUE(json) << error_detail(json.error());
  EXPECT_EQ(json->log_format, "json");
  EXPECT_EQ(config_to_json(*json)["logging"]["format"], "json");
  EXPECT_NE(error_of("cameras: [{id: a}]\nlogging: {format: xml}")
                .find("logging.format"),
            std::string::npos);
}
