// SPDX-License-Identifier: Apache-2.0
#include "gateway/track_routes.hpp"

#include "core/defaults.hpp"
#include "core/history/track_query.hpp"
#include "core/text.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/ptz_routes.hpp"
#include "gateway/url.hpp"

namespace argus {

using nlohmann::json;

namespace {

constexpr auto query_timeout
    = std::chrono::duration_cast<std::chrono::milliseconds>(
        defaults::store::query_timeout);

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

/// Asks the TRACK READER for one page of `q` and answers 200 with it
/// encoded by `encode` (503 while the history is disabled).
template <class Page, class Query, class Encode>
void query_reader(const std::shared_ptr<gateway_context>& ctx,
                  const deferred_reply& reply, const Query& q, Encode encode) {
  if (!ctx->history.reader)
    return reply.error(disabled());
  ask(
      ctx->sys, ctx->history.reader, query_timeout,
      [=](Page& page) {
        reply.json(http::status::ok, dump_json(encode(page)));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::query_v, q);
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
  query_reader<track_page>(
      ctx, reply, *q, [](const track_page& page) { return to_json(page); });
}

void list_ptz_commands(const std::shared_ptr<gateway_context>& ctx,
                       const http_request& req, const deferred_reply& reply) {
  query_params params;
  if (!read_params(req, reply, params))
    return;
  auto q = parse_ptz_command_query(params);
  if (!q)
    return reply.error(q.error());
  query_reader<ptz_command_page>(ctx, reply, *q, ptz_command_page_json);
}

void read_track(const std::shared_ptr<gateway_context>& ctx,
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
        reply.json(http::status::ok, dump_json(body));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::get_v, track_id,
      limit);
}

void remove_track(const std::shared_ptr<gateway_context>& ctx,
                  const deferred_reply& reply, const std::string& track_id) {
  if (!ctx->handles->store())
    return reply.error(disabled());
  ask(
      ctx->sys, ctx->handles->store(), query_timeout,
      [=](std::string& id) {
        reply.json(http::status::ok,
                   dump_json(json{{"deleted", true}, {"track_id", id}}));
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
  if (!ctx->handles->store())
    return reply.error(disabled());
  ask(
      ctx->sys, ctx->handles->store(), query_timeout,
      [=](std::string& id) {
        reply.json(
            http::status::ok,
            dump_json(json{{"track_id", id}, {"retain_indefinitely", retain}}));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::retain_v,
      track_id, retain);
}

void store_status_route(const std::shared_ptr<gateway_context>& ctx,
                        const deferred_reply& reply) {
  if (!ctx->handles->store()) {
    store_status st; // state "disabled"
    return reply.json(http::status::ok, dump_json(to_json(st)));
  }
  ask(
      ctx->sys, ctx->handles->store(), query_timeout,
      [=](store_status& st) {
        reply.json(http::status::ok, dump_json(to_json(st)));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::status_v);
}

/// The track id of the route: written raw ("/tracks/cam_01/17") or
/// escaped ("/tracks/cam_01%2F17"), both are the same id. @returns false
/// when it is malformed (answered 404).
bool track_id_of(const route_call& call, std::string& id) {
  id = call.params["track_id"];
  if (valid_track_id(id))
    return true;
  call.reply.error(http::status::not_found, "unknown_track",
                   "'" + quote_prefix(id, 80)
                       + "' is not a track id (<camera_id>/<number>)");
  return false;
}

} // namespace

void get_tracks(const route_call& call) {
  list_tracks(call.ctx, call.req, call.reply, "");
}

void get_session_tracks(const route_call& call) {
  list_tracks(call.ctx, call.req, call.reply, call.params["session_id"]);
}

void get_track(const route_call& call) {
  std::string id;
  if (track_id_of(call, id))
    read_track(call.ctx, call.req, call.reply, id);
}

void delete_track(const route_call& call) {
  std::string id;
  if (track_id_of(call, id))
    remove_track(call.ctx, call.reply, id);
}

void post_track_retain(const route_call& call) {
  std::string id;
  if (track_id_of(call, id))
    retain_track(call.ctx, call.req, call.reply, id);
}

void get_ptz_commands(const route_call& call) {
  list_ptz_commands(call.ctx, call.req, call.reply);
}

void get_store(const route_call& call) {
  store_status_route(call.ctx, call.reply);
}

} // namespace argus
