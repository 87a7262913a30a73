// SPDX-License-Identifier: Apache-2.0
#include "core/history/track_query.hpp"
#include "messages/error.hpp"

#include <gtest/gtest.h>

using namespace argus;

TEST(track_query, parses_every_filter) {
  auto q = parse_track_query({{"camera_id", "cam_01"},
                              {"label", "drone"},
                              {"after", "1000"},
                              {"before", "2000"},
                              {"min_score", "0.5"},
                              {"in_progress", "false"},
                              {"confirmed", "true"},
                              {"limit", "10"},
                              {"cursor", "1500_7"}});
  ASSERT_TRUE(q) << error_detail(q.error());
  EXPECT_EQ(q->camera_id, "cam_01");
  EXPECT_EQ(q->after, 1000);
  EXPECT_EQ(q->before, 2000);
  EXPECT_DOUBLE_EQ(q->min_score, 0.5);
  EXPECT_EQ(q->in_progress, 0);
  EXPECT_EQ(q->confirmed, 1);
  EXPECT_EQ(q->limit, 10);
  EXPECT_EQ(q->cursor_ts, 1500);
  EXPECT_EQ(q->cursor_seq, 7);
  auto defaults = parse_track_query({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->limit, 100);
  EXPECT_EQ(defaults->in_progress, -1);
}

TEST(track_query, bad_values_name_the_parameter) {
  struct bad_case {
    std::string key, value;
  };
  std::vector<bad_case> cases{
      {"camera_id", "cam'; DROP TABLE tracks;--"},
      {"camera_id", ""},
      {"camera_id", std::string(65, 'a')},
      {"label", "drone\" OR 1=1"},
      {"after", "-1"},
      {"after", "1e3"},
      {"after", "99999999999999999999999"},
      {"before", "5000000000000"},
      {"min_score", "NaN"},
      {"min_score", "inf"},
      {"min_score", "1.5"},
      {"min_score", "0.5; DELETE"},
      {"in_progress", "yes"},
      {"confirmed", "2"},
      {"limit", "0"},
      {"limit", "1001"},
      {"limit", "10 OR 1=1"},
      {"cursor", "abc"},
      {"unknown", "1"},
  };
  for (auto& c : cases) {
    auto q = parse_track_query({{c.key, c.value}});
    ASSERT_FALSE(q) << c.key << "=" << c.value;
    EXPECT_EQ(q.error(), ec::invalid_argument);
    EXPECT_EQ(error_detail(q.error()).rfind(c.key + ":", 0), 0u)
        << error_detail(q.error());
  }
  auto twice = parse_track_query({{"limit", "1"}, {"limit", "2"}});
  ASSERT_FALSE(twice);
  auto reversed = parse_track_query({{"after", "2000"}, {"before", "1000"}});
  ASSERT_FALSE(reversed);
  EXPECT_EQ(error_detail(reversed.error()).rfind("after:", 0), 0u);
}

TEST(track_query, detail_options_and_track_ids) {
  EXPECT_EQ(*parse_track_detail({}), 10000);
  EXPECT_EQ(*parse_track_detail({{"samples", "false"}}), 0);
  EXPECT_EQ(*parse_track_detail({{"max_samples", "5"}}), 5);
  EXPECT_FALSE(parse_track_detail({{"max_samples", "0"}}));
  EXPECT_FALSE(parse_track_detail({{"samples", "maybe"}}));
  EXPECT_TRUE(valid_track_id("cam_01/17"));
  for (auto bad : {"cam_01", "/17", "cam_01/", "cam_01/0", "cam 01/1",
                   "cam_01/1x", "a/b/1"})
    EXPECT_FALSE(valid_track_id(bad)) << bad;
}
