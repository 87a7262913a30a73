// SPDX-License-Identifier: Apache-2.0
// Track-history benchmarks on a real SQLite file (docs/benchmarks.md §5):
//  1. sustained sample insert rate: the store's batched commits vs one
//     transaction per sample (the naive baseline), 5 runs, medians;
//  2. GET /tracks query latency over 1,000,000 tracks for each filter, with
//     the schema's indexes vs the same table without secondary indexes.
#include "core/history/track_db.hpp"
#include "core/history/track_store.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <string>
#include <vector>

using namespace argus;
using namespace std::chrono;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p / 100.0 * v.size()))];
}

track_event new_track(const std::string& camera, int64_t id, int64_t ts,
                      const std::string& label, double score, bool ended) {
  track_event ev;
  ev.event = ended ? "end" : "new";
  ev.session_id = "bench-" + camera;
  ev.camera_id = camera;
  ev.ts_unix_ms = ts;
  ev.after.id = id;
  ev.after.label = label;
  ev.after.top_conf = score;
  ev.after.confirmed = id % 10 != 0;
  ev.after.start_ts_unix_ms = ts;
  ev.after.end_ts_unix_ms = ended ? ts + 5000 : none_id;
  ev.after.best_bbox = {0.4, 0.4, 0.05, 0.04};
  return ev;
}

/// Samples/s of `total` samples over 50 live tracks, batched like the store.
double batched_rate(const std::string& path, int total) {
  std::remove(path.c_str());
  store_config cfg;
  cfg.path = path;
  cfg.max_pending_samples = 1 << 30;
  track_store store{cfg, {}};
  store_update tracks;
  tracks.camera_id = "cam";
  for (int i = 1; i <= 50; ++i)
    tracks.events.push_back(new_track("cam", i, 1000, "drone", 0.8, false));
  store.add(tracks);
  store.flush(0);
  auto t0 = steady_clock::now();
  store_update u;
  u.camera_id = "cam";
  for (int n = 0; n < total; ++n) {
    u.samples.push_back(
        {1 + n % 50, 1000 + n, {0.1, 0.1, 0.1, 0.1}, 0.5, 0, 0});
    if (u.samples.size() == 50) { // one frame's worth
      store.add(u);
      u.samples.clear();
      if (store.wants_flush())
        store.flush(n);
    }
  }
  store.flush(total);
  return total / duration<double>(steady_clock::now() - t0).count();
}

/// The same samples, one transaction each (what a naive store would do).
double per_row_rate(const std::string& path, int total) {
  std::remove(path.c_str());
  auto db = track_db::open_writer(path);
  write_batch tracks;
  for (int i = 1; i <= 50; ++i)
    tracks.events.push_back(new_track("cam", i, 1000, "drone", 0.8, false));
  db->write(tracks);
  auto t0 = steady_clock::now();
  for (int n = 0; n < total; ++n) {
    write_batch one;
    one.samples.push_back(
        {"cam", {1 + n % 50, 1000 + n, {0.1, 0.1, 0.1, 0.1}, 0.5, 0, 0}});
    db->write(one);
  }
  return total / duration<double>(steady_clock::now() - t0).count();
}

void fill_million(const std::string& path, int rows) {
  std::remove(path.c_str());
  auto db = track_db::open_writer(path);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> score(0.2, 1.0);
  const char* labels[] = {"drone", "bird", "plane", "balloon"};
  int64_t ts = 1'700'000'000'000;
  for (int base = 0; base < rows; base += 20000) {
    write_batch b;
    for (int i = base; i < std::min(rows, base + 20000); ++i) {
      ts += 1 + int64_t(rng() % 2000);
      auto cam = "cam_" + std::to_string(i % 16);
      bool open = i >= rows - 50; // the newest few are in progress
      b.events.push_back(
          new_track(cam, i + 1, ts, labels[rng() % 4], score(rng), !open));
    }
    if (auto err = db->write(b))
      std::fprintf(stderr, "fill failed: %s\n", error_detail(err).c_str());
  }
}

