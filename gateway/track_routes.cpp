// SPDX-License-Identifier: Apache-2.0
#include "gateway/track_routes.hpp"

#include "core/defaults.hpp"
#include "core/track_query.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/url.hpp"

namespace argus {

using nlohmann::json;

namespace {

constexpr auto query_timeout
    = std::chrono::duration_cast<std::chrono::milliseconds>(
        defaults::store::query_timeout);

const std::string tracks_prefix = "/tracks/";
const std::string retain_suffix = "/retain";

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size()
         && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

caf::error disabled() {
  return caf::make_error(ec::store_unavailable,
                         "track history is disabled (store.enabled: false)");
}

/// Decoded query parameters, or false after answering 400.
bool read_params(const http_request& req, const deferred_reply& reply,
                 query_params& params) {
  std::string why;
  if (parse_query(std::string(req.target()), params, why))
    return true;
  reply.error(http::status::bad_request, "invalid_argument", why);
  return false;
}

void list_tracks(const std::shared_ptr<gateway_context>& ctx,
                 const http_request& req, const deferred_reply& reply,
                 const std::string& session_id) {
  query_params params;
  if (!read_params(req, reply, params))
    return;
  auto q = parse_track_query(params);
  if (!q)
    return reply.error(q.error());
  q->session_id = session_id;
  if (!ctx->history.reader)
    return reply.error(disabled());
  ask(
      ctx->sys, ctx->history.reader, query_timeout,
      [=](track_page& page) {
        reply.json(http::status::ok, to_json(page).dump());
      },
      [=](const caf::error& err) { reply.error(err); }, atom::query_v, *q);
}

void get_track(const std::shared_ptr<gateway_context>& ctx,
               const http_request& req, const deferred_reply& reply,
               const std::string& track_id) {
  query_params params;
  if (!read_params(req, reply, params))
    return;
  auto max_samples = parse_track_detail(params);
  if (!max_samples)
    return reply.error(max_samples.error());
  if (!ctx->history.reader)
    return reply.error(disabled());
  int32_t limit = *max_samples;
  ask(
      ctx->sys, ctx->history.reader, query_timeout,
      [=](stored_track& t) {
        auto body = to_json(t);
        if (limit > 0)
          body["samples"] = samples_json(t.samples);
        reply.json(http::status::ok, body.dump());
      },
      [=](const caf::error& err) { reply.error(err); }, atom::get_v, track_id,
      limit);
}

void delete_track(const std::shared_ptr<gateway_context>& ctx,
                  const deferred_reply& reply, const std::string& track_id) {
  if (!ctx->history.store)
    return reply.error(disabled());
  ask(
      ctx->sys, ctx->history.store, query_timeout,
      [=](std::string& id) {
        reply.json(http::status::ok,
                   json{{"deleted", true}, {"track_id", id}}.dump());
      },
      [=](const caf::error& err) { reply.error(err); }, atom::remove_v,
      track_id);
}

void retain_track(const std::shared_ptr<gateway_context>& ctx,
                  const http_request& req, const deferred_reply& reply,
                  const std::string& track_id) {
  bool retain = true;
  if (!req.body().empty()) {
    auto body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return reply.error(http::status::bad_request, "invalid_json",
                         "body must be a JSON object");
    auto it = body.find("retain");
    if (it != body.end()) {
      if (!it->is_boolean())
        return reply.error(http::status::bad_request, "invalid_argument",
                           "retain must be true or false");
      retain = it->get<bool>();
    }
  }
  if (!ctx->history.store)
    return reply.error(disabled());
  ask(
      ctx->sys, ctx->history.store, query_timeout,
      [=](std::string& id) {
        reply.json(
            http::status::ok,
            json{{"track_id", id}, {"retain_indefinitely", retain}}.dump());
      },
      [=](const caf::error& err) { reply.error(err); }, atom::retain_v,
      track_id, retain);
}

void store_status_route(const std::shared_ptr<gateway_context>& ctx,
                        const deferred_reply& reply) {
  if (!ctx->history.store) {
    store_status st; // state "disabled"
    return reply.json(http::status::ok, to_json(st).dump());
  }
  ask(
      ctx->sys, ctx->history.store, query_timeout,
      [=](store_status& st) {
        reply.json(http::status::ok, to_json(st).dump());
      },
      [=](const caf::error& err) { reply.error(err); }, atom::status_v);
}

/// "/tracks/<id>[/retain]" with the id raw ("cam_01/17") or escaped
/// ("cam_01%2F17"). @returns false when the id is malformed (answered).
bool track_id_of(const std::string& rest, const deferred_reply& reply,
                 std::string& id) {
  if (!percent_decode(rest, id, false) || !valid_track_id(id)) {
    reply.error(http::status::not_found, "unknown_track",
                "'" + rest.substr(0, 80)
                    + "' is not a track id (<camera_id>/<number>)");
    return false;
  }
  return true;
}

void method_not_allowed(const deferred_reply& reply, const char* allow,
                        const http_request& req) {
  reply.error(http::status::method_not_allowed, "method_not_allowed",
              std::string(req.method_string()) + " is not allowed here; "
                  + "allowed: " + allow);
}

} // namespace

bool route_tracks(const std::shared_ptr<gateway_context>& ctx,
                  const http_request& req, const std::string& path,
                  const responder& respond) {
  auto reply = defer_reply(req, respond);
  auto method = req.method();
  if (path == "/tracks") {
    if (method != http::verb::get)
      method_not_allowed(reply, "GET", req);
    else
      list_tracks(ctx, req, reply, "");
    return true;
  }
  if (path == "/store") {
    if (method != http::verb::get)
      method_not_allowed(reply, "GET", req);
    else
      store_status_route(ctx, reply);
    return true;
  }
  const std::string sessions = "/sessions/";
  if (starts_with(path, sessions) && ends_with(path, "/tracks")) {
    auto id = path.substr(sessions.size(), path.size() - sessions.size() - 7);
    if (id.empty() || id.find('/') != std::string::npos)
      return false;
    if (method != http::verb::get)
      method_not_allowed(reply, "GET", req);
    else
      list_tracks(ctx, req, reply, id);
    return true;
  }
  if (!starts_with(path, tracks_prefix))
    return false;
  auto rest = path.substr(tracks_prefix.size());
  std::string id;
  if (ends_with(rest, retain_suffix)) {
    if (!track_id_of(rest.substr(0, rest.size() - retain_suffix.size()), reply,
                     id))
      return true;
    if (method != http::verb::post)
      method_not_allowed(reply, "POST", req);
    else
      retain_track(ctx, req, reply, id);
    return true;
  }
  if (!track_id_of(rest, reply, id))
    return true;
  if (method == http::verb::get)
    get_track(ctx, req, reply, id);
  else if (method == http::verb::delete_)
    delete_track(ctx, reply, id);
  else
    method_not_allowed(reply, "GET, DELETE", req);
  return true;
}

} // namespace argus
