// SPDX-License-Identifier: Apache-2.0
#include "gateway/json_codec.hpp"
#include "gateway/router.hpp"
#include "messages/error.hpp"

#include <gtest/gtest.h>

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

TEST(json_codec, metadata_tick_follows_the_contract) {
  metadata_tick t;
  t.session_id = "s";
  t.camera_id = "cam_01";
  t.frame_w = 1280;
  t.frame_h = 720;
  t.tracks.push_back({17, "drone", 0.83, {0.42, 0.31, 0.08, 0.06}});
  t.published_unix_us = 1'700'000'000'123'456;
  auto j = to_json(t);
  EXPECT_DOUBLE_EQ(j["published_unix_ms"].get<double>(), 1'700'000'000'123.456);
  EXPECT_EQ(j["schema"], "drone-ptz-metadata/1");
  EXPECT_EQ(j["type"], "metadata_tick");
  EXPECT_EQ(j["space"], "source");
  EXPECT_EQ(j["frame_size"], json({{"w", 1280}, {"h", 720}}));
  EXPECT_TRUE(j["selected_target_id"].is_null());
  EXPECT_EQ(j["tracking_phase"], "idle");
  EXPECT_EQ(j["ptz"]["cmd"]["pan"], 0.0);
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
  EXPECT_EQ(to_json(err)["type"], "error");
  EXPECT_EQ(to_json(err)["error"], "invalid_json");
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
  std::string id;
  EXPECT_TRUE(match_ws_session_path("/ws/sessions/abc?x=1", id));
  EXPECT_EQ(id, "abc");
  EXPECT_FALSE(match_ws_session_path("/ws/sessions/", id));
  EXPECT_FALSE(match_ws_session_path("/ws/sessions/a/b", id));
  EXPECT_FALSE(match_ws_session_path("/sessions/a", id));
}
