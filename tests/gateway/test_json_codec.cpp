// SPDX-License-Identifier: Apache-2.0
#include "gateway/json_codec.hpp"
#include "gateway/router.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace argus;
using nlohmann::json;

TEST(parse_command, accepts_the_two_contract_commands) {
  auto set = parse_command(R"({"type":"set_target_id","target_id":17})");
  EXPECT_EQ(set.kind, client_command::set_target);
  EXPECT_EQ(set.target_id, 17);
  auto clear = parse_command(R"({"type":"clear_target"})");
  EXPECT_EQ(clear.kind, client_command::clear_target);
}

TEST(parse_command, rejects_bad_input_with_precise_codes) {
  struct {
    const char* text;
    const char* code;
  } cases[] = {
      {"{not json", "invalid_json"},
      {"", "invalid_json"},
      {"[1,2]", "invalid_command"},
      {"17", "invalid_command"},
      {R"({"target_id":1})", "invalid_command"},
      {R"({"type":5})", "invalid_command"},
      {R"({"type":"pan_left"})", "unknown_command"},
      {R"({"type":"set_target_id"})", "target_id_must_be_int"},
      {R"({"type":"set_target_id","target_id":"17"})", "target_id_must_be_int"},
      {R"({"type":"set_target_id","target_id":1.5})", "target_id_must_be_int"},
      {R"({"type":"set_target_id","target_id":null})", "target_id_must_be_int"},
      {R"({"type":"set_target_id","target_id":18446744073709551615})",
       "target_id_must_be_int"},
  };
  for (auto& c : cases) {
    auto cmd = parse_command(c.text);
    EXPECT_EQ(cmd.kind, client_command::invalid) << c.text;
    EXPECT_EQ(cmd.error, c.code) << c.text;
    EXPECT_FALSE(cmd.detail.empty()) << c.text;
  }
}

