// SPDX-License-Identifier: Apache-2.0
#include "gateway/camera_routes.hpp"

#include "core/clock.hpp"
#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/json_codec.hpp"
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
              j["state"] = rs.camera.state;
              j["viewers"] = rs.viewers;
              j["consumers"] = rs.camera.subscribers;
              if (rs.camera.state == "disconnected")
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
  body["type"]
      = cs.state == "disconnected" ? "camera_disconnected" : "no_frame";
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

/// /cameras/{id}[/{sub}]: `id` and `sub` are decoded path segments.
void camera_resource(const std::shared_ptr<gateway_context>& ctx,
                     const http_request& req, const std::string& id,
                     const std::string& sub, deferred_reply reply) {
  auto relay = ctx->handles->relay(id);
  if (!relay)
    return reply.error(http::status::not_found, "unknown_camera",
                       "no camera with id '" + id + "'");
  auto method = req.method();
  if (sub.empty()) {
    if (method != http::verb::get)
      return reply.method_not_allowed(req, "GET");
    return ask(
        ctx->sys, relay, timeout,
        [=](relay_status& rs) {
          reply.json(http::status::ok, dump_json(relay_status_json(rs)));
        },
        [=](const caf::error& err) { reply.error(err); }, atom::status_v);
  }
  if (sub == "latest.jpg") {
    if (method != http::verb::get)
      return reply.method_not_allowed(req, "GET");
    return latest_jpeg(ctx, req, relay, id, reply);
  }
  if (sub == "reinit") {
    if (method != http::verb::post)
      return reply.method_not_allowed(req, "POST");
    return ask(
        ctx->sys, relay, timeout,
        [=](camera_status& cs) {
          reply.json(http::status::ok, dump_json(camera_state_json(cs)));
        },
        [=](const caf::error& err) { reply.error(err); }, atom::reinit_v);
  }
  reply.error(http::status::not_found, "not_found",
              "no resource at /cameras/" + id + "/" + sub);
}

} // namespace

bool route_cameras(const std::shared_ptr<gateway_context>& ctx,
                   const http_request& req, const path_segments& path,
                   const responder& respond) {
  if (path.empty() || path[0] != "cameras")
    return false;
  if (path.size() == 1) {
    auto reply = defer_reply(req, respond);
    if (req.method() != http::verb::get)
      reply.method_not_allowed(req, "GET");
    else
      list_cameras(ctx, reply);
    return true;
  }
  if (path[1].empty()) // "/cameras/": no id
    return false;
  std::string sub;
  for (size_t i = 2; i < path.size(); ++i)
    sub += (i > 2 ? "/" : "") + path[i];
  camera_resource(ctx, req, path[1], sub, defer_reply(req, respond));
  return true;
}

} // namespace argus
