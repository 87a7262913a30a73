// SPDX-License-Identifier: Apache-2.0
#include "gateway/router.hpp"

#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/auth.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/routes.hpp"

#include <caf/sec.hpp>

namespace argus {

namespace {

std::string path_of(const http_request& req) {
  auto target = std::string(req.target());
  auto q = target.find('?');
  return q == std::string::npos ? target : target.substr(0, q);
}

http_response method_not_allowed(const http_request& req,
                                 const std::string& allow) {
  auto res = error_response(req, http::status::method_not_allowed,
                            "method_not_allowed",
                            std::string(req.method_string())
                                + " is not "
                                  "allowed here; allowed: "
                                + allow);
  res.set(http::field::allow, allow);
  return res;
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
    case ec::no_ptz:
    case ec::unknown_model:
      return http::status::not_found;
    case ec::invalid_argument:
    case ec::invalid_utf8:
    case ec::invalid_config:
      return http::status::bad_request;
    case ec::clip_conflict:
    case ec::no_config_file:
    case ec::model_exists:
      return http::status::conflict;
    case ec::source_denied:
    case ec::forbidden:
    case ec::model_active:
      return http::status::forbidden;
    case ec::unsupported_clip:
      return http::status::unsupported_media_type;
    case ec::decode_failed:
      return http::status::unprocessable_entity;
    case ec::persist_failed:
      return http::status::insufficient_storage;
    case ec::source_failed:
    case ec::source_unavailable:
    case ec::ptz_device_failed:
    case ec::ptz_command_refused:
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

void deferred_reply::empty(http::status status) const {
  http_response res{status, version};
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.prepare_payload();
  respond(std::move(res));
}

void deferred_reply::error(http::status status, const std::string& code,
                           const std::string& detail) const {
  json(status, error_body(code, detail));
}

void deferred_reply::error(const caf::error& err) const {
  error(status_of(err), code_of(err), error_detail(err));
}

void deferred_reply::method_not_allowed(const http_request& req,
                                        const std::string& allow) const {
  respond(argus::method_not_allowed(req, allow));
}

deferred_reply defer_reply(const http_request& req, responder respond) {
  return {req.version(), req.keep_alive(), std::move(respond)};
}

namespace {

/// The web client's file at `path`, if it is one. The page itself is open
/// (a browser cannot attach a bearer token to a page load); everything it
/// fetches goes through the route table's roles.
bool serve_static(const gateway_context& ctx, const http_request& req,
                  const std::string& path, const responder& respond) {
  if (req.method() != http::verb::get || !ctx.web)
    return false;
  auto* f = ctx.web->find(path);
  if (!f)
    return false;
  http_response res{http::status::ok, req.version()};
  res.set(http::field::server, "argus");
  res.set(http::field::content_type, f->content_type);
  res.set(http::field::cache_control, "no-cache");
  res.keep_alive(req.keep_alive());
  res.body() = f->body;
  res.prepare_payload();
  respond(std::move(res));
  return true;
}

} // namespace

void route(const std::shared_ptr<gateway_context>& ctx, const http_request& req,
           responder respond, const std::string& peer) {
  auto path = path_of(req);
  if (serve_static(*ctx, req, path, respond))
    return;
  // Ids reach the handlers decoded exactly once; an id the page escaped
  // ("...T18%3A30%3A07.382Z-1") is the same id as the one it was given.
  path_segments segments;
  path_error bad_path;
  bool decoded = split_path(path, segments, bad_path);
  route_params params;
  const auto* found = decoded ? match_route(segments, params) : nullptr;
  const auto* op = found ? found->find(req.method()) : nullptr;
  // Unknown paths need a viewer token: a 404 tells no more than the docs.
  auto needs = op ? op->needs : found ? found->lowest_role() : role::viewer;
  auto granted = authorize(*ctx, req, needs, respond);
  if (!granted)
    return;
  if (!decoded)
    return respond(error_response(req, http::status::bad_request, bad_path.code,
                                  bad_path.detail));
  if (!found)
    return respond(error_response(req, http::status::not_found, "not_found",
                                  "no resource at " + path));
  if (!op)
    return respond(method_not_allowed(req, found->allow()));
  if (!op->handler)
    return respond(error_response(req, http::status::upgrade_required,
                                  "upgrade_required",
                                  "this endpoint speaks WebSocket only"));
  auto auth = req[http::field::authorization];
  auto client = auth.empty() ? "peer " + peer : "token " + std::string(auth);
  op->handler(route_call{ctx, req, params, defer_reply(req, respond), *granted,
                         std::move(client)});
}

} // namespace argus
