// SPDX-License-Identifier: Apache-2.0
#include "core/history/track_db.hpp"

#include "core/stored_json.hpp"
#include "core/text.hpp"
#include "messages/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>

namespace argus {

namespace {

// One step per schema version: a later version appends a step and bumps
// track_db::schema_version; existing files run only the steps they lack.
const char* const migrations[] = {
    // Version 1: sessions, tracks, samples, a placeholder PTZ table.
    R"sql(
CREATE TABLE sessions (
  session_id   TEXT PRIMARY KEY,
  camera_id    TEXT NOT NULL,
  start_ts     INTEGER NOT NULL,
  end_ts       INTEGER,
  config       TEXT NOT NULL DEFAULT '{}',
  interrupted  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE tracks (
  seq          INTEGER PRIMARY KEY,
  track_id     TEXT NOT NULL UNIQUE,
  session_id   TEXT NOT NULL,
  camera_id    TEXT NOT NULL,
  label        TEXT NOT NULL,
  start_ts     INTEGER NOT NULL,
  end_ts       INTEGER,
  last_seen_ts INTEGER NOT NULL,
  top_score    REAL NOT NULL,
  best_x REAL NOT NULL, best_y REAL NOT NULL,
  best_w REAL NOT NULL, best_h REAL NOT NULL,
  confirmed    INTEGER NOT NULL,
  selected     INTEGER NOT NULL DEFAULT 0,
  zones        TEXT NOT NULL DEFAULT '[]',
  sample_count INTEGER NOT NULL DEFAULT 0,
  retain       INTEGER NOT NULL DEFAULT 0,
  interrupted  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tracks_by_start   ON tracks (start_ts DESC, seq DESC);
CREATE INDEX tracks_by_camera  ON tracks (camera_id, start_ts DESC, seq DESC);
CREATE INDEX tracks_by_label   ON tracks (label, start_ts DESC, seq DESC);
CREATE INDEX tracks_by_session ON tracks (session_id, start_ts DESC, seq DESC);
CREATE INDEX tracks_by_score   ON tracks (top_score);
CREATE INDEX tracks_unconfirmed ON tracks (start_ts DESC, seq DESC)
  WHERE confirmed = 0;
CREATE INDEX tracks_open ON tracks (start_ts DESC, seq DESC)
  WHERE end_ts IS NULL;
CREATE INDEX tracks_expiry ON tracks (camera_id, end_ts) WHERE retain = 0;
CREATE TABLE track_samples (
  track_seq INTEGER NOT NULL REFERENCES tracks (seq) ON DELETE CASCADE,
  ts   INTEGER NOT NULL,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
  conf REAL NOT NULL,
  vx REAL NOT NULL, vy REAL NOT NULL
);
CREATE INDEX samples_by_track ON track_samples (track_seq, ts);
CREATE TABLE ptz_commands (
  seq       INTEGER PRIMARY KEY,
  ts        INTEGER NOT NULL,
  camera_id TEXT NOT NULL,
  command   TEXT NOT NULL,
  arguments TEXT NOT NULL DEFAULT '{}',
  result    TEXT NOT NULL
);
CREATE INDEX ptz_by_camera ON ptz_commands (camera_id, ts);
)sql",
    // Version 2: the PTZ audit log. Nothing ever wrote version 1's
    // placeholder table, so it is replaced, not converted.
    R"sql(
DROP TABLE ptz_commands;
CREATE TABLE ptz_commands (
  seq        INTEGER PRIMARY KEY,
  ts         INTEGER NOT NULL,
  camera_id  TEXT NOT NULL,
  backend    TEXT NOT NULL,
  kind       TEXT NOT NULL,
  pan REAL NOT NULL, tilt REAL NOT NULL, zoom REAL NOT NULL,
  preset     TEXT NOT NULL DEFAULT '',
  reason     TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL,
  result     TEXT NOT NULL,
  error      TEXT NOT NULL DEFAULT '',
  latency_ms INTEGER NOT NULL
);
CREATE INDEX ptz_commands_by_ts ON ptz_commands (ts DESC, seq DESC);
CREATE INDEX ptz_commands_by_camera
  ON ptz_commands (camera_id, ts DESC, seq DESC);
)sql",
};

constexpr int migration_count = sizeof(migrations) / sizeof(migrations[0]);
static_assert(migration_count == track_db::schema_version);

caf::error apply_pragmas(sqlite_db& db, bool writer) {
  // WAL: readers never block the writer; synchronous=NORMAL is durable
  // against process crashes (only an OS crash may lose the last commits).
  std::string sql = "PRAGMA busy_timeout = 2000; PRAGMA foreign_keys = ON;";
  // journal_size_limit 0 truncates the WAL after each checkpoint, so a full
  // disk shows at the next commit instead of hiding in reused WAL space.
  if (writer)
    sql += "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
           "PRAGMA journal_size_limit = 0;";
  return db.exec(sql);
}

const char* const track_columns
    = "seq, track_id, session_id, camera_id, label, start_ts, end_ts, "
      "top_score, best_x, best_y, best_w, best_h, confirmed, selected, "
      "retain, interrupted, zones, sample_count";

stored_track read_track(const sqlite_stmt& s) {
  stored_track t;
  t.seq = s.column_int(0);
  t.track_id = s.column_text(1);
  t.session_id = s.column_text(2);
  t.camera_id = s.column_text(3);
  t.label = s.column_text(4);
  t.start_ts_unix_ms = s.column_int(5);
  t.end_ts_unix_ms = s.column_optional(6);
  t.top_score = s.column_double(7);
  t.best_bbox = {s.column_double(8), s.column_double(9), s.column_double(10),
                 s.column_double(11)};
  t.confirmed = s.column_int(12) != 0;
  t.selected = s.column_int(13) != 0;
  t.retained = s.column_int(14) != 0;
  t.interrupted = s.column_int(15) != 0;
  t.zones = zones_from_json(s.column_text(16));
  t.sample_count = s.column_int(17);
  return t;
}

const char* const ptz_command_columns
    = "seq, ts, camera_id, backend, kind, pan, tilt, zoom, preset, reason, "
      "timeout_ms, result, error, latency_ms";

/// The value of `Enum` (0 .. last) whose to_string is `name`; the first
/// value for a name this build does not know.
template <class Enum> Enum enum_named(const std::string& name, Enum last) {
  for (int i = 0; i <= static_cast<int>(last); ++i)
    if (to_string(static_cast<Enum>(i)) == name)
      return static_cast<Enum>(i);
  return Enum{};
}

ptz_command_record read_ptz_command(const sqlite_stmt& s) {
  ptz_command_record r;
  r.seq = s.column_int(0);
  r.ts_unix_ms = s.column_int(1);
  r.camera_id = s.column_text(2);
  r.backend = s.column_text(3);
  auto& c = r.command;
  c.what = enum_named(s.column_text(4), ptz_command::kind::preset);
  c.pan = s.column_double(5);
  c.tilt = s.column_double(6);
  c.zoom = s.column_double(7);
  c.preset = s.column_text(8);
  c.reason = enum_named(s.column_text(9), ptz_reason::operator_request);
  c.timeout_ms = s.column_int(10);
  r.result = enum_named(s.column_text(11), ptz_result::timeout);
  r.error = s.column_text(12);
  r.latency_ms = s.column_int(13);
  return r;
}

/// Steps a page query that asked for `limit` + 1 rows into `rows`; when
/// the extra row came, drops it and returns the cursor after the last row
/// kept ("" on the last page). `key` gives a row's (ts, seq).
template <class T, class Read, class Key>
caf::expected<std::string> read_page(sqlite_stmt& stmt, int32_t limit,
                                     std::vector<T>& rows, Read read, Key key) {
  for (;;) {
    auto row = stmt.step();
    if (!row)
      return row.error();
    if (!*row)
      break;
    rows.push_back(read(stmt));
  }
  if (rows.size() <= static_cast<size_t>(limit))
    return std::string{};
  rows.pop_back();
  auto [ts, seq] = key(rows.back());
  return encode_cursor(ts, seq);
}

} // namespace

std::string public_track_id(const std::string& camera_id, int64_t id) {
  return camera_id + "/" + std::to_string(id);
}

std::string encode_cursor(int64_t start_ts, int64_t seq) {
  return fmt::format("{}_{}", start_ts, seq);
}

bool decode_cursor(const std::string& text, int64_t& start_ts, int64_t& seq) {
  auto sep = text.find('_');
  if (sep == std::string::npos || sep == 0 || sep + 1 == text.size()
      || text.size() > 41)
    return false;
  auto parse = [](const std::string& digits, int64_t& out) {
    if (digits.find_first_not_of("0123456789") != std::string::npos)
      return false;
    errno = 0;
    char* end = nullptr;
    auto v = std::strtoll(digits.c_str(), &end, 10);
    if (errno == ERANGE || *end != '\0')
      return false;
    out = v;
    return true;
  };
  return parse(text.substr(0, sep), start_ts)
         && parse(text.substr(sep + 1), seq);
}

caf::expected<track_db> track_db::open_writer(const std::string& path) {
  std::error_code fs_err;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty())
    std::filesystem::create_directories(dir, fs_err);
  auto db = sqlite_db::open(path, true, false);
  if (!db)
    return db.error();
  if (auto err = apply_pragmas(*db, true))
    return err;
  // A file that is not a database fails above or here; a damaged one here.
  auto check = db->scalar("PRAGMA quick_check");
  if (!check)
    return check.error();
  if (*check != "ok")
    return caf::make_error(ec::store_unavailable,
                           "database is corrupt: " + *check);
  track_db result{std::move(*db)};
  if (auto err = result.migrate())
    return err;
  return result;
}

