// SPDX-License-Identifier: Apache-2.0
#include "fuzz/support/gateway_harness.hpp"

#include "actors/system_config.hpp"
#include "core/frames/hevc_index.hpp"
#include "core/history/track_db.hpp"
#include "core/text.hpp"
#include "fuzz/support/fuzz_check.hpp"
#include "gateway/frame_codec.hpp"
#include "gateway/frame_routes.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/relay_codec.hpp"
#include "gateway/router.hpp"

#include <caf/actor_system.hpp>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sstream>

namespace argus::fuzz {

namespace {

using nlohmann::json;

/// Longer than every request timeout route() and the endpoints use with
/// instantly answering stubs; only a lost answer runs into it.
constexpr auto deadline = std::chrono::seconds(20);

const std::string known_uri = "file:///fuzz/clip1.h265";
const std::string known_track = "cam1/1";

// -- stub actors ---------------------------------------------------------

session_status session_status_of() {
  session_status st;
  st.session_id = known_session;
  st.camera_id = known_camera;
  st.running = true;
  st.fps = 10;
  st.camera_state = "online";
  return st;
}

session_actor::behavior_type stub_session(session_actor::pointer) {
  return {
      [](const frame_ptr&) {},
      [](atom::subscribe, const client_actor&, uint32_t) {},
      [](atom::unsubscribe, const client_actor&) {},
      [](atom::evicted, const client_actor&) {},
      // The real session's answers (analytics_session::command), with
      // tracks 1..3 alive.
      [](const client_command& cmd) {
        command_reply r;
        if (cmd.kind == client_command::set_target) {
          r.command = "set_target_id";
          r.target_id = cmd.target_id;
          r.ok = cmd.target_id >= 1 && cmd.target_id <= 3;
          if (!r.ok) {
            r.error = "unknown_target";
            r.detail
                = "no active track with id " + std::to_string(cmd.target_id);
          }
        } else if (cmd.kind == client_command::clear_target) {
          r.command = "clear_target";
          r.ok = true;
        } else {
          r.error = cmd.error.empty() ? "invalid_command" : cmd.error;
          r.detail = cmd.detail;
        }
        return r;
      },
      [](atom::status) { return session_status_of(); },
      [](atom::replace, const store_actor&) {},
      [](atom::replace, const ptz_actor&) {},
      [](atom::configure, const config_ptr&) {},
      [](atom::tick, uint64_t) {},
      [](atom::subscribe, const client_actor&, uint32_t, int32_t) {},
      [](atom::publish, uint64_t) {},
  };
}

registry_actor::behavior_type stub_registry(registry_actor::pointer,
                                            session_actor session) {
  return {
      [](atom::list) {
        return std::vector<camera_info>{
            {known_camera, "synthetic", 640, 360, 10.0, known_session},
            {"cam2", "rtsp", 1280, 720, 25.0, ""}};
      },
      [](atom::create,
         const std::string& camera_id) -> caf::result<session_info> {
        if (camera_id.empty() || camera_id == known_camera)
          return session_info{known_session, known_camera, false};
        return caf::make_error(ec::unknown_camera,
                               "no camera with id '" + camera_id + "'");
      },
      [session](atom::get,
                const std::string& id) -> caf::result<session_actor> {
        if (id == known_session)
          return session;
        return caf::make_error(ec::unknown_session, "no session '" + id + "'");
      },
      [](atom::status, const std::string& id) -> caf::result<session_status> {
        if (id == known_session)
          return session_status_of();
        return caf::make_error(ec::unknown_session, "no session '" + id + "'");
      },
      [](atom::remove, const std::string& id) -> caf::result<std::string> {
        if (id == known_session)
          return id;
        return caf::make_error(ec::unknown_session, "no session '" + id + "'");
      },
      [](atom::ready) { return true; },
      [](atom::watch, const session_watcher_actor&) {},
      [](atom::replace, const std::string&, const camera_actor&) {},
      [](atom::replace, const store_actor&) {},
      [](atom::replace, const std::string&, const ptz_actor&) {},
      [](atom::configure, const config_ptr&) {},
      [](atom::activate, const model_spec&) { return int32_t{0}; },
      [](atom::shadow, const model_spec&, int32_t) { return int32_t{0}; },
      [](atom::shadow, atom::status) { return shadow_report{}; },
      [](atom::shadow, atom::remove) { return shadow_report{}; },
      [](atom::shadow, const shadow_report&) {},
  };
}

/// Two chunks of three frames: enough for every lookup path of the real
/// locate_frame/locate_irap the stub clip answers with.
clip_index_ptr make_index() {
  auto idx = std::make_shared<clip_index>();
  idx->container = "annexb";
  idx->width = 64;
  idx->height = 48;
  idx->object_size = 6000;
  idx->frame_count = 6;
  for (int64_t c = 0; c < 2; ++c) {
    irap_entry chunk;
    chunk.offset = c * 3000;
    chunk.end = chunk.offset + 3000;
    for (int32_t f = 0; f < 3; ++f) {
      frame_entry fe;
      fe.offset = chunk.offset + f * 1000;
      fe.size = 1000;
      fe.decode_index = f;
      fe.display_index = static_cast<int32_t>(c * 3 + f);
      fe.pts = fe.display_index;
      fe.nal_type = f == 0 ? 19 : 1;
      chunk.frames.push_back(fe);
    }
    idx->iraps.push_back(std::move(chunk));
  }
  return idx;
}

clip_info clip_info_of(const std::string& id, const std::string& uri,
                       bool created) {
  clip_info info;
  info.clip_id = id;
  info.uri = uri;
  info.container = "annexb";
  info.width = 64;
  info.height = 48;
  info.frame_count = 6;
  info.irap_count = 2;
  info.object_size = 6000;
  info.created = created;
  return info;
}

clip_actor::behavior_type stub_clip(clip_actor::pointer) {
  auto idx = make_index();
  auto jpeg = std::make_shared<const std::string>("\xff\xd8\xff\xd9");
  return {
      [](atom::create) { return clip_info_of(known_clip, known_uri, false); },
      [](atom::status) { return clip_info_of(known_clip, known_uri, false); },
      [idx](atom::index) { return idx; },
      [idx, jpeg](const frame_key& key) -> caf::result<encoded_frame> {
        auto loc = locate_frame(*idx, key.irap, key.offset);
        if (!loc)
          return loc.error();
        const auto& f = idx->iraps[loc->irap_index].frames[loc->decode_index];
        return encoded_frame{known_clip,     key,   f.display_index,
                             f.decode_index, f.pts, jpeg};
      },
      [idx](atom::prefetch, int64_t irap) -> caf::result<int64_t> {
        auto chunk = locate_irap(*idx, irap);
        if (!chunk)
          return chunk.error();
        return irap;
      },
      [](atom::prefetch, int64_t, int32_t) {},
      [](const encoded_frame&) {},
  };
}

clip_manager_actor::behavior_type stub_clip_manager(clip_manager_actor::pointer,
                                                    clip_actor clip) {
  return {
      [](const clip_source& src) -> caf::result<clip_info> {
        if (src.clip_id.empty())
          return caf::make_error(ec::invalid_argument,
                                 "clip_id must be 1-128 characters");
        if (src.clip_id == known_clip && src.uri != known_uri)
          return caf::make_error(ec::clip_conflict,
                                 "clip '" + src.clip_id
                                     + "' is registered with another uri: "
                                     + known_uri);
        return clip_info_of(src.clip_id, src.uri, src.clip_id != known_clip);
      },
      [clip](atom::get, const std::string& id) -> caf::result<clip_actor> {
        if (id == known_clip)
          return clip;
        return caf::make_error(ec::unknown_clip,
                               "no clip '" + id
                                   + "' is registered; POST /clips first");
      },
      [](atom::list) {
        return std::vector<clip_info>{
            clip_info_of(known_clip, known_uri, false)};
      },
  };
}

stored_track track_of(const std::string& camera_id) {
  stored_track t;
  t.track_id = camera_id + "/1";
  t.session_id = known_session;
  t.camera_id = camera_id;
  t.label = "drone";
  t.start_ts_unix_ms = 1'700'000'000'000;
  t.top_score = 0.9;
  t.zones = {"north"};
  t.sample_count = 2;
  t.seq = 1;
  t.samples = {stored_sample{1'700'000'000'000, {}, 0.8, 0, 0},
               stored_sample{1'700'000'000'100, {}, 0.9, 0, 0}};
  return t;
}

track_reader_actor::behavior_type stub_reader(track_reader_actor::pointer) {
  return {
      [](atom::query, const track_query& q) {
        track_page page;
        page.tracks.push_back(
            track_of(q.camera_id.empty() ? known_camera : q.camera_id));
        page.next_cursor = encode_cursor(1'700'000'000'000, 1);
        return page;
      },
      [](atom::get, const std::string& id,
         int32_t) -> caf::result<stored_track> {
        if (id == known_track)
          return track_of(known_camera);
        return caf::make_error(ec::unknown_track, "no track '" + id + "'");
      },
      [](atom::query, const ptz_command_query& q) {
        ptz_command_record rec;
        rec.ts_unix_ms = 1'700'000'000'000;
        rec.camera_id = q.camera_id.empty() ? known_camera : q.camera_id;
        rec.backend = "sim";
        rec.command.what = ptz_command::kind::move;
        rec.command.pan = 0.25;
        rec.seq = 1;
        ptz_command_page page;
        page.commands.push_back(rec);
        page.next_cursor = encode_cursor(rec.ts_unix_ms, rec.seq);
        return page;
      },
  };
}

store_actor::behavior_type stub_store(store_actor::pointer) {
  auto known = [](const std::string& id) -> caf::result<std::string> {
    if (id == known_track)
      return id;
    return caf::make_error(ec::unknown_track, "no track '" + id + "'");
  };
  return {
      [](const ptz_command_record&) {},
      [](const store_update&) {},
      [](const session_record&) {},
      [](atom::status) {
        store_status st;
        st.state = store_health::ok;
        st.path = "/var/lib/argus/tracks.db";
        return st;
      },
      [known](atom::remove, const std::string& id) { return known(id); },
      [known](atom::retain, const std::string& id, bool) { return known(id); },
      [](atom::flush, uint64_t) {},
      [](atom::expire) {},
  };
}

camera_status camera_status_of(const std::string& id, bool online) {
  camera_status cs;
  cs.camera_id = id;
  cs.state = online ? camera_link::online : camera_link::disconnected;
  cs.last_error = online ? "" : "connection refused";
  cs.next_retry_ms = online ? 0 : 1500;
  return cs;
}

/// `online`: serves a JPEG; else answers camera_disconnected like a relay
/// whose camera is down (the 503 + Retry-After path).
relay_actor::behavior_type stub_relay(relay_actor::pointer, std::string id,
                                      bool online) {
  auto jpeg = std::make_shared<const std::string>("\xff\xd8\xff\xd9");
  return {
      [](const camera_status&) {},
      [](const frame_ptr&) {},
      [](atom::join, const viewer_actor&, double) {},
      [](atom::leave, const viewer_actor&) {},
      [id, online, jpeg](atom::latest) -> caf::result<relay_frame> {
        if (!online)
          return caf::make_error(ec::camera_disconnected, "camera is down");
        return relay_frame{id, 7, 1'700'000'000'000, 64, 48, jpeg};
      },
      [id, online](atom::status) {
        relay_status rs;
        rs.camera_id = id;
        rs.camera = camera_status_of(id, online);
        return rs;
      },
      [id, online](atom::reinit) { return camera_status_of(id, online); },
      [](atom::replace, const camera_actor&) {},
      [](atom::reset) {},
      [](atom::idle, uint64_t) {},
  };
}

std::shared_ptr<gateway_context>
make_context(caf::actor_system& sys, const registry_actor& registry,
             const track_history& history, const clip_manager_actor& clips,
             const std::map<std::string, relay_actor>& relays,
             std::shared_ptr<const bearer_auth> auth) {
  server_config cfg;
  auto ctx = std::make_shared<gateway_context>(
      sys, registry, history, cfg, std::make_shared<json_wire_codec>());
  ctx->clips = clips;
  ctx->frame_codec = std::make_shared<json_frame_codec>();
  for (auto& [id, relay] : relays)
    ctx->handles->set_relay(id, relay);
  ctx->relay_codec = std::make_shared<json_relay_codec>();
  ctx->viewer_slots = std::make_shared<viewer_limits>(
      ctx->relay_cfg.max_viewers_per_camera, ctx->relay_cfg.max_viewers);
  ctx->auth = std::move(auth);
  // The real web client, so GET of a page path takes the static branch.
  ctx->web = static_files::load(ARGUS_SOURCE_DIR "/web");
  return ctx;
}

} // namespace

gateway_harness& gateway_harness::get() {
  static gateway_harness* instance = [] {
    // Replies to bad input are not news; only crashes and checks are.
    spdlog::set_level(spdlog::level::off);
    auto* h = new gateway_harness;
    static actor_config cfg;
    h->sys = new caf::actor_system{cfg};
    auto& sys = *h->sys;
    auto session = sys.spawn(stub_session);
    h->session = session;
    auto registry = sys.spawn(stub_registry, session);
    track_history history{sys.spawn(stub_store), sys.spawn(stub_reader)};
    auto clips = sys.spawn(stub_clip_manager, sys.spawn(stub_clip));
    std::map<std::string, relay_actor> relays{
        {known_camera, sys.spawn(stub_relay, std::string{known_camera}, true)},
        {"cam2", sys.spawn(stub_relay, std::string{"cam2"}, false)}};
    h->open = make_context(sys, registry, history, clips, relays, nullptr);
    std::vector<token_grant> tokens{{viewer_token, role::viewer},
                                    {controller_token, role::controller},
                                    {admin_token, role::admin}};
    h->locked = make_context(sys, registry, history, clips, relays,
                             std::make_shared<bearer_auth>(tokens));
    return h;
  }();
  return *instance;
}

void default_flags(int* argc, char*** argv) {
  for (int i = 1; i < *argc; ++i)
    if (std::string((*argv)[i]).rfind("-detect_leaks=", 0) == 0)
      return;
  // libFuzzer parses argv after LLVMFuzzerInitialize returns; the copy
  // lives as long as the process.
  static std::vector<char*> args;
  args.assign(*argv, *argv + *argc);
  static char flag[] = "-detect_leaks=0";
  args.push_back(flag);
  args.push_back(nullptr);
  *argc += 1;
  *argv = args.data();
}

bool parse_request(const std::string& bytes, size_t body_limit,
                   http_request& out) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  parser.header_limit(16 * 1024); // as http_session
  parser.eager(true);
  beast::error_code ec;
  size_t used = 0;
  while (used < bytes.size() && !parser.is_done()) {
    auto n
        = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) {
      ec = {};
      break;
    }
    if (ec)
      return false;
    used += n;
    if (n == 0)
      break;
  }
  if (!parser.is_done()) {
    // put_eof's precondition: some of the message arrived.
    if (!parser.got_some())
      return false;
    parser.put_eof(ec);
    if (ec || !parser.is_done())
      return false;
  }
  out = parser.release();
  return true;
}

