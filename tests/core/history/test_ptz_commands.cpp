// SPDX-License-Identifier: Apache-2.0
// The PTZ audit log without actors: its table (migration 2, also from a
// version 1 file), batched inserts, queries with filters and cursor, the
// store's shedding and retention, and the GET /ptz/commands parameters.
#include "core/defaults.hpp"
#include "core/history/track_db.hpp"
#include "core/history/track_query.hpp"
#include "core/history/track_store.hpp"
#include "messages/error.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace argus;

namespace {

using kind = ptz_command::kind;

ptz_command_record record(const std::string& camera, int64_t ts,
                          kind what = kind::move,
                          ptz_reason reason = ptz_reason::autotrack) {
  ptz_command_record r;
  r.ts_unix_ms = ts;
  r.camera_id = camera;
  r.backend = "sim";
  r.command.what = what;
  r.command.reason = reason;
  if (what == kind::move) {
    r.command.pan = 0.25;
    r.command.tilt = -0.5;
    r.command.zoom = 0.125;
    r.command.timeout_ms = 1000;
  }
  r.latency_ms = 3;
  return r;
}

caf::error write(track_db& db, std::vector<ptz_command_record> records) {
  write_batch batch;
  batch.ptz_commands = std::move(records);
  return db.write(batch);
}

track_db open_db(const std::string& path) {
  auto db = track_db::open_writer(path);
  EXPECT_TRUE(db) << error_detail(db.error());
  return std::move(*db);
}

std::vector<int64_t> times(const ptz_command_page& page) {
  std::vector<int64_t> out;
  for (auto& r : page.commands)
    out.push_back(r.ts_unix_ms);
  return out;
}

/// Runs `sql` on the file with a connection of its own.
void exec_raw(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  char* msg = nullptr;
  EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &msg), SQLITE_OK)
      << (msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(raw);
}

int64_t count_rows(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  sqlite3_close(raw);
  return n;
}

query_params
params(std::initializer_list<std::pair<const char*, const char*>> kv) {
  query_params out;
  for (auto& [k, v] : kv)
    out.emplace_back(k, v);
  return out;
}

} // namespace

TEST(ptz_commands, a_record_comes_back_as_written) {
  test::temp_dir dir;
  auto db = open_db(dir.file("a.db"));
  auto home = record("cam_01", 2000, kind::home, ptz_reason::operator_request);
  home.result = ptz_result::timeout;
  home.error = "no answer within 2000 ms";
  home.latency_ms = 2000;
  auto preset = record("cam_01", 1500, kind::preset, ptz_reason::ret);
  preset.command.preset = "gate";
  preset.result = ptz_result::error;
  preset.error = "refused";
  ASSERT_FALSE(write(db, {record("cam_01", 1000), preset, home}));
  auto page = db.ptz_commands(ptz_command_query{});
  ASSERT_TRUE(page) << error_detail(page.error());
  ASSERT_EQ(page->commands.size(), 3u);
  EXPECT_TRUE(page->next_cursor.empty());
  auto& h = page->commands[0];
  EXPECT_EQ(h.ts_unix_ms, 2000);
  EXPECT_EQ(h.camera_id, "cam_01");
  EXPECT_EQ(h.backend, "sim");
  EXPECT_TRUE(h.command.what == kind::home);
  EXPECT_TRUE(h.command.reason == ptz_reason::operator_request);
  EXPECT_TRUE(h.result == ptz_result::timeout);
  EXPECT_EQ(h.error, "no answer within 2000 ms");
  EXPECT_EQ(h.latency_ms, 2000);
  auto& p = page->commands[1];
  EXPECT_TRUE(p.command.what == kind::preset);
  EXPECT_TRUE(p.command.reason == ptz_reason::ret);
  EXPECT_EQ(p.command.preset, "gate");
  EXPECT_TRUE(p.result == ptz_result::error);
  auto& m = page->commands[2];
  EXPECT_TRUE(m.command.what == kind::move);
  EXPECT_EQ(m.command.pan, 0.25);
  EXPECT_EQ(m.command.tilt, -0.5);
  EXPECT_EQ(m.command.zoom, 0.125);
  EXPECT_EQ(m.command.timeout_ms, 1000);
  EXPECT_TRUE(m.result == ptz_result::ok);
  EXPECT_EQ(m.error, "");
  EXPECT_EQ(m.latency_ms, 3);
  EXPECT_GT(m.seq, 0);
}

