// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.viewer
#include "actors/relay/viewer.hpp"
#include "gateway/relay_codec.hpp"
#include "tests/actors/fixture.hpp"

#include <memory>

using namespace argus;
using namespace argus::test;

namespace {

/// What a mock RELAY was told.
struct relay_log {
  std::vector<double> joins;
  int leaves = 0;
};

using relay_log_ptr = std::shared_ptr<relay_log>;

relay_actor::behavior_type mock_relay(relay_log_ptr log) {
  return {
      [=](const camera_status&) {},
      [=](const frame_ptr&) {},
      [=](atom::join, viewer_actor, double fps) { log->joins.push_back(fps); },
      [=](atom::leave, viewer_actor) { ++log->leaves; },
      [=](atom::latest) -> caf::result<relay_frame> {
        return caf::make_error(ec::no_frame);
      },
      [=](atom::status) { return relay_status{}; },
      [=](atom::reinit) { return camera_status{}; },
      [=](atom::replace, camera_actor) {},
      [=](atom::reset) {},
      [=](atom::idle, uint64_t) {},
  };
}

relay_frame make_relay_frame(int64_t no) {
  relay_frame f;
  f.camera_id = "cam_01";
  f.frame_no = no;
  f.captured_unix_ms = 1'700'000'000'000 + no;
  f.width = 64;
  f.height = 36;
  f.jpeg = std::make_shared<const std::string>("jpeg#" + std::to_string(no));
  return f;
}

camera_status state_of(camera_link link, int64_t decoded = 0) {
  camera_status cs;
  cs.camera_id = "cam_01";
  cs.state = link;
  cs.frames_decoded = decoded;
  return cs;
}

struct viewer_fixture : fixture {
  relay_log_ptr rel_log = std::make_shared<relay_log>();
  relay_actor rel;
  std::shared_ptr<recording_connection> conn
      = std::make_shared<recording_connection>();
  viewer_actor v;

  viewer_fixture() {
    rel = sys.spawn(mock_relay, rel_log);
    viewer_setup setup;
    setup.connection = conn;
    setup.relay = rel;
    setup.codec = std::make_shared<json_relay_codec>();
    setup.fps = 5;
    v = sys.spawn(viewer, std::move(setup));
    drain();
  }

  ~viewer_fixture() override {
    caf::anon_send_exit(v, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(rel, caf::exit_reason::user_shutdown);
    drain();
  }

  void send_frame(int64_t no) {
    caf::anon_send(v, make_relay_frame(no));
    drain();
  }

  void send_state(camera_status cs) {
    caf::anon_send(v, std::move(cs));
    drain();
  }

  /// The socket wrote `n` more messages.
  void written(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      caf::anon_send(v, atom::written_v);
      ++conn->acked;
    }
    drain();
  }

  /// The frame_no of the header at `i` (a copy: CAF_CHECK_EQUAL keeps a
  /// reference past the end of its argument's full expression).
  int64_t frame_no_at(size_t i) const {
    return nlohmann::json::parse(conn->sent.at(i)).value("frame_no", -1);
  }

