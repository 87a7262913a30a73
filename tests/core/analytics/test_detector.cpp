// SPDX-License-Identifier: Apache-2.0
// The shipped model (models/argus-sky.onnx) against the synthetic scene on
// seeds the training never saw (training uses seeds 1000..1059).
#include "core/analytics/byte_tracker.hpp"
#include "core/analytics/detector.hpp"
#include "core/video/synthetic_scene.hpp"
#include "messages/error.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <opencv2/core/utility.hpp>
#include <thread>

using namespace argus;

namespace {

detector_config shipped() {
  detector_config cfg;
  cfg.model = std::string(ARGUS_SOURCE_DIR) + "/models/argus-sky.onnx";
  cfg.names = std::string(ARGUS_SOURCE_DIR) + "/models/argus-sky.names";
  return cfg;
}

} // namespace

TEST(synthetic_scene, is_a_pure_function_of_seed_and_index) {
  synthetic_params p;
  p.seed = 21;
  synthetic_scene a(p), b(p);
  cv::Mat ia, ib;
  std::vector<truth_box> ta, tb;
  a.render(37, ia, ta);
  b.render(37, ib, tb);
  ASSERT_EQ(ia.size(), cv::Size(640, 360));
  EXPECT_EQ(cv::norm(ia, ib, cv::NORM_INF), 0);
  ASSERT_EQ(ta.size(), tb.size());
  ASSERT_FALSE(ta.empty());
  for (size_t i = 0; i < ta.size(); ++i)
    EXPECT_EQ(ta[i].bbox.x, tb[i].bbox.x);
  p.seed = 22;
  synthetic_scene c(p);
  cv::Mat ic;
  std::vector<truth_box> tc;
  c.render(37, ic, tc);
  EXPECT_GT(cv::norm(ia, ic, cv::NORM_L1), 0);
}

TEST(synthetic_scene, objects_move_smoothly_and_stay_in_frame) {
  synthetic_params p;
  p.seed = 4;
  synthetic_scene s(p);
  cv::Mat img;
  std::vector<truth_box> prev, cur;
  s.render(0, img, prev);
  for (int f = 1; f < 200; ++f) {
    s.render(f, img, cur);
    for (auto& c : cur) {
      EXPECT_GE(c.bbox.x + c.bbox.w, 0);
      EXPECT_LE(c.bbox.x, p.width);
      for (auto& q : prev) {
        if (q.object_id == c.object_id) {
          EXPECT_LT(std::abs(q.bbox.x - c.bbox.x), 25) << "jump at " << f;
        }
      }
    }
    prev = cur;
  }
}

TEST(detector, missing_model_or_names_is_a_clear_error) {
  auto cfg = shipped();
  cfg.model = "/nonexistent/model.onnx";
  auto d = detector::load(cfg);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), ec::model_failed);
  EXPECT_NE(error_detail(d.error()).find("/nonexistent/model.onnx"),
            std::string::npos);
  cfg = shipped();
  cfg.names = "/nonexistent/names";
  EXPECT_FALSE(detector::load(cfg));
}

TEST(detector, shipped_model_finds_the_synthetic_drones) {
  auto d = detector::load(shipped());
  ASSERT_TRUE(d) << error_detail(d.error());
  ASSERT_EQ(d->names().size(), 4u);
  EXPECT_EQ(d->names()[0], "drone");
  EXPECT_EQ(d->names()[1], "bird");
  int drones = 0, found = 0, false_pos = 0, total_dets = 0;
  for (uint64_t seed : {7u, 123u}) {
    synthetic_params p;
    p.seed = seed;
    synthetic_scene scene(p);
    cv::Mat img;
    std::vector<truth_box> truth;
    for (int f = 0; f < 120; f += 3) {
      scene.render(f, img, truth);
      auto dets = d->detect(img);
      ASSERT_TRUE(dets);
      total_dets += int(dets->size());
      for (auto& t : truth) {
        if (t.class_id != class_drone || t.occluded > 0.3f)
          continue;
        ++drones;
        for (auto& x : *dets)
          if (x.class_id == class_drone && iou(x.bbox, t.bbox) >= 0.5) {
            ++found;
            break;
          }
      }
      for (auto& x : *dets) {
        bool hit = false;
        for (auto& t : truth)
          hit = hit || iou(x.bbox, t.bbox) >= 0.5;
        false_pos += hit ? 0 : 1;
      }
    }
  }
  ASSERT_GT(drones, 100);
  double recall = double(found) / drones;
  RecordProperty("drone_recall", std::to_string(recall));
  EXPECT_GE(recall, 0.9) << found << "/" << drones;
  EXPECT_LT(double(false_pos) / std::max(1, total_dets), 0.1);
}

TEST(detector, accepts_any_frame_size) {
  auto d = detector::load(shipped());
  ASSERT_TRUE(d);
  for (auto size :
       {cv::Size(1280, 720), cv::Size(100, 300), cv::Size(33, 17)}) {
    cv::Mat img(size, CV_8UC3, cv::Scalar(200, 160, 120));
    auto dets = d->detect(img);
    ASSERT_TRUE(dets) << size;
    for (auto& x : *dets) {
      EXPECT_GE(x.bbox.x, 0);
      EXPECT_LE(x.bbox.x + x.bbox.w, size.width + 1e-3);
    }
  }
  EXPECT_FALSE(d->detect(cv::Mat()));
}

TEST(detector, opencv_threads_are_set_once_for_the_process) {
  // OpenCV's pool is global: the first count stays, a different one later
  // is refused instead of rebuilding the pool under running detectors.
  ASSERT_TRUE(use_opencv_threads(defaults::detector::threads));
  EXPECT_TRUE(use_opencv_threads(defaults::detector::threads));
  EXPECT_FALSE(use_opencv_threads(defaults::detector::threads + 2));
  EXPECT_EQ(cv::getNumThreads(), defaults::detector::threads);
}

TEST(detector, detect_leaves_the_process_thread_count_alone) {
  // A detect that set OpenCV's thread count (as it once did, per frame)
  // rebuilt the global TBB arena while other cameras' detectors ran in
  // it, which crashed the server (black-box campaign, MALLOC_ARENA_MAX=2).
  auto d = detector::load(shipped());
  ASSERT_TRUE(d);
  int before = cv::getNumThreads();
  cv::setNumThreads(before + 1);
  cv::Mat img(256, 320, CV_8UC3, cv::Scalar(200, 160, 120));
  ASSERT_TRUE(d->detect(img));
  EXPECT_EQ(cv::getNumThreads(), before + 1);
  cv::setNumThreads(before);
}

TEST(detector, detectors_of_several_cameras_run_at_the_same_time) {
  // One detector per camera, each on its own thread, as DETECTOR actors
  // run; every frame is answered.
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int k = 0; k < 3; ++k)
    threads.emplace_back([&answered, k] {
      auto d = detector::load(shipped());
      if (!d)
        return;
      synthetic_params p;
      p.seed = 11 + uint64_t(k);
      synthetic_scene scene(p);
      cv::Mat img;
      std::vector<truth_box> truth;
      for (int f = 0; f < 20; ++f) {
        scene.render(f, img, truth);
        if (d->detect(img))
          ++answered;
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(answered.load(), 60);
}
