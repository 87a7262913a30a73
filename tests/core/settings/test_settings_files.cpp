// SPDX-License-Identifier: Apache-2.0
#include "core/config.hpp"
#include "core/settings/config_file.hpp"
#include "core/settings/write_rate_limiter.hpp"
#include "core/settings/yaml_json.hpp"
#include "messages/error.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <gtest/gtest.h>

using namespace argus;
using nlohmann::json;

TEST(yaml_json, plain_scalars_are_typed_and_quoted_ones_are_strings) {
  auto j = yaml_to_json("a: 1\nb: 1.5\nc: true\nd: ~\ne: \"10\"\nf: text\n"
                        "g: [1, 2]\n");
  EXPECT_EQ(j, (json{{"a", 1},
                     {"b", 1.5},
                     {"c", true},
                     {"d", nullptr},
                     {"e", "10"},
                     {"f", "text"},
                     {"g", {1, 2}}}));
}

TEST(yaml_json, json_to_yaml_reads_back_the_same) {
  json doc = {{"server", {{"listen", "127.0.0.1:80"}, {"io_threads", 2}}},
              {"odd", {"yes", "10", "a: b", "ü\"quote"}},
              {"cameras", {{{"id", "a"}, {"realtime", false}, {"fps", 12.5}}}}};
  EXPECT_EQ(yaml_to_json(json_to_yaml(doc)), doc);
}

TEST(yaml_json, the_running_config_round_trips_through_yaml) {
  auto cfg = load_config(std::string(ARGUS_SOURCE_DIR) + "/config/demo.yaml");
  ASSERT_TRUE(cfg);
  auto shown = config_to_json(*cfg);
  auto again = parse_config(json_to_yaml(shown));
  ASSERT_TRUE(again) << error_detail(again.error());
  EXPECT_EQ(config_to_json(*again), shown);
}

TEST(config_file, writes_atomically_and_keeps_the_newest_backups) {
  test::temp_dir dir;
  auto path = dir.file("argus.yaml");
  auto t0 = std::chrono::system_clock::time_point{} + std::chrono::hours(1);
  ASSERT_TRUE(write_config_file(path, "v: 0\n", 2, t0));
  for (int i = 1; i <= 3; ++i) {
    auto out = write_config_file(path, "v: " + std::to_string(i) + "\n", 2,
                                 t0 + std::chrono::seconds(i));
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->backup.empty());
  }
  EXPECT_EQ(*read_config_file(path), "v: 3\n");
  std::vector<std::string> backups;
  for (auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().extension() == ".bak")
      backups.push_back(e.path().filename().string());
  std::sort(backups.begin(), backups.end());
  ASSERT_EQ(backups.size(), 2u);
  EXPECT_EQ(*read_config_file(dir.file(backups[0])), "v: 1\n");
  EXPECT_EQ(*read_config_file(dir.file(backups[1])), "v: 2\n");
}

TEST(config_file, a_failed_write_leaves_the_file_and_says_why) {
  test::temp_dir dir;
  auto out = write_config_file(dir.file("missing/argus.yaml"), "v: 1\n", 0,
                               std::chrono::system_clock::now());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), static_cast<uint8_t>(ec::persist_failed));
  EXPECT_NE(error_detail(out.error()).find("temporary file"),
            std::string::npos);
}

TEST(write_rate_limiter, a_burst_then_retry_after_then_refill) {
  write_rate_limiter limit(3);
  EXPECT_EQ(limit.admit("a", 0), 0);
  EXPECT_EQ(limit.admit("a", 0), 0);
  EXPECT_EQ(limit.admit("a", 0), 0);
  EXPECT_EQ(limit.admit("a", 0), 20); // one write per 20 s
  EXPECT_EQ(limit.admit("b", 0), 0);  // per client
  EXPECT_EQ(limit.admit("a", 19'000), 1);
  EXPECT_EQ(limit.admit("a", 20'000), 0);
}
