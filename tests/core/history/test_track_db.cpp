// SPDX-License-Identifier: Apache-2.0
// The track-history database on real SQLite files.
#include "core/history/track_db.hpp"
#include "messages/error.hpp"
#include "tests/support/temp_dir.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace argus;

namespace {

track_event event(const std::string& kind, const std::string& camera,
                  int64_t id, int64_t start, int64_t end = none_id,
                  const std::string& label = "drone", double conf = 0.8,
                  const std::string& session = "s1") {
  track_event ev;
  ev.event = kind;
  ev.session_id = session;
  ev.camera_id = camera;
  ev.ts_unix_ms = end != none_id ? end : start;
  ev.after.id = id;
  ev.after.label = label;
  ev.after.top_conf = conf;
  ev.after.confirmed = true;
  ev.after.start_ts_unix_ms = start;
  ev.after.end_ts_unix_ms = end;
  ev.after.best_bbox = {0.1, 0.2, 0.05, 0.04};
  return ev;
}

track_db open_db(const std::string& path) {
  auto db = track_db::open_writer(path);
  EXPECT_TRUE(db) << error_detail(db.error());
  return std::move(*db);
}

std::vector<std::string> ids(const track_page& page) {
  std::vector<std::string> out;
  for (auto& t : page.tracks)
    out.push_back(t.track_id);
  return out;
}

} // namespace

TEST(track_db, creates_schema_with_version_and_wal) {
  test::temp_dir dir;
  auto path = dir.file("sub/argus.db"); // folders are created too
  open_db(path);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), track_db::schema_version);
  sqlite3_finalize(st);
  sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
               "wal");
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST(track_db, upserts_events_and_attaches_samples) {
  test::temp_dir dir;
  auto db = open_db(dir.file("a.db"));
  write_batch b;
  b.events.push_back(event("new", "cam", 7, 1000));
  b.samples.push_back({"cam", {7, 1100, {0.1, 0.1, 0.1, 0.1}, 0.7, 0.01, 0}});
  b.samples.push_back({"cam", {7, 2100, {0.2, 0.1, 0.1, 0.1}, 0.8, 0.1, 0}});
  b.selected.push_back("cam/7");
  ASSERT_FALSE(db.write(b));
  write_batch end;
  end.events.push_back(event("end", "cam", 7, 1000, 3000, "drone", 0.9));
  ASSERT_FALSE(db.write(end));
  auto t = db.get("cam/7", 100);
  ASSERT_TRUE(t) << error_detail(t.error());
  EXPECT_EQ(t->start_ts_unix_ms, 1000);
  EXPECT_EQ(t->end_ts_unix_ms, 3000);
  EXPECT_DOUBLE_EQ(t->top_score, 0.9);
  EXPECT_TRUE(t->selected);
  EXPECT_EQ(t->sample_count, 2);
  ASSERT_EQ(t->samples.size(), 2u);
  EXPECT_EQ(t->samples[1].ts_unix_ms, 2100);
  EXPECT_DOUBLE_EQ(t->samples[1].vx, 0.1);
  auto none = db.get("cam/8", 10);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error(), ec::unknown_track);
}

TEST(track_db, filters_and_pages_newest_first_with_a_stable_cursor) {
  test::temp_dir dir;
  auto db = open_db(dir.file("a.db"));
  write_batch b;
  for (int i = 1; i <= 10; ++i)
    b.events.push_back(event("end", i % 2 ? "a" : "b", i, 1000 * i,
                             1000 * i + 500, i <= 5 ? "drone" : "bird",
                             0.1 * i));
  b.events.push_back(event("new", "a", 11, 11000)); // still open
  ASSERT_FALSE(db.write(b));

  track_query q;
  q.limit = 4;
  auto p1 = db.query(q);
  ASSERT_TRUE(p1);
  EXPECT_EQ(ids(*p1), (std::vector<std::string>{"a/11", "b/10", "a/9", "b/8"}));
  ASSERT_FALSE(p1->next_cursor.empty());
  // A newer track arriving between pages must not shift the next page.
  write_batch later;
  later.events.push_back(event("new", "b", 12, 12000));
  ASSERT_FALSE(db.write(later));
  ASSERT_TRUE(decode_cursor(p1->next_cursor, q.cursor_ts, q.cursor_seq));
  auto p2 = db.query(q);
  ASSERT_TRUE(p2);
  EXPECT_EQ(ids(*p2), (std::vector<std::string>{"a/7", "b/6", "a/5", "b/4"}));

  track_query f;
  f.camera_id = "a";
  f.label = "drone";
  EXPECT_EQ(ids(*db.query(f)),
            (std::vector<std::string>{"a/11", "a/5", "a/3", "a/1"}));
  f = {};
  f.after = 3000;
  f.before = 6000;
  EXPECT_EQ(ids(*db.query(f)), (std::vector<std::string>{"a/5", "b/4", "a/3"}));
  f = {};
  f.min_score = 0.85;
  EXPECT_EQ(ids(*db.query(f)), (std::vector<std::string>{"b/10", "a/9"}));
  f = {};
  f.in_progress = 1;
  EXPECT_EQ(ids(*db.query(f)), (std::vector<std::string>{"b/12", "a/11"}));
  f = {};
  f.session_id = "nope";
  EXPECT_TRUE(db.query(f)->tracks.empty());
}

