// SPDX-License-Identifier: Apache-2.0
#define CAF_SUITE actors.frame_client
#include "actors/frames/frame_client.hpp"
#include "gateway/frame_codec.hpp"
#include "tests/actors/fixture.hpp"

#include <memory>

using namespace argus;
using namespace argus::test;

namespace {

/// A mock CLIP whose frame requests wait until the test answers them (or
/// are answered at once with `immediate`). The test answers by sending
/// the frame to the clip, as its DECODER would (FRAME_DONE): a promise
/// must be delivered from inside its actor, because under the test
/// coordinator the actor's execution unit is gone between runs.
struct clip_log {
  bool immediate = false;
  std::vector<frame_key> asked;
  std::vector<std::pair<frame_key, caf::typed_response_promise<encoded_frame>>>
      held;
  std::vector<std::pair<int64_t, int32_t>> played;
  std::vector<int64_t> prefetched;
};

using clip_log_ptr = std::shared_ptr<clip_log>;

encoded_frame frame_for(const frame_key& key) {
  encoded_frame f;
  f.clip_id = "c1";
  f.key = key;
  f.display_index = static_cast<int32_t>(key.offset / 100);
  f.decode_index = f.display_index;
  f.pts = key.offset;
  f.jpeg = std::make_shared<const std::string>("jpeg@"
                                               + std::to_string(key.offset));
  return f;
}

/// Chunk 0 holds frames at 0, 100, 200; chunk 1000 frames at 1000, 1100.
clip_index_ptr small_index() {
  auto idx = std::make_shared<clip_index>();
  for (int64_t irap : {0, 1000}) {
    irap_entry e;
    e.offset = irap;
    for (int64_t off = irap; off < irap + (irap == 0 ? 300 : 200); off += 100)
      e.frames.push_back(frame_entry{off});
    idx->iraps.push_back(e);
  }
  return idx;
}

clip_actor::behavior_type held_clip(clip_actor::pointer self,
                                    clip_log_ptr log) {
  return {
      [=](atom::create) -> caf::result<clip_info> { return clip_info{}; },
      [=](atom::status) -> caf::result<clip_info> { return clip_info{}; },
      [=](atom::index) -> caf::result<clip_index_ptr> {
        return clip_index_ptr{small_index()};
      },
      [=](frame_key& key) -> caf::result<encoded_frame> {
        log->asked.push_back(key);
        if (log->immediate)
          return frame_for(key);
        auto rp = self->make_response_promise<encoded_frame>();
        log->held.emplace_back(key, rp);
        return rp;
      },
      [=](atom::prefetch, int64_t irap) -> caf::result<int64_t> {
        log->prefetched.push_back(irap);
        return irap;
      },
      [=](atom::prefetch, int64_t irap, int32_t quality) {
        log->played.emplace_back(irap, quality);
      },
      [=](encoded_frame& f) {
        auto& held = log->held;
        for (auto it = held.begin(); it != held.end(); ++it)
          if (it->first.offset == f.key.offset) {
            it->second.deliver(f);
            held.erase(it);
            return;
          }
      },
  };
}

/// A mock CLIP MANAGER that knows one clip, "c1": the actor in `c1` (a
/// test replaces it as the real manager does when a clip is registered
/// again after it died).
clip_manager_actor::behavior_type mock_manager(std::shared_ptr<clip_actor> c1) {
  return {
      [=](clip_source& src) -> caf::result<clip_info> {
        if (src.uri.find("missing") != std::string::npos)
          return caf::make_error(ec::source_not_found, "no such object");
        clip_info info;
        info.clip_id = src.clip_id;
        info.uri = src.uri;
        info.frame_count = 5;
        info.created = true;
        return info;
      },
      [=](atom::get, const std::string& id) -> caf::result<clip_actor> {
        if (id != "c1")
          return caf::make_error(ec::unknown_clip, "no clip '" + id + "'");
        return *c1;
      },
      [=](atom::list) -> caf::result<std::vector<clip_info>> {
        return std::vector<clip_info>{};
      },
  };
}

frame_command frames_of(const std::string& id, std::vector<int64_t> offsets,
                        int32_t quality = 70) {
  frame_command cmd;
  cmd.kind = frame_command::request_frames;
  cmd.request_id = id;
  cmd.clip_id = "c1";
  cmd.iraps = {0};
  cmd.offsets = std::move(offsets);
  cmd.quality = quality;
  return cmd;
}

struct frame_client_fixture : fixture {
  clip_log_ptr log = std::make_shared<clip_log>();
  clip_actor c1;
  std::shared_ptr<clip_actor> registered = std::make_shared<clip_actor>();
  clip_manager_actor mgr;
  std::shared_ptr<recording_connection> conn
      = std::make_shared<recording_connection>();
  frame_client_actor fc;

