// SPDX-License-Identifier: Apache-2.0
#include "gateway/router.hpp"

#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/auth.hpp"
#include "gateway/camera_routes.hpp"
#include "gateway/frame_routes.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/track_routes.hpp"
#include "gateway/url.hpp"

#include <caf/sec.hpp>

namespace argus {

using nlohmann::json;

namespace {

constexpr auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    defaults::server::request_timeout);

std::string path_of(const http_request& req) {
  auto target = std::string(req.target());
  auto q = target.find('?');
  return q == std::string::npos ? target : target.substr(0, q);
}

/// Answers with the actor's error mapped to status and code.
auto fail_with(const http_request& req, responder respond) {
  auto version = req.version();
  auto keep_alive = req.keep_alive();
  return [=](const caf::error& err) {
    http_request shell;
    shell.version(version);
    shell.keep_alive(keep_alive);
    respond(
        error_response(shell, status_of(err), code_of(err), error_detail(err)));
  };
}

http_response method_not_allowed(const http_request& req, const char* allow) {
  auto res = error_response(req, http::status::method_not_allowed,
                            "method_not_allowed",
                            std::string(req.method_string())
                                + " is not "
                                  "allowed here; allowed: "
                                + allow);
  res.set(http::field::allow, allow);
  return res;
}

void create_session(const std::shared_ptr<gateway_context>& ctx,
                    const http_request& req, responder respond) {
  std::string camera_id;
  if (!req.body().empty()) {
    auto body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return respond(error_response(req, http::status::bad_request,
                                    "invalid_json",
                                    "body must be a JSON object"));
    auto it = body.find("camera_id");
    if (it != body.end()) {
      if (!it->is_string())
        return respond(error_response(req, http::status::bad_request,
                                      "invalid_argument",
                                      "camera_id must be a string"));
      camera_id = it->get<std::string>();
    }
  }
  auto version = req.version();
  auto keep_alive = req.keep_alive();
  ask(
      ctx->sys, ctx->registry, timeout,
      [=](session_info& info) {
        http_request shell;
        shell.version(version);
        shell.keep_alive(keep_alive);
        json body{{"session_id", info.session_id},
                  {"camera_id", info.camera_id},
                  {"created", info.created},
                  {"ws_path", "/ws/sessions/" + info.session_id}};
        respond(json_response(
            shell, info.created ? http::status::created : http::status::ok,
            dump_json(body)));
      },
      fail_with(req, respond), atom::create_v, camera_id);
}

void session_resource(const std::shared_ptr<gateway_context>& ctx,
                      const http_request& req, const std::string& id,
                      responder respond) {
  auto version = req.version();
  auto keep_alive = req.keep_alive();
  auto reply = [=](json body) {
    http_request shell;
    shell.version(version);
    shell.keep_alive(keep_alive);
    respond(json_response(shell, http::status::ok, dump_json(body)));
  };
  if (req.method() == http::verb::get)
    return ask(
        ctx->sys, ctx->registry, timeout,
        [=](session_status& st) { reply(to_json(st)); },
        fail_with(req, respond), atom::status_v, id);
  if (req.method() == http::verb::delete_)
    return ask(
        ctx->sys, ctx->registry, timeout,
        [=](std::string& removed) {
          reply({{"deleted", true}, {"session_id", removed}});
        },
        fail_with(req, respond), atom::remove_v, id);
  respond(method_not_allowed(req, "GET, DELETE"));
}

/// GET /readyz: ready when the engine accepts sessions. The store's state
/// is reported but never makes the server unready: the live pipeline runs
/// without it.
void readiness(const std::shared_ptr<gateway_context>& ctx,
               const deferred_reply& reply) {
  auto answer = [=](bool ready, const std::string& why, json store) {
    json body{{"status", ready ? "ready" : "not_ready"}, {"store", store}};
    if (!why.empty())
      body["detail"] = why;
    reply.json(ready ? http::status::ok : http::status::service_unavailable,
               dump_json(body));
  };
  auto with_store = [=](bool ready, const std::string& why) {
    if (!ctx->handles->store())
      return answer(ready, why, {{"state", "disabled"}});
    ask(
        ctx->sys, ctx->handles->store(), timeout,
        [=](store_status& st) {
          json store{{"state", st.state}};
          if (!st.detail.empty())
            store["detail"] = st.detail;
          answer(ready, why, store);
        },
        [=](const caf::error& err) {
          answer(ready, why,
                 {{"state", "unresponsive"}, {"detail", render(err)}});
        },
        atom::status_v);
  };
  if (!ctx->accepting)
    return with_store(false, "server is shutting down");
  ask(
      ctx->sys, ctx->registry, timeout,
      [=](bool ready) { with_store(ready, ready ? "" : "registry not ready"); },
      [=](const caf::error& err) { with_store(false, render(err)); },
      atom::ready_v);
}

/// GET /config (admin): the settings that shape the gateway and relay;
/// tokens are never shown, only how many there are.
std::string describe_settings(const gateway_context& ctx) {
  const auto& r = ctx.relay_cfg;
  json cams = json::array();
  for (auto& [id, relay] : ctx.handles->relays())
    cams.push_back(id);
  return dump_json(
      json{{"server",
            {{"max_ws_clients", ctx.cfg.max_ws_clients},
             {"max_ws_message_bytes", ctx.cfg.max_ws_message_bytes}}},
           {"relay",
            {{"viewer_fps", r.viewer_fps},
             {"jpeg_quality", r.jpeg_quality},
             {"max_viewers_per_camera", r.max_viewers_per_camera},
             {"max_viewers", r.max_viewers},
             {"persist_every", r.persist_every},
             {"persist_dir", r.persist_dir}}},
           {"auth",
            {{"enabled", ctx.auth && ctx.auth->enabled()},
             {"tokens", ctx.auth ? ctx.auth->size() : 0}}},
           {"cameras", cams},
           {"frame_server", static_cast<bool>(ctx.clips)}});
}

} // namespace

