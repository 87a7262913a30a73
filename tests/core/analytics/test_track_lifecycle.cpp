// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/analytics_session.hpp"
#include "core/analytics/track_lifecycle.hpp"

#include <gtest/gtest.h>

using namespace argus;

namespace {

/// One frame at 100 ms spacing: frame i happens at mono 1000 + 100 i.
track_set frame_with(int64_t i, std::vector<track_state> tracks) {
  track_set ts;
  ts.frame_index = i;
  ts.ts_mono_ms = 1000 + 100 * i;
  ts.ts_unix_ms = 1'700'000'000'000 + 100 * i;
  ts.frame_w = 640;
  ts.frame_h = 360;
  ts.tracks = std::move(tracks);
  return ts;
}

track_state trk(int64_t id, float conf, float x = 64) {
  return {id, {x, 36, 64, 36}, conf, 0};
}

track_lifecycle make(int confirm = 3, int64_t end_after = 500) {
  return track_lifecycle({confirm, end_after, 0.05}, "s1", "cam_01",
                         [](int32_t c) { return c == 0 ? "drone" : "bird"; });
}

} // namespace

TEST(track_lifecycle, unconfirmed_tracks_emit_nothing) {
  auto lc = make();
  EXPECT_TRUE(lc.observe(frame_with(0, {trk(1, 0.9f)})).empty());
  EXPECT_TRUE(lc.observe(frame_with(1, {trk(1, 0.9f)})).empty());
  EXPECT_TRUE(lc.is_alive(1));
  // It vanishes before the third hit: it ends silently too.
  EXPECT_TRUE(lc.observe(frame_with(10, {})).empty());
  EXPECT_FALSE(lc.is_alive(1));
}

TEST(track_lifecycle, new_on_kth_hit_with_summary_fields) {
  auto lc = make();
  lc.observe(frame_with(0, {trk(7, 0.6f)}));
  lc.observe(frame_with(1, {trk(7, 0.8f, 70)}));
  auto ev = lc.observe(frame_with(2, {trk(7, 0.7f)}));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].event, "new");
  EXPECT_FALSE(ev[0].has_before);
  auto& a = ev[0].after;
  EXPECT_EQ(a.id, 7);
  EXPECT_EQ(a.label, "drone");
  EXPECT_TRUE(a.confirmed);
  EXPECT_DOUBLE_EQ(a.top_conf, 0.8);
  EXPECT_DOUBLE_EQ(a.best_bbox.x, 70.0 / 640); // box of the best frame
  EXPECT_EQ(a.start_ts_unix_ms, 1'700'000'000'000);
  EXPECT_EQ(a.end_ts_unix_ms, none_id);
  EXPECT_EQ(ev[0].camera_id, "cam_01");
}

TEST(track_lifecycle, update_only_on_a_real_confidence_gain) {
  auto lc = make(1);
  ASSERT_EQ(lc.observe(frame_with(0, {trk(1, 0.50f)})).size(), 1u);
  EXPECT_TRUE(lc.observe(frame_with(1, {trk(1, 0.52f)})).empty()); // < 0.05
  auto ev = lc.observe(frame_with(2, {trk(1, 0.56f)}));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].event, "update");
  ASSERT_TRUE(ev[0].has_before);
  EXPECT_DOUBLE_EQ(ev[0].before.top_conf, 0.5);
  EXPECT_DOUBLE_EQ(ev[0].after.top_conf, 0.56);
}

TEST(track_lifecycle, end_after_unseen_time_with_last_seen_end_ts) {
  auto lc = make(1, 500);
  lc.observe(frame_with(0, {trk(1, 0.9f)}));
  lc.observe(frame_with(1, {trk(1, 0.9f)}));
  EXPECT_TRUE(lc.observe(frame_with(5, {})).empty()); // 400 ms unseen
  EXPECT_TRUE(lc.is_alive(1));
  EXPECT_FALSE(lc.seen_in_last_frame(1));
  auto ev = lc.observe(frame_with(7, {})); // 600 ms unseen
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].event, "end");
  EXPECT_EQ(ev[0].after.end_ts_unix_ms, 1'700'000'000'000 + 100);
  EXPECT_FALSE(lc.is_alive(1));
}

TEST(track_lifecycle, end_all_closes_confirmed_tracks_only) {
  auto lc = make(2);
  lc.observe(frame_with(0, {trk(1, 0.9f), trk(2, 0.9f)}));
  lc.observe(frame_with(1, {trk(1, 0.9f)}));
  auto ev = lc.end_all(42);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].after.id, 1);
  EXPECT_EQ(ev[0].ts_unix_ms, 42);
  EXPECT_EQ(lc.alive(), 0u);
}

TEST(analytics_session, tick_commands_and_phase) {
  analytics_params p{"s1", "cam_01", {}, {"drone", "bird"}};
  p.cfg.confirm_hits = 1;
  analytics_session s(p);
  EXPECT_FALSE(s.has_tick());
  s.process(frame_with(0, {trk(4, 0.9f)}), 12, 8, 1000);
  ASSERT_TRUE(s.has_tick());
  EXPECT_TRUE(s.take_dirty());
  EXPECT_FALSE(s.take_dirty());
  auto& t = s.tick();
  ASSERT_EQ(t.tracks.size(), 1u);
  EXPECT_EQ(t.tracks[0].label, "drone");
  EXPECT_DOUBLE_EQ(t.tracks[0].bbox.w, 0.1);
  EXPECT_EQ(t.tracking_phase, "idle");

  client_command unknown{client_command::set_target, 99, "", ""};
  auto r = s.command(unknown);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "unknown_target");

  auto ok = s.command({client_command::set_target, 4, "", ""});
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.command, "set_target_id");
  EXPECT_EQ(s.tick().selected_target_id, 4);
  EXPECT_EQ(s.tick().tracking_phase, "tracking");
  EXPECT_TRUE(s.take_dirty()); // a command changes the tick at once

  s.process(frame_with(1, {}), 12, 8, 1100);
  EXPECT_EQ(s.tick().tracking_phase, "lost");
  EXPECT_TRUE(s.command({client_command::clear_target, none_id, "", ""}).ok);
  EXPECT_EQ(s.tick().tracking_phase, "idle");
  EXPECT_EQ(s.tick().selected_target_id, none_id);

  s.count_dropped();
  auto st = s.status();
  EXPECT_EQ(st.frames_processed, 2);
  EXPECT_EQ(st.frames_dropped, 1);
  EXPECT_DOUBLE_EQ(st.latency_p50_ms, 12);
}
