// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.session_client
#include "actors/analytics/client.hpp"
#include "actors/analytics/session.hpp"
#include "actors/analytics/tracker.hpp"
#include "core/config.hpp"
#include "tests/actors/fixture.hpp"

#include <map>

using namespace argus;
using namespace argus::test;

namespace {

/// The real JSON codec, counting the ticks it encodes per extension set, so
/// a test can see that ticks are shared instead of encoded per client.
struct counting_codec : json_wire_codec {
  mutable std::map<wire_extensions, int> ticks;
  text_ptr encode(const metadata_tick& x, wire_extensions ext) const override {
    ++ticks[ext];
    return json_wire_codec::encode(x, ext);
  }
  using json_wire_codec::encode;
};

struct session_fixture : fixture {
  std::shared_ptr<counting_codec> counting = std::make_shared<counting_codec>();
  camera_actor cam;
  session_actor sess;
  std::shared_ptr<recording_connection> conn
      = std::make_shared<recording_connection>();
  client_actor cli;

  session_fixture() {
    cam = sys.spawn(mock_camera);
    session_setup setup;
    setup.params.session_id = "s1";
    setup.params.camera_id = "cam_01";
    setup.params.cfg.confirm_hits = 2;
    setup.params.labels = {"drone", "bird"};
    setup.codec = counting;
    setup.camera = cam;
    setup.detector = sys.spawn(truth_detector);
    setup.tracker = sys.spawn(tracker, tracker_params{}, track_id_source{});
    sess = sys.spawn(session, std::move(setup));
    drain();
  }

  client_actor add_client(std::shared_ptr<recording_connection> c,
                          size_t max_events = 256,
                          wire_extensions extensions = 0,
                          int32_t stats_hz = 0) {
    client_setup cs;
    cs.connection = c;
    cs.session = sess;
    cs.codec = codec;
    cs.max_queued_events = max_events;
    cs.extensions = extensions;
    cs.stats_hz = stats_hz;
    auto hdl = sys.spawn(client, std::move(cs));
    drain();
    return hdl;
  }

  void push(int64_t index, std::vector<pixel_box> boxes) {
    caf::anon_send(sess, make_frame(index, std::move(boxes)));
    drain();
  }

  /// Fires the session's tick timer once.
  void tick() {
    sched.trigger_timeout();
    drain();
  }

  /// Asks the session for its status and runs the actors until it answers.
  session_status request_status() {
    return ask<session_status>(sess, atom::status_v);
  }

  template <class T, class Handle, class... Ts>
  T ask(const Handle& hdl, Ts... xs) {
    T result;
    auto rh = self->request(hdl, caf::infinite, xs...);
    drain();
    rh.receive([&](T& x) { result = std::move(x); },
               [&](caf::error& err) { CAF_FAIL("request failed: " << err); });
    return result;
  }

