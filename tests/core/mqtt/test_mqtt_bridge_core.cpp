// SPDX-License-Identifier: Apache-2.0
#include "core/config.hpp"
#include "core/mqtt/mqtt_bridge_core.hpp"
#include "gateway/mqtt_codec.hpp"
#include "messages/error.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace argus;

namespace {

const std::set<std::string> cameras{"cam1", "ptz-1"};

mqtt_command parse(const std::string& topic, const std::string& payload,
                   const std::string& prefix = "argus") {
  return parse_mqtt_command(mqtt_topics{prefix}, cameras, topic, payload);
}

text_ptr text(const char* s) {
  return std::make_shared<const std::string>(s);
}

} // namespace

TEST(mqtt_topics, are_frigate_style_under_the_prefix) {
  mqtt_topics t{"site1/argus"};
  EXPECT_EQ(t.available(), "site1/argus/available");
  EXPECT_EQ(t.events(), "site1/argus/events");
  EXPECT_EQ(t.stats(), "site1/argus/stats");
  EXPECT_EQ(t.errors(), "site1/argus/errors");
  EXPECT_EQ(t.tracks("cam1"), "site1/argus/cam1/tracks");
  EXPECT_EQ(t.ptz_state("cam1"), "site1/argus/cam1/ptz/state");
  EXPECT_EQ(t.command_reply("cam1"), "site1/argus/cam1/command/reply");
  EXPECT_EQ(t.command_filters(),
            (std::vector<std::string>{"site1/argus/+/target/set",
                                      "site1/argus/+/target/clear",
                                      "site1/argus/+/autotrack/set"}));
}

TEST(mqtt_command, target_set_takes_a_decimal_id) {
  auto c = parse("argus/cam1/target/set", "17");
  ASSERT_EQ(c.kind, mqtt_command::set_target) << c.detail;
  EXPECT_EQ(c.camera_id, "cam1");
  EXPECT_EQ(c.target_id, 17);
  auto wire = c.to_client_command();
  EXPECT_EQ(wire.kind, client_command::set_target);
  EXPECT_EQ(wire.target_id, 17);
  EXPECT_EQ(parse("argus/cam1/target/set", " 42\n").target_id, 42);
  // Negative and unknown ids are the session's to refuse, as on the
  // WebSocket (unknown_target).
  EXPECT_EQ(parse("argus/cam1/target/set", "-1").kind,
            mqtt_command::set_target);
}

TEST(mqtt_command, target_set_refuses_what_is_no_integer) {
  for (auto bad : {"", "abc", "1.5", "17x", "+3", "0x10", "{\"target_id\":1}",
                   "99999999999999999999", "007", "-01", "-"}) {
    auto c = parse("argus/cam1/target/set", bad);
    EXPECT_EQ(c.kind, mqtt_command::invalid) << bad;
    EXPECT_EQ(c.error, "target_id_must_be_int") << bad;
    EXPECT_EQ(c.camera_id, "cam1") << bad;
    EXPECT_FALSE(c.detail.empty());
  }
}

TEST(mqtt_command, target_clear_ignores_its_payload) {
  auto c = parse("argus/ptz-1/target/clear", "whatever");
  EXPECT_EQ(c.kind, mqtt_command::clear_target);
  EXPECT_EQ(c.camera_id, "ptz-1");
  EXPECT_EQ(c.to_client_command().kind, client_command::clear_target);
}

TEST(mqtt_command, autotrack_takes_on_or_off) {
  auto on = parse("argus/ptz-1/autotrack/set", "ON");
  ASSERT_EQ(on.kind, mqtt_command::autotrack);
  EXPECT_TRUE(on.enable);
  auto off = parse("argus/ptz-1/autotrack/set", "OFF\n");
  ASSERT_EQ(off.kind, mqtt_command::autotrack);
  EXPECT_FALSE(off.enable);
  for (auto bad : {"on", "true", "1", "", "ONN"}) {
    auto c = parse("argus/ptz-1/autotrack/set", bad);
    EXPECT_EQ(c.kind, mqtt_command::invalid) << bad;
    EXPECT_EQ(c.error, "invalid_argument") << bad;
  }
}

TEST(mqtt_command, unknown_topics_and_cameras_are_named) {
  auto c = parse("argus/nocam/target/set", "1");
  EXPECT_EQ(c.error, "unknown_camera");
  EXPECT_TRUE(c.camera_id.empty());
  EXPECT_NE(c.detail.find("nocam"), std::string::npos);
  EXPECT_EQ(parse("argus/cam1/zoom/set", "1").error, "unknown_command");
  EXPECT_EQ(parse("other/cam1/target/set", "1").error, "unknown_command");
  EXPECT_EQ(parse("argus/target/set", "1").error, "unknown_command");
  EXPECT_EQ(parse("argus//target/set", "1").error, "unknown_command");
  EXPECT_EQ(parse("argus/cam1/target/set", "1", "site").error,
            "unknown_command");
  EXPECT_EQ(parse("site/cam1/target/set", "1", "site").kind,
            mqtt_command::set_target);
}