http_response route_and_wait(const std::shared_ptr<gateway_context>& ctx,
                             const http_request& req) {
  struct pending {
    std::mutex mtx;
    std::condition_variable cv;
    int answers = 0;
    http_response res;
  };
  auto p = std::make_shared<pending>();
  route(ctx, req, [p](http_response res) {
    std::lock_guard<std::mutex> guard{p->mtx};
    FUZZ_CHECK(p->answers == 0, "route() answered one request twice");
    ++p->answers;
    p->res = std::move(res);
    p->cv.notify_all();
  });
  std::unique_lock<std::mutex> lock{p->mtx};
  FUZZ_CHECK(p->cv.wait_for(lock, deadline, [&] { return p->answers > 0; }),
             "route() never answered %s %s",
             std::string(req.method_string()).c_str(),
             std::string(req.target()).c_str());
  return p->res;
}

void check_response(const http_response& res) {
  FUZZ_CHECK(res.result() != http::status::internal_server_error,
             "500 answer: %s", res.body().c_str());
  auto type = res[http::field::content_type];
  if (type == "application/json") {
    auto body = json::parse(res.body(), nullptr, false);
    FUZZ_CHECK(!body.is_discarded(), "JSON response does not parse: %s",
               res.body().c_str());
    if (res.result_int() >= 400) {
      FUZZ_CHECK(body.is_object() && body.contains("error")
                     && body["error"].is_string() && body.contains("detail")
                     && body["detail"].is_string(),
                 "error body is not {error, detail}: %s", res.body().c_str());
    }
  }
  // The session writes it with Beast's serializer; this must not throw.
  std::ostringstream wire;
  wire << res;
  FUZZ_CHECK(!wire.str().empty(), "empty serialized response");
}