  ~session_fixture() override {
    caf::anon_send_exit(sess, caf::exit_reason::user_shutdown);
    drain();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_client_tests, session_fixture)

CAF_TEST(the session subscribes to its camera) {
  auto cs = ask<camera_status>(cam, atom::status_v);
  CAF_CHECK_EQUAL(cs.subscribers, 1);
}

CAF_TEST(tracks become events at once and ticks at the publish rate) {
  cli = add_client(conn);
  push(0, {{100, 100, 40, 20}});
  CAF_CHECK(conn->of_type("track_event").empty()); // 1 hit < confirm_hits
  push(1, {{102, 100, 40, 20}});
  auto events = conn->of_type("track_event");
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK_EQUAL(events[0]["event"], "new");
  CAF_CHECK_EQUAL(events[0]["after"]["track_id"], "cam_01/1");
  CAF_CHECK(conn->of_type("metadata_tick").empty());
  tick();
  auto ticks = conn->of_type("metadata_tick");
  CAF_REQUIRE_EQUAL(ticks.size(), 1u);
  CAF_CHECK_EQUAL(ticks[0]["frame_index"], 1);
  CAF_CHECK_EQUAL(ticks[0]["tracks"].size(), 1u);
  CAF_CHECK_EQUAL(ticks[0]["tracks"][0]["label"], "drone");
  tick(); // nothing changed: no duplicate tick
  CAF_CHECK_EQUAL(conn->of_type("metadata_tick").size(), 1u);
}

CAF_TEST(only clients that ask get stats and asking does not split ticks) {
  auto strict = std::make_shared<recording_connection>();
  add_client(strict);
  auto asking = std::make_shared<recording_connection>();
  add_client(asking, 256, wire_ext::stats, 5);
  push(0, {{100, 100, 40, 20}});
  // The first stats message is due at once: its timer fires before the
  // tick's.
  tick();
  auto stats = asking->of_type("stats");
  CAF_REQUIRE_EQUAL(stats.size(), 1u);
  CAF_CHECK_EQUAL(stats[0]["session_id"], "s1");
  CAF_CHECK_EQUAL(stats[0]["camera_id"], "cam_01");
  CAF_CHECK_EQUAL(stats[0]["clients"], 2);
  CAF_CHECK_EQUAL(stats[0]["frames_processed"], 1);
  CAF_CHECK(strict->of_type("stats").empty());
  tick();
  CAF_CHECK_EQUAL(strict->of_type("metadata_tick").size(), 1u);
  CAF_CHECK_EQUAL(asking->of_type("metadata_tick").size(), 1u);
  // One encoding of the tick serves both: the stats bit adds messages, not
  // tick fields.
  CAF_CHECK_EQUAL(counting->ticks[0], 1);
  CAF_CHECK_EQUAL(counting->ticks.count(wire_ext::stats), 0u);
  CAF_CHECK(strict->of_type("stats").empty());
}

CAF_TEST(ticks are encoded once per extension set and shared by clients) {
  std::vector<std::shared_ptr<recording_connection>> plain, timed;
  for (int i = 0; i < 3; ++i) {
    plain.push_back(std::make_shared<recording_connection>());
    add_client(plain.back());
  }
  for (int i = 0; i < 2; ++i) {
    timed.push_back(std::make_shared<recording_connection>());
    add_client(timed.back(), 256, wire_ext::timing);
  }
  push(0, {{100, 100, 40, 20}});
  tick();
  CAF_CHECK_EQUAL(counting->ticks[0], 1);
  CAF_CHECK_EQUAL(counting->ticks[wire_ext::timing], 1);
  // The default stream is the seed contract: no timing stamp, and no ptz
  // block for a camera without PTZ.
  for (auto& c : plain) {
    auto ticks = c->of_type("metadata_tick");
    CAF_REQUIRE_EQUAL(ticks.size(), 1u);
    CAF_CHECK(!ticks[0].contains("published_unix_ms"));
    CAF_CHECK(!ticks[0].contains("ptz"));
  }
  for (auto& c : timed) {
    auto ticks = c->of_type("metadata_tick");
    CAF_REQUIRE_EQUAL(ticks.size(), 1u);
    CAF_CHECK(ticks[0]["published_unix_ms"].is_number());
  }
}

CAF_TEST(target commands are acked or refused) {
  cli = add_client(conn);
  push(0, {{100, 100, 40, 20}});
  caf::anon_send(cli, client_command{client_command::set_target, 42, "", ""});
  drain();
  auto errs = conn->of_type("error");
  CAF_REQUIRE_EQUAL(errs.size(), 1u);
  CAF_CHECK_EQUAL(errs[0]["error"], "unknown_target");
  caf::anon_send(cli, client_command{client_command::set_target, 1, "", ""});
  drain();
  auto acks = conn->of_type("ack");
  CAF_REQUIRE_EQUAL(acks.size(), 1u);
  CAF_CHECK_EQUAL(acks[0]["target_id"], 1);
  tick();
  auto ticks = conn->of_type("metadata_tick");
  CAF_REQUIRE(!ticks.empty());
  CAF_CHECK_EQUAL(ticks.back()["selected_target_id"], 1);
  CAF_CHECK_EQUAL(ticks.back()["tracking_phase"], "tracking");
  caf::anon_send(cli, client_command{client_command::clear_target, -1, "", ""});
  drain();
  CAF_CHECK_EQUAL(conn->of_type("ack").size(), 2u);
  caf::anon_send(
      cli, client_command{client_command::invalid, -1, "invalid_json", "bad"});
  write_all(cli, *conn);         // more than max_in_flight messages by now
  errs = conn->of_type("error"); // a local: the macro keeps references
  CAF_REQUIRE_EQUAL(errs.size(), 2u);
  CAF_CHECK_EQUAL(errs.back()["error"], "invalid_json");
}

CAF_TEST(a client that never drains is closed and counted while others go on) {
  auto slow = std::make_shared<recording_connection>();
  add_client(slow, 3); // never acknowledges writes
  cli = add_client(conn);
  // Each frame adds a new confirmed track: one event per frame after the
  // first two.
  for (int64_t i = 0; i < 12; ++i) {
    std::vector<pixel_box> boxes;
    for (int64_t k = 0; k <= i; ++k)
      boxes.push_back({float(10 + 45 * k), 10, 30, 30});
    push(i, boxes);
    write_all(cli, *conn); // the fast client writes everything
  }
  CAF_CHECK_EQUAL(slow->close_code, close_code::try_again_later);
  CAF_CHECK(slow->close_reason.find("too slow") != std::string::npos);
  CAF_CHECK_EQUAL(conn->close_code, 0);
  CAF_CHECK_GREATER_OR_EQUAL(conn->of_type("track_event").size(), 10u);
  auto st = request_status();
  CAF_CHECK_EQUAL(st.clients_closed_slow, 1);
  CAF_CHECK_EQUAL(st.clients, 1);
}

CAF_TEST(a busy detector keeps only the newest frame) {
  // Frames 1 and 2 arrive while the detector works on frame 0: frame 1
  // waits, is replaced by frame 2 and counted as dropped.
  caf::anon_send(sess, make_frame(0, {{10, 10, 30, 30}}));
  sched.prioritize(sess);
  sched.run_once(); // session hands frame 0 to the detector
  for (int64_t i = 1; i <= 2; ++i) {
    caf::anon_send(sess, make_frame(i, {{10, 10, 30, 30}}));
    sched.prioritize(sess);
    sched.run_once(); // the detector has not answered yet
  }
  drain();
  auto st = request_status();
  CAF_CHECK_EQUAL(st.frames_dropped, 1);
  CAF_CHECK_EQUAL(st.frames_processed, 2);
}

CAF_TEST(deleting the session ends tracks and closes its clients) {
  cli = add_client(conn);
  push(0, {{100, 100, 40, 20}});
  push(1, {{101, 100, 40, 20}});
  caf::anon_send_exit(sess, caf::exit_reason::user_shutdown);
  drain();
  auto events = conn->of_type("track_event");
  CAF_REQUIRE_EQUAL(events.size(), 2u);
  CAF_CHECK_EQUAL(events[1]["event"], "end");
  CAF_CHECK_EQUAL(conn->close_code, close_code::normal);
  CAF_CHECK_EQUAL(conn->close_reason, "session deleted");
}

CAF_TEST(new settings reach a running session and its tracker) {
  cli = add_client(conn);
  auto cfg = std::make_shared<config>();
  cfg->session.confirm_hits = 4;
  caf::anon_send(sess, atom::configure_v, config_ptr{cfg});
  drain();
  for (int i = 0; i < 3; ++i)
    push(i, {{100 + 2 * i, 100, 40, 20}});
  CAF_CHECK(conn->of_type("track_event").empty()); // 3 hits < 4 now
  push(3, {{106, 100, 40, 20}});
  CAF_CHECK_EQUAL(conn->of_type("track_event").size(), 1u);
  // A birth threshold above every score: the tracker starts no track.
  auto strict = std::make_shared<config>(*cfg);
  strict->tracker.new_track_thresh = 0.95;
  caf::anon_send(sess, atom::configure_v, config_ptr{strict});
  drain();
  for (int i = 4; i < 10; ++i)
    push(i, {{400, 300, 40, 20}, {106 + 2 * i, 100, 40, 20}});
  int news = 0;
  for (auto& e : conn->of_type("track_event"))
    news += e["event"] == "new";
  CAF_CHECK_EQUAL(news, 1); // the first track only
  CAF_CHECK_EQUAL(request_status().active_tracks, 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