TEST(mqtt_command, oversized_and_binary_payloads_are_refused_not_fatal) {
  auto big = std::string(defaults::mqtt::max_command_bytes + 1, '1');
  EXPECT_EQ(parse("argus/cam1/target/set", big).error, "payload_too_large");
  EXPECT_EQ(parse("argus/cam1/target/clear", big).error, "payload_too_large");
  auto c = parse("argus/cam1/target/set", std::string("\xff\x00\xfe", 3));
  EXPECT_EQ(c.error, "target_id_must_be_int");
  // The detail quotes the input; it must still encode as JSON.
  command_reply r;
  r.error = c.error;
  r.detail = c.detail;
  auto out = json_mqtt_codec{}.encode(r, false, false);
  EXPECT_FALSE(nlohmann::json::parse(*out, nullptr, false).is_discarded());
}

TEST(latest_ticks, keep_the_newest_and_publish_each_change_once) {
  latest_ticks t;
  EXPECT_FALSE(t.put("cam1", text("a")));
  EXPECT_TRUE(t.put("cam1", text("b"))); // "a" was never published
  EXPECT_FALSE(t.put("cam2", text("c")));
  auto out = t.take_changed();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first, "cam1");
  EXPECT_EQ(*out[0].second, "b");
  EXPECT_EQ(*out[1].second, "c");
  EXPECT_TRUE(t.take_changed().empty());
  EXPECT_FALSE(t.put("cam1", text("d")));
  EXPECT_EQ(t.take_changed().size(), 1u);
  t.mark_all_changed(); // a reconnect: every camera's latest again
  EXPECT_EQ(t.take_changed().size(), 2u);
  t.erase("cam2");
  t.mark_all_changed();
  EXPECT_EQ(t.take_changed().size(), 1u);
}

TEST(mqtt_codec, stats_ptz_state_and_replies) {
  json_mqtt_codec codec;
  mqtt_stats s;
  s.ts_unix_ms = 5;
  s.mqtt.connected = true;
  s.mqtt.published = 3;
  s.mqtt.undelivered = 2;
  session_status ss;
  ss.session_id = "s1";
  ss.camera_id = "cam1";
  s.sessions.push_back(ss);
  auto j = nlohmann::json::parse(*codec.encode(s));
  EXPECT_EQ(j["type"], "stats");
  EXPECT_EQ(j["mqtt"]["undelivered"], 2);
  EXPECT_EQ(j["mqtt"]["connected"], true);
  EXPECT_EQ(j["sessions"][0]["camera_id"], "cam1");
  ptz_status ps;
  ps.backend = "sim";
  ps.autotrack_enabled = true;
  auto p = nlohmann::json::parse(*codec.encode(ps));
  EXPECT_EQ(p["autotrack"]["enabled"], true);
  command_reply ack;
  ack.ok = true;
  ack.command = "set_target_id";
  ack.target_id = 4;
  EXPECT_EQ(*codec.encode(ack, false, false),
            R"({"command":"set_target_id","target_id":4,"type":"ack"})");
  command_reply on;
  on.ok = true;
  on.command = "autotrack";
  EXPECT_EQ(*codec.encode(on, true, true),
            R"({"command":"autotrack","enabled":true,"type":"ack"})");
}

TEST(mqtt_config, is_off_by_default_and_hides_the_password) {
  auto off = parse_config("cameras: [{id: a}]");
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->mqtt.host.empty());
  ::setenv("ARGUS_TEST_MQTT_PW", "hunter2", 1);
  auto on = parse_config("cameras: [{id: a}]\n"
                         "mqtt: {host: 127.0.0.1, port: 1884, "
                         "username: u, password: '${ARGUS_TEST_MQTT_PW}', "
                         "topic_prefix: site/argus}");
  ASSERT_TRUE(on) << error_detail(on.error());
  EXPECT_EQ(on->mqtt.password, "hunter2");
  EXPECT_EQ(on->mqtt.port, 1884);
  auto shown = config_to_json(*on).dump();
  EXPECT_EQ(shown.find("hunter2"), std::string::npos);
  EXPECT_NE(shown.find(R"("password":"***")"), std::string::npos);
  for (auto bad : {"argus/#", "/argus", "argus/", "a//b", "a+b", ""}) {
    auto cfg = parse_config(std::string("cameras: [{id: a}]\nmqtt: "
                                        "{topic_prefix: '")
                            + bad + "'}");
    ASSERT_FALSE(cfg) << bad;
    EXPECT_EQ(error_detail(cfg.error()).rfind("mqtt.topic_prefix: ", 0), 0u)
        << error_detail(cfg.error());
  }
}
