// SPDX-License-Identifier: Apache-2.0
#include "gateway/camera_routes.hpp"

#include "core/clock.hpp"
#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/ptz_routes.hpp"
#include "gateway/relay_codec.hpp"

#include <caf/event_based_actor.hpp>
#include <cmath>

namespace argus {

using nlohmann::json;

namespace {

constexpr auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    defaults::server::request_timeout);

using relay_statuses = std::map<std::string, relay_status>;

/// Asks every RELAY for its status at once; `done` gets those that
/// answered (a relay that does not is left out, not waited for forever).
void collect_relay_status(const std::shared_ptr<gateway_context>& ctx,
                          std::function<void(relay_statuses)> done) {
  auto relays = ctx->handles->relays();
  if (relays.empty())
    return done({});
  ctx->sys.spawn([=](caf::event_based_actor* self) {
    auto results = std::make_shared<relay_statuses>();
    auto left = std::make_shared<size_t>(relays.size());
    auto one_done = [=] {
      if (--*left == 0)
        done(std::move(*results));
    };
    for (auto& [id, relay] : relays) {
      auto camera_id = id;
      self->request(relay, timeout, atom::status_v)
          .then(
              [=](relay_status& st) {
                (*results)[camera_id] = std::move(st);
                one_done();
              },
              [=](caf::error&) { one_done(); });
    }
  });
}

void list_cameras(const std::shared_ptr<gateway_context>& ctx,
                  deferred_reply reply) {
  ask(
      ctx->sys, ctx->registry, timeout,
      [=](std::vector<camera_info>& cams) {
        collect_relay_status(ctx, [=](relay_statuses relays) {
          json list = json::array();
          for (auto& c : cams) {
            auto j = to_json(c);
            auto it = relays.find(c.camera_id);
            if (it != relays.end()) {
              const auto& rs = it->second;
              j["state"] = to_string(rs.camera.state);
              j["viewers"] = rs.viewers;
              j["consumers"] = rs.camera.subscribers;
              if (rs.camera.state == camera_link::disconnected)
                j["next_retry_ms"] = rs.camera.next_retry_ms;
              j["live_path"] = "/ws/cameras/" + c.camera_id;
              j["latest_path"] = "/cameras/" + c.camera_id + "/latest.jpg";
            }
            list.push_back(std::move(j));
          }
          reply.json(http::status::ok, dump_json(json{{"cameras", list}}));
        });
      },
      [=](const caf::error& err) { reply.error(err); }, atom::list_v);
}

/// 503 with the camera's state and a Retry-After from its backoff.
void camera_unavailable(const deferred_reply& reply, const camera_status& cs,
                        const caf::error& err) {
  auto body = camera_state_json(cs);
  body["type"] = cs.state == camera_link::disconnected ? "camera_disconnected"
                                                       : "no_frame";
  body["error"] = code_of(err);
  body["detail"] = error_detail(err);
  auto retry_s = std::max<int64_t>(1, (cs.next_retry_ms + 999) / 1000);
  http_request shell;
  shell.version(reply.version);
  shell.keep_alive(reply.keep_alive);
  auto res = json_response(shell, http::status::service_unavailable,
                           dump_json(body));
  res.set(http::field::retry_after, std::to_string(retry_s));
  reply.respond(std::move(res));
}

/// Where a client connects for the live stream, for LIVE_SRC.
std::string live_url(const http_request& req, const std::string& camera_id) {
  auto host = std::string(req[http::field::host]);
  auto path = "/ws/cameras/" + camera_id;
  return host.empty() ? path : "ws://" + host + path;
}

void latest_jpeg(const std::shared_ptr<gateway_context>& ctx,
                 const http_request& req, const relay_actor& relay,
                 const std::string& camera_id, deferred_reply reply) {
  auto live = live_url(req, camera_id);
  auto path = "/ws/cameras/" + camera_id;
  auto version = req.version();
  auto keep_alive = req.keep_alive();
  ask(
      ctx->sys, relay,
      timeout + std::chrono::milliseconds(ctx->relay_cfg.snapshot_timeout_ms),
      [=](relay_frame& f) {
        http_response res{http::status::ok, version};
        res.keep_alive(keep_alive);
        auto age_ms = std::max<int64_t>(0, unix_now_ms() - f.captured_unix_ms);
        res.set(http::field::server, "argus");
        res.set(http::field::content_type, "image/jpeg");
        res.set(http::field::cache_control, "no-store");
        res.set(http::field::age, std::to_string(age_ms / 1000));
        res.set("X-Capture-Time", std::to_string(f.captured_unix_ms));
        res.set("X-Frame-Age-Ms", std::to_string(age_ms));
        res.set("X-Frame-No", std::to_string(f.frame_no));
        res.set("LIVE_SRC", live);
        res.set(http::field::link, "<" + path + ">; rel=\"live\"");
        res.body() = *f.jpeg;
        res.prepare_payload();
        reply.respond(std::move(res));
      },
      [=](const caf::error& err) {
        if (err != ec::camera_disconnected && err != ec::no_frame)
          return reply.error(err);
        ask(
            ctx->sys, relay, timeout,
            [=](relay_status& rs) {
              camera_unavailable(reply, rs.camera, err);
            },
            [=](const caf::error&) { reply.error(err); }, atom::status_v);
      },
      atom::latest_v);
}

/// The camera's RELAY, or null after answering 404.
relay_actor relay_or_404(const route_call& call, const std::string& id) {
  auto relay = call.ctx->handles->relay(id);
  if (!relay)
    call.reply.error(http::status::not_found, "unknown_camera",
                     "no camera with id '" + id + "'");
  return relay;
}

/// Asks the route's RELAY `msg` and answers 200 with `render(answer)`.
template <class Answer, class Render, class Msg>
void answer_from_relay(const route_call& call, Render render, Msg msg) {
  auto relay = relay_or_404(call, call.params["camera_id"]);
  if (!relay)
    return;
  auto reply = call.reply;
  ask(
      call.ctx->sys, relay, timeout,
      [=](Answer& answer) {
        reply.json(http::status::ok, dump_json(render(answer)));
      },
      [=](const caf::error& err) { reply.error(err); }, msg);
}

} // namespace

void get_cameras(const route_call& call) {
  list_cameras(call.ctx, call.reply);
}

void get_camera(const route_call& call) {
  auto relay = relay_or_404(call, call.params["camera_id"]);
  if (!relay)
    return;
  auto ctx = call.ctx;
  auto id = call.params["camera_id"];
  auto reply = call.reply;
  ask(
      ctx->sys, relay, timeout,
      [=](relay_status& rs) {
        reply_with_ptz(ctx, id, reply, relay_status_json(rs));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::status_v);
}

void get_camera_latest_jpeg(const route_call& call) {
  auto& id = call.params["camera_id"];
  if (auto relay = relay_or_404(call, id))
    latest_jpeg(call.ctx, call.req, relay, id, call.reply);
}

void post_camera_reinit(const route_call& call) {
  answer_from_relay<camera_status>(
      call, [](camera_status& cs) { return camera_state_json(cs); },
      atom::reinit_v);
}

} // namespace argus