caf::expected<track_db> track_db::open_reader(const std::string& path) {
  auto db = sqlite_db::open(path, false, true);
  if (!db)
    return db.error();
  if (auto err = apply_pragmas(*db, false))
    return err;
  return track_db{std::move(*db)};
}

caf::error track_db::migrate() {
  auto version = db_.scalar("PRAGMA user_version");
  if (!version)
    return version.error();
  int have = std::atoi(version->c_str());
  if (have > schema_version)
    return caf::make_error(ec::store_unavailable,
                           fmt::format("database schema version {} is newer "
                                       "than this build's {}",
                                       have, schema_version));
  for (int v = have; v < schema_version; ++v) {
    sqlite_transaction tx{db_};
    if (auto err = tx.begin())
      return err;
    if (auto err = db_.exec(migrations[v]))
      return err;
    if (auto err = db_.exec(fmt::format("PRAGMA user_version = {}", v + 1)))
      return err;
    if (auto err = tx.commit())
      return err;
  }
  return {};
}

caf::error track_db::write(const write_batch& batch) {
  sqlite_transaction tx{db_};
  if (auto err = tx.begin())
    return err;
  for (auto& s : batch.sessions) {
    auto stmt = db_.prepare(
        "INSERT INTO sessions (session_id, camera_id, start_ts, end_ts, config)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (session_id) DO UPDATE SET"
        " end_ts = excluded.end_ts");
    if (!stmt)
      return stmt.error();
    stmt->bind(1, s.session_id)
        .bind(2, s.camera_id)
        .bind(3, s.start_ts_unix_ms)
        .bind_optional(4, s.end_ts_unix_ms)
        .bind(5, s.config_json);
    if (auto err = stmt->run())
      return err;
  }
  for (auto& ev : batch.events)
    if (auto err = apply_event(ev))
      return err;
  if (auto err = apply_samples(batch))
    return err;
  if (auto err = apply_ptz_commands(batch))
    return err;
  for (auto& id : batch.selected) {
    auto stmt
        = db_.prepare("UPDATE tracks SET selected = 1 WHERE track_id = ?1");
    if (!stmt)
      return stmt.error();
    if (auto err = stmt->bind(1, id).run())
      return err;
  }
  auto err = tx.commit();
  if (err)
    seq_cache_.clear(); // rows of the failed batch may be in it
  return err;
}