TEST(ptz_commands, filters_and_pages_newest_first_with_a_stable_cursor) {
  test::temp_dir dir;
  auto db = open_db(dir.file("a.db"));
  std::vector<ptz_command_record> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(record("cam_01", 1000 + 100 * i));
    batch.push_back(record("cam_02", 1000 + 100 * i));
  }
  // Two in the same millisecond: insertion order breaks the tie.
  batch.push_back(record("cam_01", 1400, kind::stop));
  ASSERT_FALSE(write(db, batch));

  ptz_command_query q;
  q.camera_id = "cam_01";
  q.limit = 2;
  auto first = db.ptz_commands(q);
  ASSERT_TRUE(first);
  EXPECT_EQ(times(*first), (std::vector<int64_t>{1400, 1400}));
  EXPECT_TRUE(first->commands[0].command.what == kind::stop);
  ASSERT_FALSE(first->next_cursor.empty());
  // New records newer than the first page do not shift the next one.
  ASSERT_FALSE(write(db, {record("cam_01", 5000)}));
  ASSERT_TRUE(decode_cursor(first->next_cursor, q.cursor_ts, q.cursor_seq));
  auto second = db.ptz_commands(q);
  ASSERT_TRUE(second);
  EXPECT_EQ(times(*second), (std::vector<int64_t>{1300, 1200}));
  ASSERT_TRUE(decode_cursor(second->next_cursor, q.cursor_ts, q.cursor_seq));
  auto last = db.ptz_commands(q);
  ASSERT_TRUE(last);
  EXPECT_EQ(times(*last), (std::vector<int64_t>{1100, 1000}));
  EXPECT_TRUE(last->next_cursor.empty());
  for (auto* page : {&*first, &*second, &*last})
    for (auto& r : page->commands)
      EXPECT_EQ(r.camera_id, "cam_01");

  ptz_command_query window;
  window.after = 1100;
  window.before = 1300;
  auto in_window = db.ptz_commands(window);
  ASSERT_TRUE(in_window);
  EXPECT_EQ(times(*in_window), (std::vector<int64_t>{1200, 1200, 1100, 1100}));
}

TEST(ptz_commands, migrates_a_version_1_file_and_keeps_its_tracks) {
  test::temp_dir dir;
  auto path = dir.file("v1.db");
  {
    // A version 1 file: version 2's tables with version 1's placeholder.
    auto db = open_db(path);
    write_batch batch;
    track_event ev;
    ev.event = "new";
    ev.session_id = "s1";
    ev.camera_id = "cam_01";
    ev.after.id = 1;
    ev.after.label = "drone";
    ev.after.start_ts_unix_ms = 1000;
    batch.events.push_back(ev);
    ASSERT_FALSE(db.write(batch));
  }
  exec_raw(path, "DROP TABLE ptz_commands;"
                 "CREATE TABLE ptz_commands (seq INTEGER PRIMARY KEY,"
                 " ts INTEGER NOT NULL, camera_id TEXT NOT NULL,"
                 " command TEXT NOT NULL, arguments TEXT NOT NULL DEFAULT"
                 " '{}', result TEXT NOT NULL);"
                 "CREATE INDEX ptz_by_camera ON ptz_commands (camera_id, ts);"
                 "PRAGMA user_version = 1;");
  ASSERT_EQ(count_rows(path, "PRAGMA user_version"), 1);
  {
    auto db = open_db(path);
    ASSERT_FALSE(write(db, {record("cam_01", 2000)}));
    auto page = db.ptz_commands(ptz_command_query{});
    ASSERT_TRUE(page);
    ASSERT_EQ(page->commands.size(), 1u);
    EXPECT_EQ(page->commands[0].latency_ms, 3);
    EXPECT_TRUE(db.get("cam_01/1", 0)); // the track survived
  }
  EXPECT_EQ(count_rows(path, "PRAGMA user_version"), track_db::schema_version);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM sqlite_master WHERE"
                             " type = 'index' AND tbl_name = 'ptz_commands'"),
            2);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM sqlite_master WHERE"
                             " name = 'ptz_by_camera'"),
            0);
}