void check_ws_text(const std::string& text) {
  auto doc = json::parse(text, nullptr, false);
  FUZZ_CHECK(!doc.is_discarded() && doc.is_object() && doc.contains("type")
                 && doc["type"].is_string(),
             "WebSocket text is not a JSON object with a type: %s",
             text.c_str());
}

std::vector<std::string> split_messages(const std::string& input,
                                        size_t max_messages) {
  static const std::string sep = "\n--\n";
  std::vector<std::string> out;
  size_t pos = 0;
  while (out.size() < max_messages) {
    auto next = input.find(sep, pos);
    out.push_back(input.substr(pos, next - pos));
    if (next == std::string::npos)
      break;
    pos = next + sep.size();
  }
  return out;
}

namespace {

/// What may travel as a WebSocket text frame (Beast's own check, through
/// argus' wrapper: a string_view is never null, an asio buffer of an empty
/// string is, and Beast's checker does pointer arithmetic on it).
bool valid_utf8_text(const std::string& s) {
  return valid_utf8(s);
}

/// The outbound side of one fake WebSocket: records what the endpoint's
/// actor sends and acknowledges each write as ws_session does.
class fake_connection : public client_connection {
public:
  explicit fake_connection(std::shared_ptr<ws_endpoint> endpoint)
      : endpoint_(std::move(endpoint)) {}