  frame_client_fixture() {
    c1 = sys.spawn(held_clip, log);
    *registered = c1;
    mgr = sys.spawn(mock_manager, registered);
  }

  ~frame_client_fixture() override {
    if (fc)
      caf::anon_send_exit(fc, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(mgr, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(c1, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(*registered, caf::exit_reason::user_shutdown);
    drain();
  }

  void start(frame_client_setup setup = {}) {
    setup.connection = conn;
    setup.clips = mgr;
    setup.codec = std::make_shared<json_frame_codec>();
    fc = sys.spawn(frame_client, std::move(setup));
    drain();
  }

  void command(frame_command cmd) {
    caf::anon_send(fc, std::move(cmd));
    drain();
  }

  /// Answers the oldest held frame request with its frame.
  void answer_next() {
    CAF_REQUIRE(!log->held.empty());
    caf::anon_send(c1, frame_for(log->held.front().first));
    drain();
  }

  std::vector<int64_t> asked_offsets() const {
    std::vector<int64_t> out;
    for (auto& k : log->asked)
      out.push_back(k.offset);
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(frame_client_tests, frame_client_fixture)

CAF_TEST(register_clip goes to the clip manager and answers the summary) {
  start();
  frame_command cmd;
  cmd.kind = frame_command::register_clip;
  cmd.request_id = "r1";
  cmd.clip_id = "c1";
  cmd.uri = "file:///clip.h265";
  command(cmd);
  auto reg = conn->of_type("clip_registered");
  CAF_REQUIRE_EQUAL(reg.size(), 1u);
  CAF_CHECK_EQUAL(reg[0]["request_id"], "r1");
  CAF_CHECK_EQUAL(reg[0]["clip"]["clip_id"], "c1");
  CAF_CHECK_EQUAL(reg[0]["clip"]["uri"], "file:///clip.h265");
  CAF_CHECK_EQUAL(conn->reads_resumed, 1u);
  cmd.request_id = "r2";
  cmd.uri = "file:///missing.h265";
  command(cmd);
  auto errs = conn->of_type("error");
  CAF_REQUIRE_EQUAL(errs.size(), 1u);
  CAF_CHECK_EQUAL(errs[0]["request_id"], "r2");
  CAF_CHECK_EQUAL(errs[0]["error"], "source_not_found");
  CAF_CHECK_EQUAL(conn->reads_resumed, 2u);
}

CAF_TEST(a frame goes out as a JSON header and then the binary JPEG) {
  start();
  command(frames_of("r1", {100}));
  CAF_CHECK_EQUAL(conn->reads_resumed, 1u);
  CAF_REQUIRE_EQUAL(log->asked.size(), 1u);
  CAF_CHECK_EQUAL(log->asked[0].irap, 0);
  CAF_CHECK_EQUAL(log->asked[0].quality, 70);
  answer_next();
  write_all(fc, *conn);
  CAF_REQUIRE_EQUAL(conn->sent.size(), 3u);
  auto header = nlohmann::json::parse(conn->sent[0]);
  CAF_CHECK_EQUAL(header["type"], "frame");
  CAF_CHECK_EQUAL(header["request_id"], "r1");
  CAF_CHECK_EQUAL(header["offset"], 100);
  CAF_CHECK_EQUAL(header["size"], std::string("jpeg@100").size());
  CAF_CHECK(conn->binary[1]);
  CAF_CHECK_EQUAL(conn->sent[1], "jpeg@100");
  auto done = nlohmann::json::parse(conn->sent[2]);
  CAF_CHECK_EQUAL(done["type"], "request_done");
  CAF_CHECK_EQUAL(done["frames"], 1);
  CAF_CHECK_EQUAL(done["errors"], 0);
}

CAF_TEST(at most max_in_flight frames are asked at once and newest first) {
  frame_client_setup setup;
  setup.max_in_flight = 2;
  start(setup);
  command(frames_of("old", {0, 100, 200}));
  CAF_CHECK_EQUAL(asked_offsets(), (std::vector<int64_t>{0, 100}));
  command(frames_of("new", {1000, 1100}, 50));
  CAF_CHECK_EQUAL(log->asked.size(), 2u); // still two in flight
  answer_next();
  // The newer request goes first; the older one's frame 200 waits.
  CAF_CHECK_EQUAL(asked_offsets(), (std::vector<int64_t>{0, 100, 1000}));
  answer_next();
  answer_next();
  answer_next();
  answer_next();
  CAF_CHECK_EQUAL(asked_offsets(),
                  (std::vector<int64_t>{0, 100, 1000, 1100, 200}));
  write_all(fc, *conn);
  CAF_CHECK_EQUAL(conn->of_type("frame").size(), 5u);
  CAF_CHECK_EQUAL(conn->of_type("request_done").size(), 2u);
}

CAF_TEST(frames are not asked for while the socket has a backlog) {
  frame_client_setup setup;
  setup.max_in_flight = 1;
  setup.max_unwritten = 4; // two frames of header + JPEG
  start(setup);
  log->immediate = true;
  std::vector<int64_t> offsets;
  for (int64_t i = 0; i < 12; ++i)
    offsets.push_back(i * 100);
  command(frames_of("r1", offsets));
  // Two frames on the socket, two more waiting for it: asking stops.
  CAF_CHECK_EQUAL(log->asked.size(), 4u);
  CAF_CHECK_EQUAL(conn->sent.size(), 4u);
  // The socket writes two frames: the waiting two go out, two more are
  // asked for, and asking stops again.
  for (int i = 0; i < 4; ++i)
    caf::anon_send(fc, atom::written_v);
  conn->acked = 4;
  drain();
  CAF_CHECK_EQUAL(conn->sent.size(), 8u);
  CAF_CHECK_EQUAL(log->asked.size(), 6u);
  write_all(fc, *conn);
  CAF_CHECK_EQUAL(log->asked.size(), 12u);
  CAF_CHECK_EQUAL(conn->of_type("frame").size(), 12u);
  auto done = conn->of_type("request_done");
  CAF_REQUIRE_EQUAL(done.size(), 1u);
  CAF_CHECK_EQUAL(done[0]["frames"], 12);
}

CAF_TEST(a request id still being served is refused as a duplicate) {
  start();
  command(frames_of("r1", {0, 100}));
  command(frames_of("r1", {200}));
  auto errs = conn->of_type("error");
  CAF_REQUIRE_EQUAL(errs.size(), 1u);
  CAF_CHECK_EQUAL(errs[0]["error"], "duplicate_request_id");
  CAF_CHECK_EQUAL(errs[0]["request_id"], "r1");
  CAF_CHECK_EQUAL(log->asked.size(), 2u);
  CAF_CHECK_EQUAL(conn->reads_resumed, 2u);
  answer_next();
  answer_next();
  command(frames_of("r1", {200})); // done: the id is free again
  CAF_CHECK_EQUAL(log->asked.size(), 3u);
  CAF_CHECK_EQUAL(conn->of_type("error").size(), 1u);
}

CAF_TEST(an unknown clip is an error for that request) {
  start();
  auto cmd = frames_of("r1", {0});
  cmd.clip_id = "nope";
  command(cmd);
  auto errs = conn->of_type("error");
  CAF_REQUIRE_EQUAL(errs.size(), 1u);
  CAF_CHECK_EQUAL(errs[0]["error"], "unknown_clip");
  CAF_CHECK_EQUAL(conn->reads_resumed, 1u);
  CAF_CHECK(log->asked.empty());
}

CAF_TEST(reads stay paused until a command has been handled) {
  start();
  frame_command cmd;
  cmd.kind = frame_command::request_chunk;
  cmd.request_id = "r1";
  cmd.clip_id = "c1";
  cmd.iraps = {1000};
  cmd.quality = 60;
  caf::anon_send(fc, cmd);
  sched.run_once(); // the frame client asks the manager for the clip
  CAF_CHECK_EQUAL(conn->reads_resumed, 0u);
  drain(); // clip found, its index read, the request queued
  CAF_CHECK_EQUAL(conn->reads_resumed, 1u);
  CAF_REQUIRE_EQUAL(log->played.size(), 1u);
  CAF_CHECK_EQUAL(log->played[0].first, 1000);
  CAF_CHECK_EQUAL(log->played[0].second, 60);
  CAF_CHECK_EQUAL(asked_offsets(), (std::vector<int64_t>{1000, 1100}));
  cmd.request_id = "r2";
  cmd.iraps = {555};
  command(cmd);
  auto errs = conn->of_type("error");
  CAF_REQUIRE_EQUAL(errs.size(), 1u);
  CAF_CHECK_EQUAL(errs[0]["error"], "unknown_frame");
  CAF_CHECK_EQUAL(conn->reads_resumed, 2u);
}

CAF_TEST(superseded requests are dropped beyond the lifo depth) {
  frame_client_setup setup;
  setup.lifo_depth = 1;
  setup.max_in_flight = 1;
  start(setup);
  command(frames_of("a", {0, 100, 200}));
  command(frames_of("b", {1000, 1100}));
  auto dropped = conn->of_type("dropped");
  CAF_REQUIRE_EQUAL(dropped.size(), 1u);
  CAF_CHECK_EQUAL(dropped[0]["request_id"], "a");
  CAF_CHECK_EQUAL(dropped[0]["frames"], 2); // frame 0 was already asked
  while (!log->held.empty())
    answer_next();
  CAF_CHECK_EQUAL(asked_offsets(), (std::vector<int64_t>{0, 1000, 1100}));
}

CAF_TEST(register_chunks prefetches every chunk) {
  start();
  frame_command cmd;
  cmd.kind = frame_command::register_chunks;
  cmd.request_id = "r1";
  cmd.clip_id = "c1";
  cmd.iraps = {0, 1000};
  command(cmd);
  CAF_CHECK_EQUAL(log->prefetched, (std::vector<int64_t>{0, 1000}));
  auto reg = conn->of_type("chunks_registered");
  CAF_REQUIRE_EQUAL(reg.size(), 1u);
  CAF_CHECK_EQUAL(reg[0]["iraps"], nlohmann::json::array({0, 1000}));
}

CAF_TEST(a client that reads nothing while max_queued wait is closed) {
  frame_client_setup setup;
  setup.max_unwritten = 2;
  setup.max_queued = 3;
  start(setup);
  frame_command bad;
  bad.kind = frame_command::invalid;
  bad.error = "invalid_json";
  // Two go to the socket, which never writes them; three wait.
  for (int i = 0; i < 5; ++i)
    command(bad);
  CAF_CHECK_EQUAL(conn->close_code, 0);
  CAF_CHECK_EQUAL(conn->sent.size(), 2u);
  command(bad);
  CAF_CHECK_EQUAL(conn->close_code, close_code::try_again_later);
  CAF_CHECK(conn->close_reason.find("too slow") != std::string::npos);
}

CAF_TEST(a clip that died is looked up again instead of asked forever) {
  start();
  log->immediate = true;
  command(frames_of("r1", {0}));
  write_all(fc, *conn);
  CAF_CHECK_EQUAL(conn->of_type("frame").size(), 1u);
  // The clip dies and is registered again: the manager has a new actor.
  auto log2 = std::make_shared<clip_log>();
  log2->immediate = true;
  *registered = sys.spawn(held_clip, log2);
  caf::anon_send_exit(c1, caf::exit_reason::kill);
  drain();
  command(frames_of("r2", {100}));
  write_all(fc, *conn);
  CAF_CHECK(conn->of_type("error").empty());
  CAF_CHECK_EQUAL(log2->asked.size(), 1u);
  CAF_CHECK_EQUAL(conn->of_type("frame").size(), 2u);
}

CAF_TEST(frames queued for a clip that died fail and the client lives on) {
  frame_client_setup setup;
  setup.max_in_flight = 1;
  start(setup);
  command(frames_of("r1", {0, 100, 200}));
  CAF_REQUIRE_EQUAL(log->held.size(), 1u);
  caf::anon_send_exit(c1, caf::exit_reason::kill);
  drain();
  // The frame in flight times out; the two queued ones have no clip.
  sched.trigger_timeouts();
  drain();
  write_all(fc, *conn);
  CAF_CHECK_EQUAL(conn->close_code, 0);
  auto errs = conn->of_type("error");
  CAF_REQUIRE_EQUAL(errs.size(), 3u);
  CAF_CHECK_EQUAL(errs[0]["error"], "timeout");
  CAF_CHECK_EQUAL(errs[1]["error"], "unknown_clip");
  CAF_CHECK_EQUAL(errs[1]["offset"], 100);
  auto done = conn->of_type("request_done");
  CAF_REQUIRE_EQUAL(done.size(), 1u);
  CAF_CHECK_EQUAL(done[0]["errors"], 3);
  CAF_CHECK_EQUAL(done[0]["frames"], 0);
}

CAF_TEST(a closed socket stops the frame client) {
  start();
  command(frames_of("r1", {0}));
  caf::anon_send(fc, atom::closed_v);
  drain();
  answer_next(); // the answer finds nobody
  CAF_CHECK(conn->sent.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