TEST(track_db, delete_retain_and_expiry) {
  test::temp_dir dir;
  auto db = open_db(dir.file("a.db"));
  write_batch b;
  for (int i = 1; i <= 5; ++i)
    b.events.push_back(event("end", "cam", i, 1000 * i, 1000 * i + 100));
  b.samples.push_back({"cam", {1, 1050, {}, 0.5, 0, 0}});
  ASSERT_FALSE(db.write(b));
  EXPECT_TRUE(*db.remove_track("cam/1"));
  EXPECT_FALSE(*db.remove_track("cam/1"));
  EXPECT_TRUE(*db.set_retained("cam/2", true));
  EXPECT_FALSE(*db.set_retained("cam/99", true));
  // Cutoff 4500: tracks 2 (retained), 3, 4 ended before it; batches of 1.
  EXPECT_EQ(*db.expire("cam", 4500, 1), 1);
  EXPECT_EQ(*db.expire("cam", 4500, 1), 1);
  EXPECT_EQ(*db.expire("cam", 4500, 1), 0);
  EXPECT_EQ(ids(*db.query({})), (std::vector<std::string>{"cam/5", "cam/2"}));
  // Samples went with their track (ON DELETE CASCADE).
  auto left = db.integrity_check();
  ASSERT_TRUE(left);
  EXPECT_EQ(*left, "ok");
}

TEST(track_db, closes_tracks_left_open_by_a_crash) {
  test::temp_dir dir;
  auto path = dir.file("a.db");
  {
    auto db = open_db(path);
    write_batch b;
    b.sessions.push_back({"s1", "cam", 500, none_id, "{}"});
    b.events.push_back(event("new", "cam", 4, 1000));
    b.samples.push_back({"cam", {4, 1700, {}, 0.5, 0, 0}});
    b.events.push_back(event("end", "cam", 5, 1000, 1200));
    ASSERT_FALSE(db.write(b));
  }
  auto db = open_db(path);
  auto closed = db.close_interrupted(9999);
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, 1);
  auto t = db.get("cam/4", 0);
  EXPECT_EQ(t->end_ts_unix_ms, 1700); // last time seen, not "now"
  EXPECT_TRUE(t->interrupted);
  EXPECT_FALSE(db.get("cam/5", 0)->interrupted);
  auto max = db.max_track_ids();
  ASSERT_TRUE(max);
  EXPECT_EQ(max->at("cam"), 5);
}

TEST(track_db, refuses_garbage_and_newer_schemas_with_clear_errors) {
  test::temp_dir dir;
  auto garbage = dir.file("garbage.db");
  std::ofstream(garbage) << std::string(8192, 'x');
  auto bad = track_db::open_writer(garbage);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), ec::store_unavailable);
  EXPECT_NE(error_detail(bad.error()).find("not a database"), std::string::npos)
      << error_detail(bad.error());
  auto newer = dir.file("newer.db");
  {
    sqlite3* raw = nullptr;
    sqlite3_open(newer.c_str(), &raw);
    sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
  }
  auto future = track_db::open_writer(newer);
  ASSERT_FALSE(future);
  EXPECT_NE(error_detail(future.error()).find("newer"), std::string::npos);
}

TEST(track_db, cursor_round_trip_and_rejects) {
  int64_t ts = 0, seq = 0;
  ASSERT_TRUE(decode_cursor(encode_cursor(1700000000123, 42), ts, seq));
  EXPECT_EQ(ts, 1700000000123);
  EXPECT_EQ(seq, 42);
  for (auto bad : {"", "_", "1_", "_1", "a_1", "1_1_1", "-1_2", "1;DROP_2",
                   "99999999999999999999_1"})
    EXPECT_FALSE(decode_cursor(bad, ts, seq)) << bad;
}
