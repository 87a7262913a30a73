// SPDX-License-Identifier: Apache-2.0
// Offline analysis (`argus detect`, `argus track --video`): the published
// tracks follow the live tracker, the CSV rows, and reading every frame of
// a file.
#include "core/analytics/offline_tracks.hpp"
#include "core/video/video_file.hpp"
#include "messages/error.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <unistd.h>

using namespace argus;

namespace {

detection det(float x, float y, float w, float h, float conf = 0.9f,
              int32_t cls = 0) {
  return {{x, y, w, h}, conf, cls};
}

/// A scratch file name unique to this process.
std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path()
          / ("argus-offline-" + std::to_string(getpid()) + "-" + name))
      .string();
}

} // namespace

TEST(published_tracks, follow_the_live_tracker_with_stable_ids) {
  config cfg;
  published_tracks pub{cfg, {"drone", "bird"}, 30};
  byte_tracker live{[&] {
    auto p = cfg.tracker;
    p.frame_rate = 30;
    return p;
  }()};
  for (int f = 1; f <= 20; ++f) {
    std::vector<detection> dets{det(100.0f + 3 * f, 50, 20, 16, 0.9f, 0)};
    auto expected = live.update(dets);
    auto& got = pub.step(f, dets, 640, 360);
    ASSERT_EQ(got.size(), expected.size()) << "frame " << f;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].id, expected[i].id);
      EXPECT_EQ(got[i].label, "drone");
      EXPECT_NEAR(got[i].bbox.x * 640, expected[i].bbox.x, 1e-3);
      EXPECT_NEAR(got[i].bbox.w * 640, expected[i].bbox.w, 1e-3);
    }
  }
}

TEST(published_tracks, a_one_frame_blip_is_never_published) {
  config cfg;
  published_tracks pub{cfg, {"drone"}, 30};
  for (int f = 1; f <= 5; ++f)
    pub.step(f, {det(100, 100, 20, 20)}, 640, 360);
  // A detection far from the track, once, then gone again.
  auto& with_blip
      = pub.step(6, {det(100, 100, 20, 20), det(500, 300, 20, 20)}, 640, 360);
  ASSERT_EQ(with_blip.size(), 1u);
  auto id = with_blip[0].id;
  for (int f = 7; f <= 10; ++f) {
    auto& got = pub.step(f, {det(100, 100, 20, 20)}, 640, 360);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].id, id);
  }
}

TEST(offline_csv, detection_rows_name_the_class_in_pixels) {
  std::ostringstream out;
  write_detection_rows(
      out, 7, {det(1.5f, 2.25f, 30, 40, 0.87654f, 1), det(0, 0, 1, 1, 0.5f, 9)},
      {"drone", "bird"});
  EXPECT_EQ(out.str(), "7,1.500,2.250,30.000,40.000,bird,0.8765\n"
                       "7,0.000,0.000,1.000,1.000,class_9,0.5000\n");
}

TEST(offline_csv, detection_rows_read_back_as_written) {
  std::vector<std::string> names{"drone", "bird"};
  std::ostringstream out;
  out << detection_csv_header << "\n";
  write_detection_rows(out, 7, {det(1.5f, 2.25f, 30, 40, 0.875f, 1)}, names);
  write_detection_rows(out, 9, {det(3, 4, 5, 6, 0.5f, 0)}, names);
  std::istringstream in(out.str());
  auto got = read_detection_rows(in, names);
  ASSERT_TRUE(got) << error_detail(got.error());
  ASSERT_EQ(got->size(), 2u);
  auto& d7 = got->at(7).at(0);
  EXPECT_FLOAT_EQ(d7.bbox.y, 2.25f);
  EXPECT_FLOAT_EQ(d7.bbox.h, 40.0f);
  EXPECT_FLOAT_EQ(d7.conf, 0.875f);
  EXPECT_EQ(d7.class_id, 1);
  EXPECT_EQ(got->at(9).at(0).class_id, 0);
}

TEST(offline_csv, a_malformed_detection_row_is_an_error_naming_its_line) {
  std::vector<std::string> names{"drone"};
  for (auto row :
       {"1,2,3,4,5,plane,0.5", "1,2,3,4,5,drone", "x,2,3,4,5,drone,1",
        "0,2,3,4,5,drone,0.5", "1,2,3,4,5,drone,0.5junk"}) {
    std::istringstream in(std::string(detection_csv_header) + "\n" + row);
    auto got = read_detection_rows(in, names);
    ASSERT_FALSE(got) << row;
    EXPECT_NE(error_detail(got.error()).find("line 2"), std::string::npos);
  }
  std::istringstream no_header("1,2,3,4,5,drone,0.5\n");
  EXPECT_FALSE(read_detection_rows(no_header, names));
}

TEST(offline_csv, track_rows_scale_the_published_box_back_to_pixels) {
  std::ostringstream out;
  tick_track t{42, "drone", 0.75, {0.25, 0.5, 0.1, 0.05}};
  write_track_rows(out, 3, {t}, 640, 512);
  EXPECT_EQ(out.str(), "3,42,160.000,256.000,64.000,25.600,drone,0.7500\n");
}

TEST(video_file, a_missing_file_is_an_error_naming_it) {
  auto v = video_file::open("/nonexistent/clip.mp4");
  ASSERT_FALSE(v);
  EXPECT_NE(error_detail(v.error()).find("/nonexistent/clip.mp4"),
            std::string::npos);
}

TEST(video_file, a_file_that_is_no_video_is_an_error) {
  auto path = temp_path("garbage.mp4");
  std::ofstream(path) << std::string(4096, 'x');
  auto v = video_file::open(path);
  std::remove(path.c_str());
  EXPECT_FALSE(v);
}

TEST(video_file, reads_every_frame_once_in_order) {
  auto path = temp_path("five.avi");
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10,
                      cv::Size(64, 48));
    ASSERT_TRUE(w.isOpened());
    for (int i = 0; i < 5; ++i)
      w.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar(40.0 * i, 0, 0)));
  }
  auto v = video_file::open(path);
  ASSERT_TRUE(v) << error_detail(v.error());
  EXPECT_NEAR(v->fps(), 10, 1e-6);
  cv::Mat bgr;
  int n = 0;
  while (v->next(bgr)) {
    ++n;
    EXPECT_EQ(v->frame_number(), n);
    EXPECT_EQ(bgr.type(), CV_8UC3);
    // Frame i is blue level 40 * i: order kept, none skipped or repeated.
    EXPECT_NEAR(cv::mean(bgr)[0], 40.0 * (n - 1), 4.0);
  }
  std::remove(path.c_str());
  EXPECT_EQ(n, 5);
}
