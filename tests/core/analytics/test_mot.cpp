// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/mot.hpp"
#include "messages/error.hpp"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace argus;

namespace {

mot_row row(int64_t frame, int64_t id, float x) {
  return {frame, id, {x, 0, 10, 10}, 1, 1, -1};
}

std::string temp_file(const std::string& text) {
  char name[] = "/tmp/argus-mot-XXXXXX";
  int fd = mkstemp(name);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

} // namespace

TEST(mot, perfect_tracks_score_one) {
  std::vector<mot_row> gt, hyp;
  for (int f = 1; f <= 10; ++f) {
    gt.push_back(row(f, 1, 0));
    gt.push_back(row(f, 2, 50));
    hyp.push_back(row(f, 7, 0));
    hyp.push_back(row(f, 8, 50));
  }
  auto s = score_mot(gt, hyp, false);
  EXPECT_EQ(s.gt, 20);
  EXPECT_EQ(s.fp + s.fn + s.idsw, 0);
  EXPECT_DOUBLE_EQ(s.mota(), 1.0);
  EXPECT_DOUBLE_EQ(s.idf1(), 1.0);
}

TEST(mot, counts_switches_misses_and_false_positives) {
  std::vector<mot_row> gt, hyp;
  for (int f = 1; f <= 10; ++f) {
    gt.push_back(row(f, 1, 0));
    hyp.push_back(row(f, f <= 5 ? 7 : 9, 0)); // switch at frame 6
  }
  hyp.push_back(row(3, 5, 200)); // false positive
  gt.push_back(row(4, 2, 400));  // missed
  auto s = score_mot(gt, hyp, false);
  EXPECT_EQ(s.idsw, 1);
  EXPECT_EQ(s.fp, 1);
  EXPECT_EQ(s.fn, 1);
  EXPECT_NEAR(s.mota(), 1.0 - 3.0 / 11.0, 1e-12);
  // Best identity mapping keeps 5 of 11 truths and 5 of 11 hypotheses.
  EXPECT_NEAR(s.idf1(), 2.0 * 5 / (2.0 * 5 + 6 + 6), 1e-12);
}

TEST(mot, mot17_rules_ignore_non_pedestrians) {
  std::vector<mot_row> gt{{1, 1, {0, 0, 10, 10}, 1, 1, 1},
                          {1, 2, {50, 0, 10, 10}, 1, 1, 7}}; // static person
  std::vector<mot_row> hyp{row(1, 1, 0), row(1, 2, 50)};
  auto s = score_mot(gt, hyp, true);
  EXPECT_EQ(s.gt, 1);
  EXPECT_EQ(s.fp, 0); // matched to a distractor: ignored, not a FP
}

TEST(mot, detection_files_round_trip_and_bad_lines_are_named) {
  auto path = temp_file("1,-1,10,20,30,40,0.9\n1,-1,1,2,3,4,0.4,-1,-1\n"
                        "3,-1,5,5,5,5,0.7\n");
  auto dets = read_mot_detections(path);
  ASSERT_TRUE(dets) << error_detail(dets.error());
  ASSERT_EQ(dets->size(), 2u);
  EXPECT_EQ(dets->at(1).size(), 2u);
  EXPECT_FLOAT_EQ(dets->at(1)[0].bbox.w, 30);
  EXPECT_FLOAT_EQ(dets->at(3)[0].conf, 0.7f);
  std::remove(path.c_str());
  auto bad = temp_file("1,-1,10,20,30,40,0.9\n2,-1,x,20,30,40,0.9\n");
  auto err = read_mot_detections(bad);
  ASSERT_FALSE(err);
  EXPECT_NE(error_detail(err.error()).find(":2:"), std::string::npos);
  std::remove(bad.c_str());
  std::ostringstream out;
  write_mot_tracks(out, 4, {{3, {1.5f, 2, 3, 4}, 0.5f, 0}});
  EXPECT_EQ(out.str(), "4,3,1.50,2.00,3.00,4.00,0.5000,-1,-1,-1\n");
}
