// SPDX-License-Identifier: Apache-2.0
// The camera relay's pure parts: bearer tokens, viewer caps and the
// latest-frame files.
#include "core/bearer_auth.hpp"
#include "core/relay/latest_frame_store.hpp"
#include "core/relay/viewer_limits.hpp"
#include "core/video/jpeg_encoder.hpp"
#include "tests/support/temp_dir.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <sys/resource.h>
#include <thread>

using namespace argus;

TEST(bearer_auth, roles_include_the_ones_below_and_401_differs_from_403) {
  bearer_auth auth{{{"viewer-secret-123456", role::viewer},
                    {"admin-secret-1234567", role::admin}}};
  using v = bearer_auth::verdict;
  EXPECT_EQ(auth.check("", "", role::viewer), v::missing);
  EXPECT_EQ(auth.check("Bearer nope", "", role::viewer), v::invalid);
  EXPECT_EQ(auth.check("Basic dXNlcjpwYXNz", "", role::viewer), v::invalid);
  EXPECT_EQ(auth.check("Bearer viewer-secret-123456", "", role::viewer),
            v::allowed);
  role granted = role::none;
  EXPECT_EQ(
      auth.check("Bearer viewer-secret-123456", "", role::controller, &granted),
      v::forbidden);
  EXPECT_EQ(granted, role::viewer);
  EXPECT_EQ(auth.check("Bearer admin-secret-1234567", "", role::controller),
            v::allowed);
  // Browsers' WebSockets pass the token in the query instead.
  EXPECT_EQ(auth.check("", "viewer-secret-123456", role::viewer), v::allowed);
  // A prefix or an extension of a token is not the token.
  EXPECT_EQ(auth.check("Bearer viewer-secret-12345", "", role::viewer),
            v::invalid);
  EXPECT_EQ(auth.check("Bearer viewer-secret-1234567", "", role::viewer),
            v::invalid);
}

TEST(bearer_auth, no_tokens_means_open_access) {
  bearer_auth open{{}};
  EXPECT_FALSE(open.enabled());
  EXPECT_EQ(open.check("", "", role::admin), bearer_auth::verdict::allowed);
}

TEST(bearer_auth, token_lists_from_the_environment) {
  auto list = parse_token_list("viewer:abc,admin:xyz");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].granted, role::admin);
  EXPECT_EQ((*list)[1].token, "xyz");
  EXPECT_FALSE(parse_token_list("superuser:abc"));
  EXPECT_FALSE(parse_token_list("viewer"));
  EXPECT_FALSE(parse_token_list("viewer:"));
}

TEST(viewer_limits, caps_per_camera_and_in_total_and_releases_exactly) {
  auto limits = std::make_shared<viewer_limits>(2, 3);
  viewer_limits::refusal why;
  auto a1 = limits->acquire("a", why);
  auto a2 = limits->acquire("a", why);
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(limits->acquire("a", why));
  EXPECT_EQ(why.code, "too_many_viewers");
  auto b1 = limits->acquire("b", why);
  ASSERT_TRUE(b1);
  EXPECT_FALSE(limits->acquire("b", why)) << "the total cap";
  EXPECT_EQ(limits->total(), 3);
  a1.reset();
  EXPECT_EQ(limits->viewers("a"), 1);
  EXPECT_TRUE(limits->acquire("b", why));
  EXPECT_EQ(limits->refused(), 2);
}

TEST(viewer_limits, concurrent_connects_never_overshoot) {
  auto limits = std::make_shared<viewer_limits>(50, 50);
  std::vector<std::unique_ptr<viewer_limits::ticket>> held[4];
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      viewer_limits::refusal why;
      for (int i = 0; i < 40; ++i)
        if (auto slot = limits->acquire("cam", why))
          held[t].push_back(std::move(slot));
    });
  for (auto& t : threads)
    t.join();
  size_t granted = 0;
  for (auto& h : held)
    granted += h.size();
  EXPECT_EQ(granted, 50u);
  EXPECT_EQ(limits->viewers("cam"), 50);
  for (auto& h : held)
    h.clear();
  EXPECT_EQ(limits->total(), 0);
}

namespace {

relay_frame sample_frame(int64_t no) {
  cv::Mat bgr(90, 160, CV_8UC3, cv::Scalar(30, 120, 200));
  jpeg_encoder enc;
  auto jpg = enc.encode_bgr(bgr.data, bgr.cols, bgr.rows,
                            static_cast<int>(bgr.step[0]), 80);
  EXPECT_TRUE(jpg);
  relay_frame f;
  f.camera_id = "cam/01";
  f.frame_no = no;
  f.captured_unix_ms = 1700000000000 + no;
  f.width = bgr.cols;
  f.height = bgr.rows;
  f.jpeg = std::make_shared<const std::string>(*jpg);
  return f;
}

} // namespace

TEST(latest_frame_store, round_trips_and_replaces_the_previous_frame) {
  test::temp_dir dir;
  latest_frame_store store{dir.file("relay")};
  EXPECT_FALSE(store.load("cam/01"));
  ASSERT_FALSE(store.save(sample_frame(1)));
  ASSERT_FALSE(store.save(sample_frame(11)));
  auto back = store.load("cam/01");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->frame_no, 11);
  EXPECT_EQ(back->captured_unix_ms, 1700000000011);
  auto img = cv::imdecode(
      std::vector<uint8_t>(back->jpeg->begin(), back->jpeg->end()),
      cv::IMREAD_COLOR);
  EXPECT_EQ(img.cols, 160);
  EXPECT_NE(store.path_of("cam/01", ".jpg").find("cam_01.jpg"),
            std::string::npos)
      << "ids never name other folders";
}

TEST(latest_frame_store, damaged_files_are_ignored) {
  test::temp_dir dir;
  latest_frame_store store{dir.file("relay")};
  ASSERT_FALSE(store.save(sample_frame(3)));
  std::ofstream(store.path_of("cam/01", ".jpg"), std::ios::trunc) << "garbage";
  EXPECT_FALSE(store.load("cam/01"));
}

TEST(latest_frame_store, a_full_disk_is_an_error_and_keeps_the_old_frame) {
  test::temp_dir dir;
  latest_frame_store store{dir.file("relay")};
  ASSERT_FALSE(store.save(sample_frame(1)));
  // A file-size limit makes writes fail the way a full disk does.
  rlimit old{};
  getrlimit(RLIMIT_FSIZE, &old);
  rlimit tiny{64, old.rlim_max};
  signal(SIGXFSZ, SIG_IGN);
  setrlimit(RLIMIT_FSIZE, &tiny);
  auto err = store.save(sample_frame(2));
  setrlimit(RLIMIT_FSIZE, &old);
  ASSERT_TRUE(err);
  auto kept = store.load("cam/01");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->frame_no, 1);
}

TEST(jpeg_encoder, bgr_sizes_do_not_drift_over_repeated_frames) {
  cv::Mat bgr(180, 320, CV_8UC3);
  cv::randu(bgr, 0, 255);
  jpeg_encoder enc;
  auto first = enc.encode_bgr(bgr.data, bgr.cols, bgr.rows,
                              static_cast<int>(bgr.step[0]), 80);
  ASSERT_TRUE(first);
  for (int i = 0; i < 50; ++i) {
    auto again = enc.encode_bgr(bgr.data, bgr.cols, bgr.rows,
                                static_cast<int>(bgr.step[0]), 80);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->size(), first->size());
  }
}