caf::error track_db::apply_event(const track_event& ev) {
  auto& a = ev.after;
  auto id = public_track_id(ev.camera_id, a.id);
  // An upsert keeps "new", "update" and "end" idempotent and order-proof:
  // a retried batch rewrites the same values.
  auto stmt = db_.prepare(
      "INSERT INTO tracks (track_id, session_id, camera_id, label, start_ts,"
      " end_ts, last_seen_ts, top_score, best_x, best_y, best_w, best_h,"
      " confirmed, zones)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
      " ON CONFLICT (track_id) DO UPDATE SET end_ts = excluded.end_ts,"
      " last_seen_ts = max(last_seen_ts, excluded.last_seen_ts),"
      " top_score = excluded.top_score, best_x = excluded.best_x,"
      " best_y = excluded.best_y, best_w = excluded.best_w,"
      " best_h = excluded.best_h, confirmed = excluded.confirmed,"
      " zones = excluded.zones, label = excluded.label"
      " RETURNING seq");
  if (!stmt)
    return stmt.error();
  auto last_seen
      = a.end_ts_unix_ms != none_id ? a.end_ts_unix_ms : ev.ts_unix_ms;
  stmt->bind(1, id)
      .bind(2, ev.session_id)
      .bind(3, ev.camera_id)
      .bind(4, a.label)
      .bind(5, a.start_ts_unix_ms)
      .bind_optional(6, a.end_ts_unix_ms)
      .bind(7, last_seen)
      .bind(8, a.top_conf)
      .bind(9, a.best_bbox.x)
      .bind(10, a.best_bbox.y)
      .bind(11, a.best_bbox.w)
      .bind(12, a.best_bbox.h)
      .bind(13, int64_t{a.confirmed})
      .bind(14, zones_to_json(a.zones));
  auto row = stmt->step();
  if (!row)
    return row.error();
  if (*row) {
    if (a.end_ts_unix_ms == none_id)
      seq_cache_[id] = stmt->column_int(0);
    else
      seq_cache_.erase(id);
  }
  return {};
}

