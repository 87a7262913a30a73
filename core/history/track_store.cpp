// SPDX-License-Identifier: Apache-2.0
#include "core/history/track_store.hpp"

#include "core/defaults.hpp"
#include "messages/error.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

/// Deleted ids remembered to drop late events; beyond this the oldest go.
constexpr size_t max_remembered_deletions = 10000;
constexpr double ms_per_day = 86'400'000.0;
constexpr auto error_log_interval = std::chrono::minutes(1);

} // namespace

track_store::track_store(store_config cfg,
                         std::map<std::string, double> retain_days)
    : cfg_(std::move(cfg)), retain_days_(std::move(retain_days)) {
  status_.path = cfg_.path;
  status_.state = store_health::degraded;
  status_.detail = "not opened yet";
}

bool track_store::ensure_open() {
  if (db_)
    return true;
  auto db = track_db::open_writer(cfg_.path);
  if (!db) {
    fail(db.error());
    return false;
  }
  db_.emplace(std::move(*db));
  // Opening needs no free space; only a commit proves the disk is back.
  if (!ever_opened_) {
    ever_opened_ = true;
    if (!outage_logged_) {
      status_.state = store_health::ok;
      status_.detail.clear();
    }
  }
  return true;
}

void track_store::recovered() {
  if (status_.state != store_health::degraded)
    return;
  if (outage_logged_)
    spdlog::info("store: {} is writable again", cfg_.path);
  outage_logged_ = false;
  status_.state = store_health::ok;
  status_.detail.clear();
}

void track_store::fail(const caf::error& err) {
  auto detail = error_detail(err);
  // One clear log line per outage, not one per retry: a disk that is
  // nearly full lets some commits through, and a flapping store must not
  // flood the log. The same error is repeated at most once a minute.
  auto now = std::chrono::steady_clock::now();
  if (detail != logged_detail_ || now - logged_at_ >= error_log_interval) {
    spdlog::error("store: {} failed: {}; the live pipeline continues, retrying "
                  "every {} ms",
                  cfg_.path, detail, cfg_.retry_ms);
    logged_detail_ = detail;
    logged_at_ = now;
    outage_logged_ = true;
  }
  ++status_.write_errors;
  status_.state = store_health::degraded;
  status_.detail = detail;
  // A connection that saw an I/O error may stay broken; start afresh.
  db_.reset();
}

void track_store::add(const store_update& update) {
  for (auto& ev : update.events) {
    auto id = public_track_id(ev.camera_id, ev.after.id);
    if (deleted_.count(id)) {
      if (ev.event == "end")
        deleted_.erase(id);
      continue;
    }
    pending_.events.push_back(ev);
  }
  for (auto& s : update.samples) {
    if (pending_.samples.size() >= cfg_.max_pending_samples) {
      ++status_.samples_shed;
      continue;
    }
    if (!deleted_.empty()
        && deleted_.count(public_track_id(update.camera_id, s.id)))
      continue;
    pending_.samples.emplace_back(update.camera_id, s);
  }
  if (update.selected_target_id != none_id)
    pending_.selected.push_back(
        public_track_id(update.camera_id, update.selected_target_id));
}

void track_store::add(const session_record& record) {
  pending_.sessions.push_back(record);
}

void track_store::add(const ptz_command_record& record) {
  if (pending_.ptz_commands.size()
      >= defaults::store::max_pending_ptz_commands) {
    ++status_.ptz_commands_shed;
    return;
  }
  pending_.ptz_commands.push_back(record);
}

bool track_store::wants_flush() const {
  return pending_.samples.size() >= cfg_.batch_max_samples;
}

bool track_store::flush(int64_t now_unix_ms) {
  if (!ensure_open())
    return false;
  if (pending_.empty()) {
    // Nothing to commit while degraded: a tiny write tells when it is over.
    if (status_.state == store_health::degraded) {
      if (auto err = db_->probe_write()) {
        fail(err);
        return false;
      }
      recovered();
    }
    return true;
  }
  if (auto err = db_->write(pending_)) {
    fail(err);
    return false;
  }
  recovered();
  status_.events_written += static_cast<int64_t>(pending_.events.size());
  status_.samples_written += static_cast<int64_t>(pending_.samples.size());
  status_.ptz_commands_written
      += static_cast<int64_t>(pending_.ptz_commands.size());
  ++status_.batches_committed;
  status_.last_commit_unix_ms = now_unix_ms;
  pending_ = write_batch{};
  return true;
}

caf::expected<bool> track_store::remove(const std::string& track_id,
                                        int64_t now_unix_ms) {
  if (!flush(now_unix_ms))
    return caf::make_error(ec::store_unavailable, status_.detail);
  auto gone = db_->remove_track(track_id);
  if (!gone) {
    fail(gone.error());
    return gone.error();
  }
  if (*gone) {
    if (deleted_.size() >= max_remembered_deletions)
      deleted_.erase(deleted_.begin());
    deleted_.insert(track_id);
  }
  return gone;
}

caf::expected<bool> track_store::retain(const std::string& track_id,
                                        bool retain, int64_t now_unix_ms) {
  if (!flush(now_unix_ms))
    return caf::make_error(ec::store_unavailable, status_.detail);
  auto found = db_->set_retained(track_id, retain);
  if (!found)
    fail(found.error());
  return found;
}

double track_store::retain_days_of(const std::string& camera_id) const {
  auto it = retain_days_.find(camera_id);
  return it != retain_days_.end() && it->second >= 0 ? it->second
                                                     : cfg_.retain_days;
}

bool track_store::expire_step(int64_t now_unix_ms) {
  if (!ensure_open())
    return false;
  if (!expire_in_pass_) {
    auto cams = db_->cameras();
    if (!cams) {
      fail(cams.error());
      return false;
    }
    expire_cameras_ = std::move(*cams);
    expire_next_ = 0;
    expire_in_pass_ = true;
  }
  if (expire_next_ >= expire_cameras_.size())
    return expire_ptz_step(now_unix_ms);
  auto& camera = expire_cameras_[expire_next_];
  auto cutoff
      = now_unix_ms - static_cast<int64_t>(retain_days_of(camera) * ms_per_day);
  auto gone = db_->expire(camera, cutoff, cfg_.expire_batch);
  if (!gone) {
    fail(gone.error());
    return false;
  }
  status_.rows_expired += *gone;
  // Stay on this camera while it fills whole batches; else move on (the
  // audit log's step comes after the last camera).
  if (*gone < cfg_.expire_batch)
    ++expire_next_;
  return true;
}

bool track_store::expire_ptz_step(int64_t now_unix_ms) {
  auto cutoff
      = now_unix_ms
        - static_cast<int64_t>(cfg_.ptz_commands_retain_days * ms_per_day);
  auto gone = db_->expire_ptz_commands(cutoff, cfg_.expire_batch);
  if (!gone) {
    fail(gone.error());
    return false;
  }
  status_.ptz_commands_expired += *gone;
  // A whole batch: there may be more; else the pass is done.
  if (*gone < cfg_.expire_batch)
    expire_in_pass_ = false;
  return expire_in_pass_;
}

store_status track_store::status() const {
  auto st = status_;
  st.pending_events = static_cast<int64_t>(pending_.events.size());
  st.pending_samples = static_cast<int64_t>(pending_.samples.size());
  return st;
}

} // namespace argus