  void send(text_ptr text) override {
    FUZZ_CHECK(text != nullptr, "null text message");
    check_ws_text(*text);
    {
      std::lock_guard<std::mutex> guard{mtx};
      transcript.texts.push_back(*text);
      cv.notify_all();
    }
    endpoint_->written();
  }

  void send_binary(text_ptr bytes) override {
    FUZZ_CHECK(bytes != nullptr, "null binary message");
    {
      std::lock_guard<std::mutex> guard{mtx};
      ++transcript.binaries;
    }
    endpoint_->written();
  }

  void resume_read() override {
    std::lock_guard<std::mutex> guard{mtx};
    ++resumes;
    cv.notify_all();
  }

  void close(uint16_t code, std::string reason) override {
    // RFC 6455 5.5: a close frame's payload (2-byte code + reason) fits
    // in 125 bytes, and the reason is UTF-8.
    FUZZ_CHECK(reason.size() <= 123 && valid_utf8_text(reason),
               "invalid close reason (%zu bytes)", reason.size());
    std::lock_guard<std::mutex> guard{mtx};
    transcript.closed = true;
    cv.notify_all();
  }

  std::mutex mtx;
  std::condition_variable cv;
  ws_transcript transcript;
  size_t resumes = 0;

private:
  std::shared_ptr<ws_endpoint> endpoint_;
};

std::shared_ptr<ws_endpoint> make_endpoint(ws_kind kind,
                                           const gateway_harness& h) {
  auto& ctx = h.open;
  switch (kind) {
  case ws_kind::session:
    return make_session_endpoint(ctx, h.session, 0);
  case ws_kind::frames:
    return make_frames_endpoint(ctx);
  case ws_kind::camera:
    return make_viewer_endpoint(ctx, ctx->handles->relay(known_camera), 2.0,
                                nullptr);
  }
  return nullptr;
}

} // namespace