caf::expected<int64_t> track_db::seq_of(const std::string& track_id) {
  auto it = seq_cache_.find(track_id);
  if (it != seq_cache_.end())
    return it->second;
  auto stmt = db_.prepare("SELECT seq FROM tracks WHERE track_id = ?1");
  if (!stmt)
    return stmt.error();
  stmt->bind(1, track_id);
  auto row = stmt->step();
  if (!row)
    return row.error();
  return *row ? stmt->column_int(0) : none_id;
}

caf::error track_db::apply_samples(const write_batch& batch) {
  if (batch.samples.empty())
    return {};
  auto insert = db_.prepare(
      "INSERT INTO track_samples (track_seq, ts, x, y, w, h, conf, vx, vy)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert)
    return insert.error();
  struct per_track {
    int64_t count = 0;
    int64_t last_ts = 0;
  };
  std::map<int64_t, per_track> touched;
  for (auto& [camera, s] : batch.samples) {
    auto seq = seq_of(public_track_id(camera, s.id));
    if (!seq)
      return seq.error();
    if (*seq == none_id)
      continue; // deleted meanwhile: nothing to attach it to
    insert->bind(1, *seq)
        .bind(2, s.ts_unix_ms)
        .bind(3, s.bbox.x)
        .bind(4, s.bbox.y)
        .bind(5, s.bbox.w)
        .bind(6, s.bbox.h)
        .bind(7, s.conf)
        .bind(8, s.vx)
        .bind(9, s.vy);
    if (auto err = insert->run())
      return err;
    auto& t = touched[*seq];
    ++t.count;
    t.last_ts = std::max(t.last_ts, s.ts_unix_ms);
  }
  auto update
      = db_.prepare("UPDATE tracks SET sample_count = sample_count + ?2,"
                    " last_seen_ts = max(last_seen_ts, ?3) WHERE seq = ?1");
  if (!update)
    return update.error();
  for (auto& [seq, t] : touched)
    if (auto err
        = update->bind(1, seq).bind(2, t.count).bind(3, t.last_ts).run())
      return err;
  return {};
}

caf::error track_db::apply_ptz_commands(const write_batch& batch) {
  if (batch.ptz_commands.empty())
    return {};
  auto insert = db_.prepare(
      "INSERT INTO ptz_commands (ts, camera_id, backend, kind, pan, tilt,"
      " zoom, preset, reason, timeout_ms, result, error, latency_ms)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  if (!insert)
    return insert.error();
  for (auto& r : batch.ptz_commands) {
    auto& c = r.command;
    insert->bind(1, r.ts_unix_ms)
        .bind(2, r.camera_id)
        .bind(3, r.backend)
        .bind(4, to_string(c.what))
        .bind(5, c.pan)
        .bind(6, c.tilt)
        .bind(7, c.zoom)
        .bind(8, c.preset)
        .bind(9, to_string(c.reason))
        .bind(10, c.timeout_ms)
        .bind(11, to_string(r.result))
        .bind(12, r.error)
        .bind(13, r.latency_ms);
    if (auto err = insert->run())
      return err;
  }
  return {};
}

caf::expected<int64_t> track_db::close_interrupted(int64_t now_unix_ms) {
  sqlite_transaction tx{db_};
  if (auto err = tx.begin())
    return err;
  if (auto err = db_.exec("UPDATE tracks SET end_ts = last_seen_ts,"
                          " interrupted = 1 WHERE end_ts IS NULL"))
    return err;
  auto closed = db_.changes();
  auto stmt = db_.prepare(
      "UPDATE sessions SET end_ts = coalesce((SELECT max(last_seen_ts) FROM"
      " tracks WHERE tracks.session_id = sessions.session_id), start_ts),"
      " interrupted = 1 WHERE end_ts IS NULL AND start_ts <= ?1");
  if (!stmt)
    return stmt.error();
  if (auto err = stmt->bind(1, now_unix_ms).run())
    return err;
  if (auto err = tx.commit())
    return err;
  return closed;
}

caf::expected<std::map<std::string, int64_t>> track_db::max_track_ids() {
  // Track ids are "<camera>/<n>"; the number after the last '/' is n.
  auto stmt = db_.prepare(
      "SELECT camera_id, max(CAST(substr(track_id, length(camera_id) + 2)"
      " AS INTEGER)) FROM tracks GROUP BY camera_id");
  if (!stmt)
    return stmt.error();
  std::map<std::string, int64_t> out;
  for (;;) {
    auto row = stmt->step();
    if (!row)
      return row.error();
    if (!*row)
      break;
    out[stmt->column_text(0)] = stmt->column_int(1);
  }
  return out;
}

caf::expected<int64_t> track_db::expire(const std::string& camera_id,
                                        int64_t cutoff_unix_ms, int limit) {
  auto stmt = db_.prepare(
      "DELETE FROM tracks WHERE seq IN (SELECT seq FROM tracks WHERE"
      " camera_id = ?1 AND retain = 0 AND end_ts < ?2 LIMIT ?3)");
  if (!stmt)
    return stmt.error();
  if (auto err = stmt->bind(1, camera_id)
                     .bind(2, cutoff_unix_ms)
                     .bind(3, int64_t{limit})
                     .run())
    return err;
  auto gone = db_.changes();
  // Sessions whose tracks are all gone and that ended before the cutoff.
  auto sessions = db_.prepare(
      "DELETE FROM sessions WHERE camera_id = ?1 AND end_ts < ?2 AND NOT"
      " EXISTS (SELECT 1 FROM tracks WHERE tracks.session_id ="
      " sessions.session_id)");
  if (!sessions)
    return sessions.error();
  if (auto err = sessions->bind(1, camera_id).bind(2, cutoff_unix_ms).run())
    return err;
  return gone;
}

caf::expected<std::vector<std::string>> track_db::cameras() {
  auto stmt = db_.prepare("SELECT DISTINCT camera_id FROM tracks");
  if (!stmt)
    return stmt.error();
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row)
      return row.error();
    if (!*row)
      return out;
    out.push_back(stmt->column_text(0));
  }
}

