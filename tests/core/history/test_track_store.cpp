// SPDX-License-Identifier: Apache-2.0
#include "core/history/track_store.hpp"
#include "messages/error.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

using namespace argus;

namespace {

store_update update_with(int events, int samples, int64_t first_id = 1) {
  store_update u;
  u.session_id = "s1";
  u.camera_id = "cam";
  for (int i = 0; i < events; ++i) {
    track_event e;
    e.event = "new";
    e.camera_id = "cam";
    e.session_id = "s1";
    e.after.id = first_id + i;
    e.after.label = "drone";
    e.after.start_ts_unix_ms = 1000;
    u.events.push_back(e);
  }
  for (int i = 0; i < samples; ++i)
    u.samples.push_back({first_id, 1000 + i, {}, 0.5, 0, 0});
  return u;
}

store_config config_at(const std::string& path) {
  store_config cfg;
  cfg.path = path;
  cfg.max_pending_samples = 10;
  cfg.batch_max_samples = 5;
  return cfg;
}

} // namespace

TEST(track_store, sheds_samples_beyond_the_bound_but_never_events) {
  test::temp_dir dir;
  track_store store{config_at(dir.file("a.db")), {}};
  store.add(update_with(3, 25));
  EXPECT_TRUE(store.wants_flush());
  auto st = store.status();
  EXPECT_EQ(st.pending_events, 3);
  EXPECT_EQ(st.pending_samples, 10);
  EXPECT_EQ(st.samples_shed, 15);
  ASSERT_TRUE(store.flush(5000));
  st = store.status();
  EXPECT_EQ(st.state, store_health::ok);
  EXPECT_EQ(st.events_written, 3);
  EXPECT_EQ(st.samples_written, 10);
  EXPECT_EQ(st.pending_samples, 0);
  EXPECT_EQ(st.last_commit_unix_ms, 5000);
}

TEST(track_store, degrades_keeps_events_and_recovers) {
  test::temp_dir dir;
  // The database's folder is a plain file: opening fails, even for root.
  auto blocker = dir.file("blocked");
  std::ofstream(blocker) << "not a folder";
  track_store store{config_at(blocker + "/argus.db"), {}};
  EXPECT_FALSE(store.ensure_open());
  store.add(update_with(2, 3));
  EXPECT_FALSE(store.flush(1000));
  auto st = store.status();
  EXPECT_EQ(st.state, store_health::degraded);
  EXPECT_FALSE(st.detail.empty());
  EXPECT_EQ(st.pending_events, 2);
  // Both tries failed, and both count.
  EXPECT_EQ(st.write_errors, 2);
  // The disk "comes back".
  std::filesystem::remove(blocker);
  ASSERT_TRUE(store.flush(2000));
  st = store.status();
  EXPECT_EQ(st.state, store_health::ok);
  EXPECT_EQ(st.write_errors, 2);
  EXPECT_TRUE(st.detail.empty());
  EXPECT_EQ(st.events_written, 2);
  EXPECT_EQ(st.pending_events, 0);
}

TEST(track_store, deleted_live_tracks_stay_deleted) {
  test::temp_dir dir;
  track_store store{config_at(dir.file("a.db")), {}};
  store.add(update_with(1, 1, 9));
  ASSERT_TRUE(store.flush(1000));
  auto gone = store.remove("cam/9", 1100);
  ASSERT_TRUE(gone);
  EXPECT_TRUE(*gone);
  // Late samples and an update for it are dropped, not re-created.
  store.add(update_with(1, 2, 9));
  EXPECT_EQ(store.status().pending_events, 0);
  EXPECT_EQ(store.status().pending_samples, 0);
  auto again = store.remove("cam/9", 1200);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST(track_store, expires_per_camera_retention_in_steps) {
  test::temp_dir dir;
  auto cfg = config_at(dir.file("a.db"));
  cfg.retain_days = 1;
  cfg.expire_batch = 2;
  track_store store{cfg, {{"keep", 30.0}}};
  const int64_t day = 86'400'000;
  const int64_t now = 100 * day;
  store_update u;
  for (auto cam : {"cam", "keep"})
    for (int i = 1; i <= 3; ++i) {
      track_event e;
      e.event = "end";
      e.camera_id = cam;
      e.after.id = i;
      e.after.start_ts_unix_ms = now - 3 * day;
      e.after.end_ts_unix_ms = now - 2 * day; // older than 1 day, not 30
      u.events.push_back(e);
    }
  store.add(u);
  ASSERT_TRUE(store.flush(now));
  int steps = 0;
  while (store.expire_step(now) && steps < 10)
    ++steps;
  EXPECT_EQ(store.status().rows_expired, 3);
  track_query q;
  auto db = track_db::open_reader(cfg.path);
  ASSERT_TRUE(db);
  auto left = db->query(q);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->tracks.size(), 3u);
  for (auto& t : left->tracks)
    EXPECT_EQ(t.camera_id, "keep");
}
