// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.store
#include "actors/history/store.hpp"
#include "core/clock.hpp"
#include "core/history/track_db.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace argus;
using namespace argus::test;
using std::chrono::milliseconds;

namespace {

constexpr int64_t day_ms = 86'400'000;

track_event event_of(const std::string& camera, int64_t id,
                     const std::string& kind, int64_t start,
                     int64_t end = none_id) {
  track_event e;
  e.event = kind;
  e.session_id = "s1";
  e.camera_id = camera;
  e.after.id = id;
  e.after.label = "drone";
  e.after.top_conf = 0.8;
  e.after.confirmed = true;
  e.after.start_ts_unix_ms = start;
  e.after.end_ts_unix_ms = end;
  return e;
}

/// `events` new tracks (ids 1..) and `samples` samples of track 1.
store_update update_with(int events, int samples) {
  store_update u;
  u.session_id = "s1";
  u.camera_id = "cam";
  for (int i = 1; i <= events; ++i)
    u.events.push_back(event_of("cam", i, "new", 1000 * i));
  for (int i = 0; i < samples; ++i)
    u.samples.push_back({1, 1000 + i, {0.1, 0.1, 0.2, 0.2}, 0.5, 0, 0});
  return u;
}

struct store_fixture : fixture {
  temp_dir dir;
  store_config cfg;
  store_actor st;

  store_fixture() {
    cfg.path = dir.file("argus.db");
    cfg.flush_interval_ms = 1000;
    cfg.retry_ms = 300;
    cfg.expire_interval_ms = 60'000;
    cfg.batch_max_samples = 5;
    cfg.max_pending_samples = 100;
  }

  ~store_fixture() override {
    if (st)
      caf::anon_send_exit(st, caf::exit_reason::user_shutdown);
    drain();
  }

  void start(std::map<std::string, double> retain_days = {}) {
    store_setup setup;
    setup.cfg = cfg;
    setup.retain_days = std::move(retain_days);
    st = sys.spawn(store, std::move(setup));
    drain();
  }

  void send(store_update u) {
    caf::anon_send(st, std::move(u));
    drain();
  }

  /// Moves the test clock on and runs what its timers started.
  void wait(milliseconds d) {
    sched.advance_time(d);
    drain();
  }

  store_status status() {
    auto s = call<store_status>(st, atom::status_v);
    CAF_REQUIRE(s);
    return *s;
  }