caf::expected<int64_t> track_db::expire_ptz_commands(int64_t cutoff_unix_ms,
                                                     int limit) {
  auto stmt = db_.prepare(
      "DELETE FROM ptz_commands WHERE seq IN (SELECT seq FROM ptz_commands"
      " WHERE ts < ?1 ORDER BY ts LIMIT ?2)");
  if (!stmt)
    return stmt.error();
  if (auto err = stmt->bind(1, cutoff_unix_ms).bind(2, int64_t{limit}).run())
    return err;
  return db_.changes();
}

caf::expected<bool> track_db::remove_track(const std::string& track_id) {
  auto stmt = db_.prepare("DELETE FROM tracks WHERE track_id = ?1");
  if (!stmt)
    return stmt.error();
  if (auto err = stmt->bind(1, track_id).run())
    return err;
  seq_cache_.erase(track_id);
  return db_.changes() > 0;
}

caf::expected<bool> track_db::set_retained(const std::string& track_id,
                                           bool retain) {
  auto stmt = db_.prepare("UPDATE tracks SET retain = ?2 WHERE track_id = ?1");
  if (!stmt)
    return stmt.error();
  if (auto err = stmt->bind(1, track_id).bind(2, int64_t{retain}).run())
    return err;
  return db_.changes() > 0;
}