void drop_secondary_indexes(const std::string& path) {
  sqlite3* raw = nullptr;
  sqlite3_open(path.c_str(), &raw);
  sqlite3_exec(raw,
               "DROP INDEX tracks_by_start; DROP INDEX tracks_by_camera;"
               "DROP INDEX tracks_by_label; DROP INDEX tracks_by_session;"
               "DROP INDEX tracks_by_score; DROP INDEX tracks_unconfirmed;"
               "DROP INDEX tracks_open; DROP INDEX tracks_expiry;",
               nullptr, nullptr, nullptr);
  sqlite3_close(raw);
}

struct named_query {
  const char* name;
  track_query q;
};

std::vector<named_query> queries() {
  std::vector<named_query> out;
  track_query q;
  out.push_back({"no filter", q});
  q = {};
  q.camera_id = "cam_3";
  out.push_back({"camera_id", q});
  q = {};
  q.label = "bird";
  out.push_back({"label", q});
  q = {};
  q.after = 1'700'000'000'000 + 400'000'000;
  q.before = q.after + 3'600'000;
  out.push_back({"after+before (1 h)", q});
  q = {};
  q.min_score = 0.9;
  out.push_back({"min_score=0.9", q});
  q = {};
  q.in_progress = 1;
  out.push_back({"in_progress=true", q});
  q = {};
  q.confirmed = 0;
  out.push_back({"confirmed=false", q});
  q = {};
  q.camera_id = "cam_5";
  q.label = "drone";
  q.min_score = 0.5;
  out.push_back({"camera+label+min_score", q});
  q = {};
  q.cursor_ts = 1'700'000'000'000 + 500'000'000;
  q.cursor_seq = 1'000'000;
  out.push_back({"cursor (deep page)", q});
  return out;
}

/// p50/p99 ms of `runs` runs of each query (limit 100).
std::vector<std::pair<double, double>> query_latency(const std::string& path,
                                                     int runs) {
  auto db = track_db::open_reader(path);
  std::vector<std::pair<double, double>> out;
  for (auto& nq : queries()) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
      auto t0 = steady_clock::now();
      auto page = db->query(nq.q);
      ms.push_back(
          duration<double, std::milli>(steady_clock::now() - t0).count());
      if (!page)
        std::fprintf(stderr, "query failed: %s\n",
                     error_detail(page.error()).c_str());
    }
    out.emplace_back(percentile(ms, 50), percentile(ms, 99));
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::off);
  std::string dir = argc > 1 ? argv[1] : "/tmp";
  auto path = dir + "/argus-store-bench.db";
  const int samples = 200'000;
  std::vector<double> batched, per_row;
  for (int run = 0; run < 5; ++run) {
    batched.push_back(batched_rate(path, samples));
    per_row.push_back(per_row_rate(path, 20'000));
    std::printf("run %d: batched %.0f samples/s, per-row %.0f samples/s\n",
                run + 1, batched.back(), per_row.back());
  }
  std::printf("| sample inserts | median samples/s (5 runs) |\n|---|---|\n");
  std::printf("| store (batched, one transaction per flush) | %.0f |\n",
              median(batched));
  std::printf("| baseline: one transaction per sample | %.0f |\n\n",
              median(per_row));

  const int rows = 1'000'000;
  auto t0 = steady_clock::now();
  fill_million(path, rows);
  std::printf("filled %d tracks in %.1f s\n", rows,
              duration<double>(steady_clock::now() - t0).count());
  auto indexed = query_latency(path, 200);
  drop_secondary_indexes(path);
  auto bare = query_latency(path, 20); // full scans: fewer runs
  std::printf("| GET /tracks filter (limit 100, 1M rows) | indexed p50 ms | "
              "indexed p99 ms | no indexes p50 ms | no indexes p99 ms |\n"
              "|---|---|---|---|---|\n");
  auto qs = queries();
  for (size_t i = 0; i < qs.size(); ++i)
    std::printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", qs[i].name,
                indexed[i].first, indexed[i].second, bare[i].first,
                bare[i].second);
  for (auto suffix : {"", "-wal", "-shm"})
    std::remove((path + suffix).c_str());
  return 0;
}