  /// Every stored track, read on a connection of its own.
  std::vector<stored_track> rows() {
    auto db = track_db::open_reader(cfg.path);
    CAF_REQUIRE(db);
    auto page = db->query(track_query{});
    CAF_REQUIRE(page);
    return page->tracks;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(store_tests, store_fixture)

CAF_TEST(updates are committed on the flush timer) {
  start();
  auto s = status();
  CAF_CHECK(s.state == store_health::ok);
  CAF_CHECK_EQUAL(s.path, cfg.path);
  send(update_with(2, 3));
  s = status();
  CAF_CHECK_EQUAL(s.pending_events, 2);
  CAF_CHECK_EQUAL(s.pending_samples, 3);
  CAF_CHECK_EQUAL(s.events_written, 0);
  wait(milliseconds(999));
  CAF_CHECK_EQUAL(status().events_written, 0);
  wait(milliseconds(1));
  s = status();
  CAF_CHECK_EQUAL(s.events_written, 2);
  CAF_CHECK_EQUAL(s.samples_written, 3);
  CAF_CHECK_EQUAL(s.pending_events, 0);
  CAF_CHECK_EQUAL(s.batches_committed, 1);
  CAF_CHECK(s.last_commit_unix_ms > 0);
  auto tracks = rows();
  CAF_REQUIRE_EQUAL(tracks.size(), 2u);
  CAF_CHECK_EQUAL(tracks[0].track_id, "cam/2"); // newest first
  CAF_CHECK_EQUAL(tracks[1].track_id, "cam/1");
  CAF_CHECK_EQUAL(tracks[1].sample_count, 3);
  CAF_CHECK_EQUAL(tracks[1].label, "drone");
}

CAF_TEST(a full batch is committed at once) {
  start();
  send(update_with(1, 5)); // batch_max_samples
  auto s = status();
  CAF_CHECK_EQUAL(s.batches_committed, 1);
  CAF_CHECK_EQUAL(s.samples_written, 5);
  // The early flush restarted the timer chain: the old timer is ignored
  // and the new one finds nothing to commit.
  send(update_with(0, 1));
  wait(milliseconds(1000));
  s = status();
  CAF_CHECK_EQUAL(s.batches_committed, 2);
  CAF_CHECK_EQUAL(s.samples_written, 6);
}

CAF_TEST(a store that cannot write is degraded and recovers) {
  // The database's folder is a plain file: opening fails, even for root.
  auto blocker = dir.file("blocked");
  std::ofstream(blocker) << "not a folder";
  cfg.path = blocker + "/argus.db";
  start();
  auto s = status();
  CAF_CHECK(s.state == store_health::degraded);
  CAF_CHECK(!s.detail.empty());
  send(update_with(2, 1));
  wait(milliseconds(1000));
  s = status();
  CAF_CHECK(s.state == store_health::degraded);
  CAF_CHECK_EQUAL(s.pending_events, 2); // events are never shed
  CAF_CHECK_EQUAL(s.events_written, 0);
  // The disk comes back; the next attempt is retry_ms later, not a whole
  // flush interval.
  std::filesystem::remove(blocker);
  wait(milliseconds(cfg.retry_ms));
  s = status();
  CAF_CHECK(s.state == store_health::ok);
  CAF_CHECK(s.detail.empty());
  CAF_CHECK_EQUAL(s.events_written, 2);
  CAF_CHECK_EQUAL(rows().size(), 2u);
}

CAF_TEST(a file that is not a database degrades the store) {
  std::ofstream(cfg.path) << std::string(4096, 'x');
  start();
  auto s = status();
  CAF_CHECK(s.state == store_health::degraded);
  CAF_CHECK(!s.detail.empty());
  auto gone = call<std::string>(st, atom::remove_v, std::string{"cam/1"});
  CAF_REQUIRE(!gone);
  CAF_CHECK_EQUAL(gone.error(), ec::store_unavailable);
}

CAF_TEST(remove and retain answer the id or unknown_track) {
  start();
  send(update_with(2, 0));
  auto kept = call<std::string>(st, atom::retain_v, std::string{"cam/1"}, true);
  CAF_REQUIRE(kept);
  CAF_CHECK_EQUAL(*kept, "cam/1");
  auto gone = call<std::string>(st, atom::remove_v, std::string{"cam/2"});
  CAF_REQUIRE(gone);
  CAF_CHECK_EQUAL(*gone, "cam/2");
  auto again = call<std::string>(st, atom::remove_v, std::string{"cam/2"});
  CAF_REQUIRE(!again);
  CAF_CHECK_EQUAL(again.error(), ec::unknown_track);
  auto nobody
      = call<std::string>(st, atom::retain_v, std::string{"cam/9"}, true);
  CAF_REQUIRE(!nobody);
  CAF_CHECK_EQUAL(nobody.error(), ec::unknown_track);
  auto tracks = rows();
  CAF_REQUIRE_EQUAL(tracks.size(), 1u);
  CAF_CHECK_EQUAL(tracks[0].track_id, "cam/1");
  CAF_CHECK(tracks[0].retained);
  // Late updates of a deleted live track do not bring it back.
  store_update late;
  late.camera_id = "cam";
  late.events.push_back(event_of("cam", 2, "update", 2000));
  send(late);
  CAF_CHECK_EQUAL(status().pending_events, 0);
}

CAF_TEST(expired tracks are deleted on the expiry timer per camera) {
  cfg.retain_days = 1;
  start({{"keep", 30.0}});
  auto now = unix_now_ms();
  store_update u;
  for (auto cam : {"cam", "keep"})
    for (int i = 1; i <= 3; ++i)
      u.events.push_back(
          event_of(cam, i, "end", now - 3 * day_ms, now - 2 * day_ms));
  send(u);
  wait(milliseconds(1000)); // committed
  CAF_REQUIRE_EQUAL(rows().size(), 6u);
  wait(milliseconds(cfg.expire_interval_ms - 1000));
  // One camera per step, 20 ms apart.
  for (int i = 0; i < 5; ++i)
    wait(milliseconds(20));
  CAF_CHECK_EQUAL(status().rows_expired, 3);
  auto left = rows();
  CAF_REQUIRE_EQUAL(left.size(), 3u);
  for (auto& t : left)
    CAF_CHECK_EQUAL(t.camera_id, "keep");
}

CAF_TEST(nothing expires before the expiry interval) {
  cfg.retain_days = 1;
  start();
  auto now = unix_now_ms();
  store_update u;
  u.events.push_back(
      event_of("cam", 1, "end", now - 3 * day_ms, now - 2 * day_ms));
  send(u);
  wait(milliseconds(cfg.expire_interval_ms - 1));
  CAF_CHECK_EQUAL(status().rows_expired, 0);
  CAF_CHECK_EQUAL(rows().size(), 1u);
  wait(milliseconds(1));
  CAF_CHECK_EQUAL(status().rows_expired, 1);
}

CAF_TEST(an exiting store commits what it holds first) {
  start();
  send(update_with(3, 2));
  caf::anon_send_exit(st, caf::exit_reason::user_shutdown);
  drain();
  st = store_actor{};
  auto tracks = rows();
  CAF_CHECK_EQUAL(tracks.size(), 3u);
  CAF_CHECK_EQUAL(tracks.back().sample_count, 2);
}

CAF_TEST_FIXTURE_SCOPE_END()
