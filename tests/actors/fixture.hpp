// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the deterministic actor tests: the fixture (CAF's test
// coordinator with argus' real actor_config), a recording client
// connection, and mocks that implement the real typed interfaces so
// protocol drift is a compile error.
#pragma once

#include "actors/interfaces.hpp"
#include "actors/system_config.hpp"
#include "actors/wire.hpp"
#include "gateway/json_codec.hpp"

#include <caf/test/dsl.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace argus::test {

/// Records what a CLIENT hands to its socket.
struct recording_connection : client_connection {
  std::vector<std::string> sent;
  /// Whether each of `sent` went out as a binary message.
  std::vector<bool> binary;
  /// How many of `sent` the test has reported written to the CLIENT.
  size_t acked = 0;
  uint16_t close_code = 0;
  std::string close_reason;

  size_t reads_resumed = 0;

  void send(text_ptr text) override {
    sent.push_back(*text);
    binary.push_back(false);
  }
  void send_binary(text_ptr bytes) override {
    sent.push_back(*bytes);
    binary.push_back(true);
  }
  void resume_read() override { ++reads_resumed; }
  void close(uint16_t code, std::string reason) override {
    close_code = code;
    close_reason = std::move(reason);
  }

  /// The messages sent so far whose "type" is `type`.
  std::vector<nlohmann::json> of_type(const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (size_t i = 0; i < sent.size(); ++i) {
      if (binary[i])
        continue;
      auto j = nlohmann::json::parse(sent[i]);
      if (j.value("type", "") == type)
        out.push_back(j);
    }
    return out;
  }
};

/// A CAMERA that only remembers its subscribers; tests push frames.
struct mock_camera_state {
  static inline constexpr const char* name = "mock_camera";
  std::vector<frame_sink_actor> sinks;
};

inline camera_actor::behavior_type
mock_camera(camera_actor::stateful_pointer<mock_camera_state> self) {
  return {
      [=](atom::subscribe, frame_sink_actor s) {
        self->state.sinks.push_back(s);
      },
      [=](atom::unsubscribe, frame_sink_actor) { self->state.sinks.clear(); },
      [=](atom::watch, camera_watcher_actor) {},
      [=](atom::status) {
        camera_status st;
        st.state = camera_link::online;
        st.subscribers = int64_t(self->state.sinks.size());
        return st;
      },
      [=](atom::reinit) {
        camera_status st;
        st.state = camera_link::connecting;
        return st;
      },
      [=](const ptz_command&) -> caf::result<ptz_pose> {
        return caf::make_error(ec::no_ptz);
      },
      [=](atom::next, uint64_t) {},
      [=](atom::idle, uint64_t) {},
  };
}

/// A DETECTOR that turns each frame's ground truth into detections, so the
/// real TRACKER gets exactly known input.
inline detector_actor::behavior_type truth_detector() {
  return {
      [](const frame_ptr& f) {
        detection_set ds;
        ds.frame_index = f->index;
        ds.ts_unix_ms = f->ts_unix_ms;
        ds.ts_mono_ms = f->ts_mono_ms;
        ds.frame_w = f->bgr.cols;
        ds.frame_h = f->bgr.rows;
        for (auto& t : f->truth)
          ds.detections.push_back({t.bbox, 0.9f, t.class_id});
        return ds;
      },
      // Model management: nothing to load, nothing to compare.
      [](atom::activate, const model_spec&) { return true; },
      [](atom::shadow, const model_spec&, int32_t) { return true; },
      [](atom::shadow, atom::status) { return shadow_report{}; },
      [](atom::shadow, atom::remove) { return shadow_report{}; },
  };
}

/// A frame of size 640x360 whose "detector output" is `boxes`.
inline frame_ptr make_frame(int64_t index, std::vector<pixel_box> boxes) {
  auto f = std::make_shared<frame>();
  f->index = index;
  f->ts_mono_ms = 1000 + 100 * index;
  f->ts_unix_ms = 1'700'000'000'000 + 100 * index;
  f->bgr = cv::Mat(360, 640, CV_8UC3);
  int64_t id = 0;
  for (auto& b : boxes)
    f->truth.push_back({++id, 0, b, 0});
  return f;
}

struct fixture : test_coordinator_fixture<actor_config> {
  wire_codec_ptr codec = std::make_shared<json_wire_codec>();

  /// Runs every pending message, but no timer.
  void drain() { sched.run(); }

  /// Sends a request, runs the actors, and returns the reply or the error
  /// (sec::bad_function_call when nobody answered yet).
  template <class T, class Handle, class... Ts>
  caf::expected<T> call(const Handle& hdl, Ts... xs) {
    auto rh = self->request(hdl, caf::infinite, xs...);
    drain();
    return reply<T>(rh);
  }

  /// The answer to a request sent earlier, if it has arrived (a receive
  /// without one would block the test).
  template <class T, class Handle> caf::expected<T> reply(Handle& rh) {
    caf::expected<T> result{caf::sec::bad_function_call};
    if (self->mailbox().empty())
      return result;
    rh.receive([&](T& x) { result = std::move(x); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Plays a socket that writes everything: reports each message handed to
  /// `conn` as written until the CLIENT has nothing more to hand over.
  template <class Handle>
  void write_all(const Handle& cli, recording_connection& conn) {
    drain();
    while (conn.acked < conn.sent.size()) {
      for (; conn.acked < conn.sent.size(); ++conn.acked)
        caf::anon_send(cli, atom::written_v);
      drain();
    }
  }
};

} // namespace argus::test
