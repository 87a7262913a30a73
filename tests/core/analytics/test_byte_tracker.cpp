// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/byte_tracker.hpp"
#include "core/analytics/mot.hpp"
#include "tests/support/synthetic_detections.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <set>
#include <sstream>

using namespace argus;

namespace {

detection det(float x, float y, float w, float h, float conf = 0.9f,
              int32_t cls = 0) {
  return {{x, y, w, h}, conf, cls};
}

std::vector<mot_row> replay(const std::vector<std::vector<detection>>& frames,
                            tracker_params params = {}) {
  byte_tracker trk(params);
  std::vector<mot_row> out;
  for (size_t f = 0; f < frames.size(); ++f)
    for (auto& t : trk.update(frames[f]))
      out.push_back({int64_t(f + 1), t.id, t.bbox, t.conf, 1, -1});
  return out;
}

} // namespace

TEST(byte_tracker, first_frame_tracks_are_reported_at_once) {
  byte_tracker trk;
  auto out = trk.update({det(10, 10, 20, 20), det(100, 100, 20, 20)});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, 1);
  EXPECT_EQ(out[1].id, 2);
}

TEST(byte_tracker, later_births_need_a_second_hit_and_the_birth_threshold) {
  byte_tracker trk;
  trk.update({});
  EXPECT_TRUE(trk.update({det(10, 10, 20, 20)}).empty()); // unconfirmed
  auto out = trk.update({det(11, 10, 20, 20)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 1);
  byte_tracker weak;
  weak.update({});
  for (int i = 0; i < 5; ++i) // 0.38 < new_track_thresh 0.4: never born
    EXPECT_TRUE(weak.update({det(10 + i, 10, 20, 20, 0.38f)}).empty());
}

TEST(byte_tracker, low_score_detections_keep_a_track_alive) {
  byte_tracker trk;
  trk.update({det(10, 10, 40, 40)});
  for (int i = 1; i <= 5; ++i) {
    auto out = trk.update({det(10 + 2 * i, 10, 40, 40, 0.2f)});
    ASSERT_EQ(out.size(), 1u) << "frame " << i;
    EXPECT_EQ(out[0].id, 1);
  }
  // Low-score detections never start tracks on their own.
  byte_tracker fresh;
  EXPECT_TRUE(fresh.update({det(10, 10, 40, 40, 0.2f)}).empty());
}

TEST(byte_tracker, a_lost_track_is_recovered_with_its_id_within_the_buffer) {
  tracker_params p;
  p.track_buffer = 10;
  byte_tracker trk(p);
  for (int i = 0; i < 5; ++i)
    trk.update({det(100 + 4 * i, 50, 30, 30)});
  for (int i = 5; i < 9; ++i) // occluded for 4 frames
    EXPECT_TRUE(trk.update({}).empty());
  EXPECT_EQ(trk.lost_count(), 1u);
  auto out = trk.update({det(100 + 4 * 9, 50, 30, 30)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 1);
}

TEST(byte_tracker, a_track_lost_past_its_buffer_is_removed) {
  tracker_params p;
  p.track_buffer = 3;
  byte_tracker trk(p);
  trk.update({det(100, 50, 30, 30)});
  for (int i = 0; i < 5; ++i)
    trk.update({});
  EXPECT_EQ(trk.lost_count(), 0u);
  trk.update({det(100, 50, 30, 30)});
  auto out = trk.update({det(100, 50, 30, 30)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 2); // new id: never reused
}

TEST(byte_tracker, crossing_objects_keep_their_ids) {
  // Two boxes cross horizontally at constant speed; the Kalman prediction
  // carries each through the overlap.
  std::vector<std::vector<detection>> frames;
  for (int f = 0; f < 40; ++f)
    frames.push_back({det(20 + 8 * f, 100, 30, 30, 0.9f),
                      det(340 - 8 * f, 104, 30, 30, 0.85f)});
  auto rows = replay(frames);
  std::map<int64_t, std::set<int>> side; // id -> which mover it followed
  for (auto& r : rows) {
    float left = 20 + 8 * (r.frame - 1), right = 340 - 8 * (r.frame - 1);
    if (std::abs(left - right) < 40)
      continue; // overlapping: either answer is a box on both movers
    side[r.id].insert(
        std::abs(r.bbox.x - left) < std::abs(r.bbox.x - right) ? 0 : 1);
  }
  EXPECT_EQ(side.size(), 2u);
  for (auto& [id, s] : side)
    EXPECT_EQ(s.size(), 1u) << "track " << id << " switched objects";
}

TEST(byte_tracker, class_aware_matching_keeps_classes_apart) {
  tracker_params p;
  p.class_aware = true;
  byte_tracker trk(p);
  trk.update({det(10, 10, 40, 40, 0.9f, 0)});
  auto out = trk.update({det(10, 10, 40, 40, 0.9f, 1)});
  EXPECT_TRUE(out.empty()); // the bird is a new (unconfirmed) track
  out = trk.update({det(10, 10, 40, 40, 0.9f, 1)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 2);
  EXPECT_EQ(out[0].class_id, 1);
}

TEST(byte_tracker,
     class_agnostic_tracks_keep_one_id_and_report_the_voted_class) {
  byte_tracker trk; // class_aware is off by default
  // One object, called class 1 three times at 0.8 and class 0 twice at 0.9:
  // class 1 leads the vote from its first frame on (the latest call would
  // report class 0 in frames 3 and 5).
  std::vector<int32_t> calls{1, 1, 0, 1, 0};
  std::set<int64_t> ids;
  std::vector<int32_t> reported;
  for (size_t f = 0; f < calls.size(); ++f) {
    auto conf = calls[f] == 1 ? 0.8f : 0.9f;
    auto out = trk.update({det(10 + 2.0f * f, 10, 20, 20, conf, calls[f])});
    ASSERT_EQ(out.size(), 1u) << "frame " << f;
    ids.insert(out[0].id);
    reported.push_back(out[0].class_id);
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(reported, (std::vector<int32_t>(5, 1)));
}

TEST(byte_tracker, synthetic_scenes_with_crossings_and_occlusions) {
  // Seeded scenes: drones and birds on crossing paths, clouds hiding them,
  // birds flapping (their boxes change shape every frame). With the default
  // (sky) parameters the tracker must keep identities through 20 s of each
  // scene. Measured: IDF1 0.78-0.95, MOTA 0.88-0.97, 1-6 switches.
  for (uint64_t seed : {3u, 11u, 29u}) {
    synthetic_params p;
    p.seed = seed;
    auto run = test::make_synthetic_run(p, 300, uint32_t(seed));
    tracker_params params;
    params.frame_rate = p.fps;
    auto hyp = replay(run.detections, params);
    auto s = score_mot(run.truth, hyp, false);
    EXPECT_LE(s.idsw, 8) << "seed " << seed;
    EXPECT_GT(s.mota(), 0.85) << "seed " << seed;
    EXPECT_GT(s.idf1(), 0.75) << "seed " << seed;
  }
  // Drones alone (rigid sprites) are followed almost perfectly.
  synthetic_params drones_only;
  drones_only.seed = 3;
  drones_only.birds = 0;
  auto run = test::make_synthetic_run(drones_only, 300, 3);
  tracker_params params;
  params.frame_rate = drones_only.fps;
  auto s = score_mot(run.truth, replay(run.detections, params), false);
  EXPECT_GT(s.idf1(), 0.95);
  EXPECT_LE(s.idsw, 2);
}

TEST(byte_tracker, golden_replay) {
  // The tracker's exact output on a fixed input. A change here is a
  // behaviour change: regenerate with ARGUS_UPDATE_GOLDEN=1 only on purpose
  // and re-run the MOT evaluation (docs/benchmarks.md).
  synthetic_params p;
  p.seed = 5;
  p.drones = 4;
  auto run = test::make_synthetic_run(p, 150, 5);
  byte_tracker trk;
  std::ostringstream out;
  for (size_t f = 0; f < run.detections.size(); ++f)
    write_mot_tracks(out, int64_t(f + 1), trk.update(run.detections[f]));
  auto path
      = std::string(ARGUS_SOURCE_DIR) + "/fixtures/tracker/golden_seed5.txt";
  if (std::getenv("ARGUS_UPDATE_GOLDEN")) {
    std::ofstream(path) << out.str();
    GTEST_SKIP() << "golden file rewritten";
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing " << path;
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(out.str(), golden.str());
}

TEST(byte_tracker, following_the_camera_keeps_ids_through_a_fast_pan) {
  // Two small objects close together; the camera pans so fast that each
  // jumps 60 px between frames, more than its own size. Without the
  // camera's motion the tracks predict at the old place, the objects match
  // nothing and no track follows them; with it both keep their ids to the
  // last frame. Returns the ids reported in the last frame.
  auto run = [](bool follow) {
    byte_tracker trk;
    std::set<int64_t> ids;
    double pan_px = 0;
    for (int f = 0; f < 12; ++f) {
      auto x = float(300 - pan_px);
      ids.clear();
      for (auto& t :
           trk.update({det(x, 100, 12, 12), det(x + 40, 100, 12, 12)}))
        ids.insert(t.id);
      double step = f < 3 ? 0 : 60; // still for three frames, then pan
      pan_px += step;
      if (follow)
        trk.follow_camera(1.0, -step, 0);
    }
    return ids;
  };
  EXPECT_EQ(run(true), (std::set<int64_t>{1, 2}));
  EXPECT_NE(run(false), (std::set<int64_t>{1, 2}));
}

TEST(byte_tracker, following_a_zoom_scales_boxes_about_the_origin) {
  byte_tracker trk;
  trk.update({det(100, 100, 20, 20)});
  trk.update({det(100, 100, 20, 20)});
  // Zoom in 2x about the frame's top left: the object is now at 200, 40 px.
  trk.follow_camera(2.0, 0, 0);
  auto out = trk.update({det(200, 200, 40, 40)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 1);
  EXPECT_NEAR(out[0].bbox.w, 40, 2);
}

TEST(byte_tracker, following_the_camera_ignores_nonsense) {
  byte_tracker trk;
  trk.update({det(100, 100, 20, 20)});
  trk.follow_camera(0, 5, 5);
  trk.follow_camera(std::nan(""), 5, 5);
  trk.follow_camera(1, std::numeric_limits<double>::infinity(), 0);
  auto out = trk.update({det(100, 100, 20, 20)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, 1);
}
