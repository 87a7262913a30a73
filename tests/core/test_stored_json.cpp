// SPDX-License-Identifier: Apache-2.0
#include "core/stored_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace argus;

TEST(stored_json, zones_round_trip_and_garbage_reads_as_none) {
  std::vector<std::string> zones{"runway", "gate \"b\"", "ümlaut"};
  EXPECT_EQ(zones_from_json(zones_to_json(zones)), zones);
  EXPECT_TRUE(zones_from_json("not json").empty());
  EXPECT_TRUE(zones_from_json(R"({"a":1})").empty());
  EXPECT_EQ(zones_from_json(R"(["a", 3, "b"])"),
            (std::vector<std::string>{"a", "b"}));
}

TEST(stored_json, frame_meta_round_trips_and_checks_the_jpeg_size) {
  relay_frame f;
  f.camera_id = "cam_01";
  f.frame_no = 42;
  f.captured_unix_ms = 1764500000123;
  f.width = 640;
  f.height = 360;
  f.jpeg = std::make_shared<const std::string>(std::string(1000, 'x'));
  auto text = frame_meta_to_json(f);
  relay_frame back;
  ASSERT_TRUE(frame_meta_from_json(text, 1000, back));
  EXPECT_EQ(back.frame_no, 42);
  EXPECT_EQ(back.captured_unix_ms, 1764500000123);
  EXPECT_EQ(back.width, 640);
  EXPECT_EQ(back.height, 360);
  // A JPEG from another save than the record: refused.
  EXPECT_FALSE(frame_meta_from_json(text, 999, back));
  EXPECT_FALSE(frame_meta_from_json("{", 1000, back));
  EXPECT_FALSE(frame_meta_from_json("[1]", 1000, back));
}

TEST(stored_json, session_description_is_a_json_object_of_the_camera) {
  auto cfg = parse_config("cameras: [{id: cam_7, fps: 12.5}]");
  ASSERT_TRUE(cfg);
  auto j = nlohmann::json::parse(describe_session(*cfg, cfg->cameras[0]));
  EXPECT_EQ(j["camera"]["id"], "cam_7");
  EXPECT_DOUBLE_EQ(j["camera"]["fps"].get<double>(), 12.5);
  EXPECT_TRUE(j["tracker"].is_object());
}
