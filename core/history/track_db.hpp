// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/history/sqlite.hpp"
#include "messages/ptz_types.hpp"
#include "messages/store_types.hpp"

#include <caf/expected.hpp>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace argus {

/// Everything one write transaction of the store holds.
struct write_batch {
  std::vector<session_record> sessions;
  /// Each with the camera it belongs to (track ids are per camera).
  std::vector<track_event> events;
  /// Samples by camera id.
  std::vector<std::pair<std::string, track_sample>> samples;
  /// Public track ids just selected as target.
  std::vector<std::string> selected;
  /// The PTZ audit log's new records.
  std::vector<ptz_command_record> ptz_commands;

  bool empty() const {
    return sessions.empty() && events.empty() && samples.empty()
           && selected.empty() && ptz_commands.empty();
  }
};

/// The track-history database: schema, migrations, writes and queries over
/// one SQLite file. Blocking; the STORE and TRACK QUERY actors run it on
/// their own threads. One writer connection, any number of readers (WAL).
class track_db {
public:
  /// The schema version this build writes; older files are migrated.
  static constexpr int schema_version = 2;

  /// Opens the writer: creates the file and its folder, sets WAL and applies
  /// migrations. Fails on a file that is not a database or is corrupt.
  static caf::expected<track_db> open_writer(const std::string& path);
  /// Opens a query connection to an existing database.
  static caf::expected<track_db> open_reader(const std::string& path);

  /// Writes the batch in one transaction; on failure nothing is written.
  caf::error write(const write_batch& batch);

  /// Closes tracks and sessions left open by a crash: end = last time seen,
  /// flagged interrupted. @returns the number of tracks closed.
  caf::expected<int64_t> close_interrupted(int64_t now_unix_ms);

  /// The highest track number stored per camera.
  caf::expected<std::map<std::string, int64_t>> max_track_ids();

  /// Deletes up to `limit` ended, unretained tracks of `camera_id` that
  /// ended before `cutoff_unix_ms` (with their samples). @returns rows gone.
  caf::expected<int64_t> expire(const std::string& camera_id,
                                int64_t cutoff_unix_ms, int limit);
  /// Cameras with stored tracks.
  caf::expected<std::vector<std::string>> cameras();
  /// Deletes up to `limit` PTZ audit records older than `cutoff_unix_ms`.
  /// @returns rows gone.
  caf::expected<int64_t> expire_ptz_commands(int64_t cutoff_unix_ms, int limit);

  /// @returns false when no such track.
  caf::expected<bool> remove_track(const std::string& track_id);
  /// Sets the retain_indefinitely flag. @returns false when no such track.
  caf::expected<bool> set_retained(const std::string& track_id, bool retain);

  /// One page newest first (start time, then insertion order).
  caf::expected<track_page> query(const track_query& q);
  /// One track with up to `max_samples` samples (0: none).
  caf::expected<stored_track> get(const std::string& track_id, int max_samples);
  /// One page of the PTZ audit log, newest first (time, then insertion).
  caf::expected<ptz_command_page> ptz_commands(const ptz_command_query& q);

  /// Commits a one-page write: whether the database is writable now.
  caf::error probe_write();

  /// "ok" or SQLite's list of problems.
  caf::expected<std::string> integrity_check();

private:
  explicit track_db(sqlite_db db) : db_(std::move(db)) {}
  caf::error migrate();
  caf::error apply_event(const track_event& ev);
  caf::error apply_samples(const write_batch& batch);
  caf::error apply_ptz_commands(const write_batch& batch);
  caf::expected<int64_t> seq_of(const std::string& track_id);

  sqlite_db db_;
  /// track id -> row, for samples of recently written tracks.
  std::map<std::string, int64_t> seq_cache_;
};

/// "<camera_id>/<id>".
std::string public_track_id(const std::string& camera_id, int64_t id);

/// Opaque cursor text for a (start_ts, seq) position, and back.
std::string encode_cursor(int64_t start_ts, int64_t seq);
bool decode_cursor(const std::string& text, int64_t& start_ts, int64_t& seq);

} // namespace argus
