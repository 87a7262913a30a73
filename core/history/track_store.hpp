// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/config.hpp"
#include "core/history/track_db.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace argus {

/// The logic of the STORE actor without the actor: a pending batch fed by
/// sessions, committed in one transaction per flush; sheds samples (never
/// events) beyond a bound; goes "degraded" when the database fails (closing
/// the connection) and reopens it on the next attempt; deletes expired
/// tracks in small steps. Blocking: run it on a detached actor.
class track_store {
public:
  /// `retain_days` per camera id overrides cfg.retain_days.
  track_store(store_config cfg, std::map<std::string, double> retain_days);

  /// Opens the database if it is not open. @returns whether it is.
  bool ensure_open();

  void add(const store_update& update);
  void add(const session_record& record);
  /// One PTZ audit record; shed (and counted) beyond a bound while the
  /// database fails, like samples.
  void add(const ptz_command_record& record);

  /// Whether enough samples wait to commit before the next timer.
  bool wants_flush() const;
  /// Commits everything pending. @returns false when the database failed
  /// (everything stays pending; samples beyond the bound are shed).
  bool flush(int64_t now_unix_ms);

  /// Deletes a track (after committing what is pending for it).
  caf::expected<bool> remove(const std::string& track_id, int64_t now_unix_ms);
  caf::expected<bool> retain(const std::string& track_id, bool retain,
                             int64_t now_unix_ms);

  /// Deletes at most one batch of expired tracks of one camera, or of
  /// expired PTZ audit records. A pass walks every stored camera, then the
  /// audit log. @returns whether the pass has more steps (call again soon)
  /// or is done (wait for the next interval).
  bool expire_step(int64_t now_unix_ms);

  /// Records tracks closed as interrupted at start-up.
  void count_interrupted(int64_t n) { status_.interrupted_at_start += n; }

  store_status status() const;
  bool healthy() const { return db_.has_value(); }
  const store_config& config() const { return cfg_; }

private:
  void fail(const caf::error& err);
  void recovered();
  double retain_days_of(const std::string& camera_id) const;
  bool expire_ptz_step(int64_t now_unix_ms);

  store_config cfg_;
  std::map<std::string, double> retain_days_;
  std::optional<track_db> db_;
  write_batch pending_;
  /// Deleted while maybe still live: later events and samples are dropped.
  std::set<std::string> deleted_;
  std::vector<std::string> expire_cameras_;
  size_t expire_next_ = 0;
  /// A pass is under way (its cameras listed, the audit log not yet done).
  bool expire_in_pass_ = false;
  store_status status_;
  bool ever_opened_ = false;
  /// Log throttling: the last error logged and when; whether the current
  /// outage was logged (then its end is logged too).
  std::string logged_detail_;
  std::chrono::steady_clock::time_point logged_at_;
  bool outage_logged_ = false;
};

} // namespace argus