namespace {

metadata_tick sample_tick() {
  metadata_tick t;
  t.session_id = "s";
  t.camera_id = "cam_01";
  t.frame_w = 1280;
  t.frame_h = 720;
  t.tracks.push_back({17, "drone", 0.83, {0.42, 0.31, 0.08, 0.06}});
  t.published_unix_us = 1'700'000'000'123'456;
  return t;
}

/// The keys of a JSON object, sorted.
std::vector<std::string> keys(const json& j) {
  std::vector<std::string> out;
  for (auto& [k, v] : j.items())
    out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

using names = std::vector<std::string>;

} // namespace

TEST(json_codec, default_tick_is_exactly_the_seed_contract) {
  // Regression: strict clients validate with closed schemas, so a field
  // the contract does not name (published_unix_ms, a ptz block with
  // control_mode "none") makes them reject every tick.
  auto j = to_json(sample_tick());
  EXPECT_EQ(keys(j), (names{"camera_id", "frame_index", "frame_size", "schema",
                            "selected_target_id", "session_id", "space",
                            "tracking_phase", "tracks", "ts_mono_ms",
                            "ts_unix_ms", "type"}));
  EXPECT_FALSE(j.contains("published_unix_ms"));
  EXPECT_FALSE(j.contains("ptz"));
  EXPECT_EQ(keys(j["tracks"][0]), (names{"bbox", "conf", "id", "label"}));
  EXPECT_EQ(keys(j["tracks"][0]["bbox"]), (names{"h", "w", "x", "y"}));
  EXPECT_EQ(keys(j["frame_size"]), (names{"h", "w"}));
  auto empty_mode = sample_tick();
  empty_mode.ptz.control_mode.clear();
  EXPECT_FALSE(to_json(empty_mode).contains("ptz"));
}

TEST(json_codec, ptz_block_only_for_the_contract_control_modes) {
  for (auto mode : {"onvif", "octagon", "sim"}) {
    auto t = sample_tick();
    t.ptz = {mode, true, 0.12, -0.03, 0.44};
    auto j = to_json(t);
    ASSERT_TRUE(j.contains("ptz")) << mode;
    EXPECT_EQ(j["ptz"],
              json({{"control_mode", mode},
                    {"active", true},
                    {"cmd", {{"pan", 0.12}, {"tilt", -0.03}, {"zoom", 0.44}}}}))
        << mode;
  }
}

TEST(json_codec, timing_extension_adds_only_published_unix_ms) {
  auto plain = to_json(sample_tick());
  auto timed = to_json(sample_tick(), wire_ext::timing);
  EXPECT_DOUBLE_EQ(timed["published_unix_ms"].get<double>(),
                   1'700'000'000'123.456);
  timed.erase("published_unix_ms");
  EXPECT_EQ(timed, plain);
  json_wire_codec codec;
  EXPECT_EQ(json::parse(*codec.encode(sample_tick(), 0)), plain);
  EXPECT_TRUE(json::parse(*codec.encode(sample_tick(), wire_ext::timing))
                  .contains("published_unix_ms"));
}

TEST(json_codec, extension_names_parse_or_are_named_in_the_error) {
  wire_extensions ext = 0;
  std::string error;
  EXPECT_TRUE(parse_extensions("timing", ext, error));
  EXPECT_EQ(ext, wire_ext::timing);
  ext = 0;
  EXPECT_TRUE(parse_extensions("timing,timing", ext, error));
  EXPECT_EQ(ext, wire_ext::timing);
  for (auto bad : {"bogus", "timing,bogus", "", "timing,", "Timing"}) {
    ext = 0;
    error.clear();
    EXPECT_FALSE(parse_extensions(bad, ext, error)) << bad;
    EXPECT_NE(error.find("unknown extension"), std::string::npos) << error;
    EXPECT_NE(error.find("timing"), std::string::npos) << error;
  }
  EXPECT_FALSE(parse_extensions("bogus", ext, error));
  EXPECT_NE(error.find("'bogus'"), std::string::npos) << error;
}

TEST(json_codec, metadata_tick_follows_the_contract) {
  auto t = sample_tick();
  auto j = to_json(t);
  EXPECT_EQ(j["schema"], "drone-ptz-metadata/1");
  EXPECT_EQ(j["type"], "metadata_tick");
  EXPECT_EQ(j["space"], "source");
  EXPECT_EQ(j["frame_size"], json({{"w", 1280}, {"h", 720}}));
  EXPECT_TRUE(j["selected_target_id"].is_null());
  EXPECT_EQ(j["tracking_phase"], "idle");
  EXPECT_EQ(j["tracks"][0]["bbox"]["x"], 0.42);
  t.selected_target_id = 17;
  EXPECT_EQ(to_json(t)["selected_target_id"], 17);
}

TEST(json_codec, track_event_has_before_and_after_summaries) {
  track_event ev;
  ev.event = "end";
  ev.camera_id = "cam_01";
  ev.has_before = true;
  ev.after.id = 17;
  ev.after.end_ts_unix_ms = 99;
  auto j = to_json(ev);
  EXPECT_EQ(j["after"]["track_id"], "cam_01/17");
  EXPECT_EQ(j["after"]["end_ts_unix_ms"], 99);
  EXPECT_TRUE(j["before"].is_object());
  EXPECT_TRUE(j["before"]["end_ts_unix_ms"].is_null());
  ev.has_before = false;
  EXPECT_TRUE(to_json(ev)["before"].is_null());
  // Every summary field is one the seed's track_event example names.
  EXPECT_EQ(keys(j["after"]),
            (names{"best_bbox", "confirmed", "end_ts_unix_ms", "id", "label",
                   "start_ts_unix_ms", "top_conf", "track_id", "zones"}));
  EXPECT_EQ(keys(j), (names{"after", "before", "camera_id", "event", "schema",
                            "session_id", "ts_unix_ms", "type"}));
}

TEST(json_codec, replies_are_acks_or_errors) {
  command_reply ack{true, "set_target_id", 17, "", ""};
  EXPECT_EQ(
      to_json(ack),
      json({{"type", "ack"}, {"command", "set_target_id"}, {"target_id", 17}}));
  command_reply clear{true, "clear_target", none_id, "", ""};
  EXPECT_EQ(to_json(clear),
            json({{"type", "ack"}, {"command", "clear_target"}}));
  command_reply err{false, "", none_id, "invalid_json", "bad"};
  EXPECT_EQ(
      to_json(err),
      json({{"type", "error"}, {"error", "invalid_json"}, {"detail", "bad"}}));
  // An error about a known command still has only the contract's fields.
  command_reply unknown{false, "set_target_id", 987, "unknown_target", "gone"};
  EXPECT_EQ(to_json(unknown), json({{"type", "error"},
                                    {"error", "unknown_target"},
                                    {"detail", "gone"}}));
}

TEST(router, maps_actor_errors_to_http_statuses) {
  EXPECT_EQ(status_of(caf::make_error(ec::unknown_camera)),
            http::status::not_found);
  EXPECT_EQ(status_of(caf::make_error(ec::unknown_session)),
            http::status::not_found);
  EXPECT_EQ(status_of(caf::make_error(ec::invalid_argument)),
            http::status::bad_request);
  EXPECT_EQ(status_of(caf::make_error(ec::shutting_down)),
            http::status::service_unavailable);
  EXPECT_EQ(status_of(caf::make_error(caf::sec::request_timeout)),
            http::status::gateway_timeout);
  EXPECT_EQ(code_of(caf::make_error(ec::unknown_camera)), "unknown_camera");
  // Model management (docs/protocol.md, "Models").
  EXPECT_EQ(status_of(caf::make_error(ec::unknown_model)),
            http::status::not_found);
  EXPECT_EQ(status_of(caf::make_error(ec::model_exists)),
            http::status::conflict);
  EXPECT_EQ(status_of(caf::make_error(ec::model_active)),
            http::status::forbidden);
  EXPECT_EQ(status_of(caf::make_error(ec::model_failed)),
            http::status::service_unavailable);
  EXPECT_EQ(code_of(caf::make_error(ec::model_exists)), "model_exists");
  EXPECT_EQ(code_of(caf::make_error(ec::model_active)), "model_active");
  EXPECT_EQ(code_of(caf::make_error(ec::unknown_model)), "unknown_model");
}

TEST(json_codec, stats_extension_parses_and_encodes_the_session_counters) {
  wire_extensions ext = 0;
  std::string error;
  EXPECT_TRUE(parse_extensions("timing,stats", ext, error)) << error;
  EXPECT_EQ(ext, wire_ext::timing | wire_ext::stats);
  session_status st;
  st.session_id = "session-cam_01-x";
  st.camera_id = "cam_01";
  st.fps = 14.5;
  st.detect_p50_ms = 21.25;
  st.latency_p50_ms = 30;
  st.latency_p99_ms = 80;
  st.frames_processed = 100;
  st.frames_dropped = 3;
  st.active_tracks = 2;
  st.clients = 1;
  st.tracking_phase = "tracking";
  json_wire_codec codec;
  auto j = json::parse(*codec.encode_stats(st, 1700000000123));
  EXPECT_EQ(j, json({{"type", "stats"},
                     {"session_id", "session-cam_01-x"},
                     {"camera_id", "cam_01"},
                     {"ts_unix_ms", 1700000000123},
                     {"fps", 14.5},
                     {"detection_latency_p50_ms", 21.25},
                     {"latency_p50_ms", 30.0},
                     {"latency_p99_ms", 80.0},
                     {"frames_processed", 100},
                     {"frames_dropped", 3},
                     {"active_tracks", 2},
                     {"clients", 1},
                     {"tracking_phase", "tracking"}}));
}