caf::expected<track_page> track_db::query(const track_query& q) {
  // Every value is bound, never spliced: only the fixed clauses below vary.
  std::string sql = fmt::format("SELECT {} FROM tracks WHERE 1", track_columns);
  if (!q.camera_id.empty())
    sql += " AND camera_id = ?1";
  if (!q.label.empty())
    sql += " AND label = ?2";
  if (!q.session_id.empty())
    sql += " AND session_id = ?3";
  if (q.after != none_id)
    sql += " AND start_ts >= ?4";
  if (q.before != none_id)
    sql += " AND start_ts < ?5";
  if (q.min_score >= 0)
    sql += " AND top_score >= ?6";
  if (q.in_progress == 1)
    sql += " AND end_ts IS NULL";
  else if (q.in_progress == 0)
    sql += " AND end_ts IS NOT NULL";
  if (q.confirmed >= 0)
    sql += q.confirmed ? " AND confirmed = 1" : " AND confirmed = 0";
  if (q.cursor_seq != none_id)
    sql += " AND (start_ts < ?7 OR (start_ts = ?7 AND seq < ?8))";
  sql += " ORDER BY start_ts DESC, seq DESC LIMIT ?9";
  auto stmt = db_.prepare(sql);
  if (!stmt)
    return stmt.error();
  stmt->bind(1, q.camera_id)
      .bind(2, q.label)
      .bind(3, q.session_id)
      .bind(4, q.after)
      .bind(5, q.before)
      .bind(6, q.min_score)
      .bind(7, q.cursor_ts)
      .bind(8, q.cursor_seq)
      .bind(9, int64_t{q.limit} + 1);
  track_page page;
  auto cursor = read_page(*stmt, q.limit, page.tracks, read_track,
                          [](const stored_track& t) {
                            return std::make_pair(t.start_ts_unix_ms, t.seq);
                          });
  if (!cursor)
    return cursor.error();
  page.next_cursor = std::move(*cursor);
  return page;
}

caf::expected<ptz_command_page>
track_db::ptz_commands(const ptz_command_query& q) {
  // As for tracks: only these fixed clauses vary, every value is bound.
  std::string sql
      = fmt::format("SELECT {} FROM ptz_commands WHERE 1", ptz_command_columns);
  if (!q.camera_id.empty())
    sql += " AND camera_id = ?1";
  if (q.after != none_id)
    sql += " AND ts >= ?2";
  if (q.before != none_id)
    sql += " AND ts < ?3";
  if (q.cursor_seq != none_id)
    sql += " AND (ts < ?4 OR (ts = ?4 AND seq < ?5))";
  sql += " ORDER BY ts DESC, seq DESC LIMIT ?6";
  auto stmt = db_.prepare(sql);
  if (!stmt)
    return stmt.error();
  stmt->bind(1, q.camera_id)
      .bind(2, q.after)
      .bind(3, q.before)
      .bind(4, q.cursor_ts)
      .bind(5, q.cursor_seq)
      .bind(6, int64_t{q.limit} + 1);
  ptz_command_page page;
  auto cursor = read_page(*stmt, q.limit, page.commands, read_ptz_command,
                          [](const ptz_command_record& r) {
                            return std::make_pair(r.ts_unix_ms, r.seq);
                          });
  if (!cursor)
    return cursor.error();
  page.next_cursor = std::move(*cursor);
  return page;
}

caf::expected<stored_track> track_db::get(const std::string& track_id,
                                          int max_samples) {
  auto stmt = db_.prepare(
      fmt::format("SELECT {} FROM tracks WHERE track_id = ?1", track_columns));
  if (!stmt)
    return stmt.error();
  stmt->bind(1, track_id);
  auto row = stmt->step();
  if (!row)
    return row.error();
  if (!*row)
    return caf::make_error(ec::unknown_track, "no track '" + track_id + "'");
  auto track = read_track(*stmt);
  if (max_samples <= 0)
    return track;
  auto samples
      = db_.prepare("SELECT ts, x, y, w, h, conf, vx, vy FROM track_samples"
                    " WHERE track_seq = ?1 ORDER BY ts LIMIT ?2");
  if (!samples)
    return samples.error();
  samples->bind(1, track.seq).bind(2, int64_t{max_samples});
  for (;;) {
    auto more = samples->step();
    if (!more)
      return more.error();
    if (!*more)
      break;
    auto& s = *samples;
    track.samples.push_back({s.column_int(0),
                             {s.column_double(1), s.column_double(2),
                              s.column_double(3), s.column_double(4)},
                             s.column_double(5),
                             s.column_double(6),
                             s.column_double(7)});
  }
  return track;
}

caf::error track_db::probe_write() {
  sqlite_transaction tx{db_};
  if (auto err = tx.begin())
    return err;
  // Rewriting the schema version dirties the header page: a real write.
  if (auto err
      = db_.exec(fmt::format("PRAGMA user_version = {}", schema_version)))
    return err;
  return tx.commit();
}

caf::expected<std::string> track_db::integrity_check() {
  return db_.scalar("PRAGMA integrity_check");
}

} // namespace argus