http_response json_response(const http_request& req, http::status status,
                            std::string body) {
  http_response res{status, req.version()};
  res.set(http::field::server, "argus");
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http_response error_response(const http_request& req, http::status status,
                             const std::string& code,
                             const std::string& detail) {
  return json_response(req, status, error_body(code, detail));
}

http::status status_of(const caf::error& err) {
  if (err.category() == error_category()) {
    switch (static_cast<ec>(err.code())) {
    case ec::unknown_camera:
    case ec::unknown_session:
    case ec::unknown_target:
    case ec::unknown_track:
    case ec::unknown_clip:
    case ec::unknown_frame:
    case ec::source_not_found:
      return http::status::not_found;
    case ec::invalid_argument:
    case ec::invalid_utf8:
      return http::status::bad_request;
    case ec::clip_conflict:
      return http::status::conflict;
    case ec::source_denied:
      return http::status::forbidden;
    case ec::unsupported_clip:
      return http::status::unsupported_media_type;
    case ec::decode_failed:
      return http::status::unprocessable_entity;
    case ec::source_failed:
    case ec::source_unavailable:
      return http::status::bad_gateway;
    case ec::model_failed:
    case ec::shutting_down:
    case ec::store_unavailable:
    case ec::camera_disconnected:
    case ec::no_frame:
      return http::status::service_unavailable;
    default:
      return http::status::internal_server_error;
    }
  }
  if (err == caf::sec::request_timeout)
    return http::status::gateway_timeout;
  return http::status::internal_server_error;
}

std::string code_of(const caf::error& err) {
  return wire_code(err);
}

void deferred_reply::json(http::status status, std::string body) const {
  http_request shell;
  shell.version(version);
  shell.keep_alive(keep_alive);
  respond(json_response(shell, status, std::move(body)));
}

void deferred_reply::error(http::status status, const std::string& code,
                           const std::string& detail) const {
  json(status, error_body(code, detail));
}

void deferred_reply::error(const caf::error& err) const {
  error(status_of(err), code_of(err), error_detail(err));
}

void deferred_reply::method_not_allowed(const http_request& req,
                                        const char* allow) const {
  respond(argus::method_not_allowed(req, allow));
}

deferred_reply defer_reply(const http_request& req, responder respond) {
  return {req.version(), req.keep_alive(), std::move(respond)};
}

void route(const std::shared_ptr<gateway_context>& ctx, const http_request& req,
           responder respond) {
  auto path = path_of(req);
  auto method = req.method();
  // The page itself is open (a browser cannot attach a bearer token to a
  // page load); everything it fetches goes through the checks below.
  if (method == http::verb::get && ctx->web)
    if (auto* f = ctx->web->find(path)) {
      http_response res{http::status::ok, req.version()};
      res.set(http::field::server, "argus");
      res.set(http::field::content_type, f->content_type);
      res.set(http::field::cache_control, "no-cache");
      res.keep_alive(req.keep_alive());
      res.body() = f->body;
      res.prepare_payload();
      return respond(std::move(res));
    }
  if (!authorize(*ctx, req, required_role(method, path), respond))
    return;
  // Ids reach the matchers decoded exactly once; an id the page escaped
  // ("...T18%3A30%3A07.382Z-1") is the same id as the one it was given.
  path_segments segments;
  path_error bad_path;
  if (!split_path(path, segments, bad_path))
    return respond(error_response(req, http::status::bad_request, bad_path.code,
                                  bad_path.detail));
  if (path == "/healthz") {
    if (method != http::verb::get && method != http::verb::head)
      return respond(method_not_allowed(req, "GET, HEAD"));
    return respond(json_response(req, http::status::ok, R"({"status":"ok"})"));
  }
  if (path == "/readyz") {
    if (method != http::verb::get)
      return respond(method_not_allowed(req, "GET"));
    return readiness(ctx, defer_reply(req, respond));
  }
  if (path == "/config") {
    if (method != http::verb::get)
      return respond(method_not_allowed(req, "GET"));
    return respond(
        json_response(req, http::status::ok, describe_settings(*ctx)));
  }
  if (route_cameras(ctx, req, segments, respond))
    return;
  if (route_tracks(ctx, req, segments, respond))
    return;
  if (route_frames(ctx, req, segments, respond))
    return;
  if (path == "/sessions") {
    if (method != http::verb::post)
      return respond(method_not_allowed(req, "POST"));
    return create_session(ctx, req, respond);
  }
  if (segments.size() == 2 && segments[0] == "sessions" && !segments[1].empty())
    return session_resource(ctx, req, segments[1], respond);
  std::string ws_id;
  if (match_ws_path(segments, "sessions", ws_id)
      || match_ws_path(segments, "cameras", ws_id) || path == "/ws/frames")
    return respond(error_response(req, http::status::upgrade_required,
                                  "upgrade_required",
                                  "this endpoint speaks WebSocket only"));
  respond(error_response(req, http::status::not_found, "not_found",
                         "no resource at " + path));
}

} // namespace argus