ws_transcript run_ws(ws_kind kind, role granted,
                     const std::vector<std::string>& messages,
                     size_t min_texts) {
  auto& h = gateway_harness::get();
  auto endpoint = make_endpoint(kind, h);
  endpoint->granted = granted;
  auto conn = std::make_shared<fake_connection>(endpoint);
  endpoint->start(conn);
  for (auto& msg : messages) {
    std::unique_lock<std::mutex> lock{conn->mtx};
    if (conn->transcript.closed)
      break;
    auto before = conn->resumes;
    lock.unlock();
    endpoint->received(msg, valid_utf8_text(msg));
    lock.lock();
    FUZZ_CHECK(
        conn->cv.wait_for(
            lock, deadline,
            [&] { return conn->resumes > before || conn->transcript.closed; }),
        "endpoint neither resumed reading nor closed after: %s", msg.c_str());
  }
  ws_transcript out;
  {
    std::unique_lock<std::mutex> lock{conn->mtx};
    FUZZ_CHECK(conn->cv.wait_for(lock, deadline,
                                 [&] {
                                   return conn->transcript.texts.size()
                                              >= min_texts
                                          || conn->transcript.closed;
                                 }),
               "expected %zu replies, got %zu", min_texts,
               conn->transcript.texts.size());
    out = conn->transcript;
  }
  endpoint->closed();
  return out;
}

} // namespace argus::fuzz