TEST(ptz_commands, the_store_batches_and_expires_them) {
  test::temp_dir dir;
  store_config cfg;
  cfg.path = dir.file("a.db");
  cfg.ptz_commands_retain_days = 1;
  cfg.expire_batch = 2;
  track_store store{cfg, {}};
  const int64_t day = 86'400'000;
  const int64_t now = 100 * day;
  for (int i = 0; i < 5; ++i)
    store.add(record("cam_01", now - 2 * day + i)); // older than a day
  store.add(record("cam_01", now - day / 2));
  ASSERT_TRUE(store.flush(now));
  EXPECT_EQ(store.status().ptz_commands_written, 6);
  int steps = 0;
  while (store.expire_step(now) && steps < 10)
    ++steps;
  EXPECT_EQ(steps, 2); // two full batches, then the last (partial) one
  EXPECT_EQ(store.status().ptz_commands_expired, 5);
  auto db = track_db::open_reader(cfg.path);
  ASSERT_TRUE(db);
  auto left = db->ptz_commands(ptz_command_query{});
  ASSERT_TRUE(left);
  EXPECT_EQ(times(*left), (std::vector<int64_t>{now - day / 2}));
}

TEST(ptz_commands, a_failing_disk_sheds_beyond_the_bound_and_never_blocks) {
  test::temp_dir dir;
  auto blocker = dir.file("blocked");
  std::ofstream(blocker) << "not a folder";
  store_config cfg;
  cfg.path = blocker + "/argus.db";
  track_store store{cfg, {}};
  const size_t bound = defaults::store::max_pending_ptz_commands;
  for (size_t i = 0; i < bound + 7; ++i)
    store.add(record("cam_01", 1000 + static_cast<int64_t>(i)));
  EXPECT_FALSE(store.flush(2000));
  EXPECT_EQ(store.status().ptz_commands_shed, 7);
  std::filesystem::remove(blocker);
  ASSERT_TRUE(store.flush(3000));
  EXPECT_EQ(store.status().ptz_commands_written, static_cast<int64_t>(bound));
}

TEST(ptz_commands, query_parameters_follow_the_tracks_rules) {
  auto q = parse_ptz_command_query(params({{"camera_id", "cam_01"},
                                           {"after", "1000"},
                                           {"before", "2000"},
                                           {"limit", "1000"}}));
  ASSERT_TRUE(q) << error_detail(q.error());
  EXPECT_EQ(q->camera_id, "cam_01");
  EXPECT_EQ(q->after, 1000);
  EXPECT_EQ(q->before, 2000);
  EXPECT_EQ(q->limit, 1000);
  EXPECT_EQ(q->cursor_seq, none_id);
  auto defaults = parse_ptz_command_query({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->limit, 100);
  EXPECT_EQ(defaults->after, none_id);
  auto with_cursor = parse_ptz_command_query(params({{"cursor", "1500_42"}}));
  ASSERT_TRUE(with_cursor);
  EXPECT_EQ(with_cursor->cursor_ts, 1500);
  EXPECT_EQ(with_cursor->cursor_seq, 42);
  struct bad_case {
    query_params in;
    std::string detail_starts;
  };
  std::vector<bad_case> bad{
      {params({{"limit", "0"}}), "limit:"},
      {params({{"limit", "1001"}}), "limit:"},
      {params({{"after", "-1"}}), "after:"},
      {params({{"before", "soon"}}), "before:"},
      {params({{"after", "2000"}, {"before", "1000"}}), "after:"},
      {params({{"cursor", "abc"}}), "cursor:"},
      {params({{"camera_id", "cam 01"}}), "camera_id:"},
      {params({{"label", "drone"}}), "label:"}, // a track filter only
      {params({{"limit", "5"}, {"limit", "6"}}), "limit:"},
  };
  for (auto& c : bad) {
    auto r = parse_ptz_command_query(c.in);
    ASSERT_FALSE(r) << c.detail_starts;
    EXPECT_EQ(r.error(), ec::invalid_argument);
    EXPECT_EQ(error_detail(r.error()).rfind(c.detail_starts, 0), 0u)
        << error_detail(r.error());
  }
}