  /// Every text message's type, and "<binary>" for the others, in order.
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < conn->sent.size(); ++i)
      out.push_back(
          conn->binary[i]
              ? "<binary>"
              : nlohmann::json::parse(conn->sent[i]).value("type", "?"));
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(viewer_tests, viewer_fixture)

CAF_TEST(a viewer joins its relay at its rate) {
  CAF_REQUIRE_EQUAL(rel_log->joins.size(), 1u);
  CAF_CHECK_EQUAL(rel_log->joins[0], 5.0);
  CAF_CHECK(conn->sent.empty());
}

CAF_TEST(a frame goes out as a JSON header and then the binary JPEG) {
  send_frame(1);
  CAF_REQUIRE_EQUAL(conn->sent.size(), 2u);
  CAF_CHECK(!conn->binary[0]);
  CAF_CHECK(conn->binary[1]);
  auto header = nlohmann::json::parse(conn->sent[0]);
  CAF_CHECK_EQUAL(header["type"], "frame");
  CAF_CHECK_EQUAL(header["camera_id"], "cam_01");
  CAF_CHECK_EQUAL(header["frame_no"], 1);
  CAF_CHECK_EQUAL(header["captured_unix_ms"], 1'700'000'000'001);
  CAF_CHECK_EQUAL(header["size"], std::string("jpeg#1").size());
  CAF_CHECK(header["sent_unix_ms"].get<int64_t>() > 0);
  CAF_CHECK_EQUAL(conn->sent[1], "jpeg#1");
}

CAF_TEST(the newest frame wins while the socket is busy) {
  send_frame(1);
  send_frame(2);
  send_frame(3);
  send_frame(4);
  CAF_CHECK_EQUAL(conn->sent.size(), 2u); // frame 1 is still being written
  written(1);
  CAF_CHECK_EQUAL(conn->sent.size(), 2u); // a frame is never split
  written(1);
  CAF_REQUIRE_EQUAL(conn->sent.size(), 4u);
  CAF_CHECK_EQUAL(frame_no_at(2), 4);
  CAF_CHECK_EQUAL(conn->sent[3], "jpeg#4");
  written(2);
  CAF_CHECK_EQUAL(conn->sent.size(), 4u); // 2 and 3 were replaced
}

CAF_TEST(camera states are never dropped and go out in order) {
  send_frame(1); // the socket is busy with it
  send_state(state_of(camera_link::connecting, 1));
  send_frame(2);
  send_state(state_of(camera_link::online, 2));
  send_state(state_of(camera_link::disconnected, 3));
  send_frame(3);
  CAF_CHECK_EQUAL(conn->sent.size(), 2u);
  write_all(v, *conn);
  std::vector<std::string> want{"frame",
                                "<binary>",
                                "camera_status",
                                "camera_status",
                                "camera_disconnected",
                                "frame",
                                "<binary>"};
  CAF_CHECK_EQUAL(kinds(), want);
  auto states = conn->of_type("camera_status");
  CAF_REQUIRE_EQUAL(states.size(), 2u);
  CAF_CHECK_EQUAL(states[0]["state"], "connecting");
  CAF_CHECK_EQUAL(states[1]["state"], "online");
  CAF_CHECK_EQUAL(frame_no_at(5), 3);
}

CAF_TEST(a viewer that lets 64 states pile up is closed with 1013) {
  // Two go out to the socket and are never written; 64 wait; one more
  // overflows.
  for (int i = 0; i < 2 + 64; ++i)
    send_state(state_of(camera_link::online, i));
  CAF_CHECK_EQUAL(conn->close_code, 0);
  send_state(state_of(camera_link::online, 99));
  CAF_CHECK_EQUAL(conn->close_code, close_code::try_again_later);
  CAF_CHECK(conn->close_reason.find("too slow") != std::string::npos);
}

CAF_TEST(a relay that goes down closes the viewer with 1013) {
  caf::anon_send_exit(rel, caf::exit_reason::kill);
  drain();
  CAF_CHECK_EQUAL(conn->close_code, 1013);
  CAF_CHECK_EQUAL(conn->close_reason, "camera relay restarted");
  send_frame(1); // the viewer quit: nothing more reaches the socket
  CAF_CHECK(conn->sent.empty());
}

CAF_TEST(a closed socket leaves the relay and stops the viewer) {
  caf::anon_send(v, atom::closed_v);
  expect((atom::closed), to(v));
  expect((atom::leave, viewer_actor), from(v).to(rel));
  CAF_CHECK_EQUAL(rel_log->leaves, 1);
  CAF_CHECK_EQUAL(conn->close_code, 0); // the socket is already gone
  send_frame(9); // the viewer quit: nothing more reaches the socket
  CAF_CHECK(conn->sent.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
