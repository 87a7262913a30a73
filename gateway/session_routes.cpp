// SPDX-License-Identifier: Apache-2.0
#include "gateway/session_routes.hpp"

#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/json_codec.hpp"

namespace argus {

using nlohmann::json;

namespace {

constexpr auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    defaults::server::request_timeout);

/// The optional camera_id of a POST /sessions body; false after a 400.
bool camera_of(const route_call& call, std::string& camera_id) {
  if (call.req.body().empty())
    return true;
  auto body = json::parse(call.req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    call.reply.error(http::status::bad_request, "invalid_json",
                     "body must be a JSON object");
    return false;
  }
  auto it = body.find("camera_id");
  if (it == body.end())
    return true;
  if (!it->is_string()) {
    call.reply.error(http::status::bad_request, "invalid_argument",
                     "camera_id must be a string");
    return false;
  }
  camera_id = it->get<std::string>();
  return true;
}

} // namespace

void post_sessions(const route_call& call) {
  std::string camera_id;
  if (!camera_of(call, camera_id))
    return;
  auto reply = call.reply;
  ask(
      call.ctx->sys, call.ctx->registry, timeout,
      [=](session_info& info) {
        json body{{"session_id", info.session_id},
                  {"camera_id", info.camera_id},
                  {"created", info.created},
                  {"ws_path", "/ws/sessions/" + info.session_id}};
        reply.json(info.created ? http::status::created : http::status::ok,
                   dump_json(body));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::create_v,
      camera_id);
}

void get_session(const route_call& call) {
  auto reply = call.reply;
  ask(
      call.ctx->sys, call.ctx->registry, timeout,
      [=](session_status& st) {
        reply.json(http::status::ok, dump_json(to_json(st)));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::status_v,
      call.params["session_id"]);
}

void delete_session(const route_call& call) {
  auto reply = call.reply;
  ask(
      call.ctx->sys, call.ctx->registry, timeout,
      [=](std::string& removed) {
        reply.json(http::status::ok,
                   dump_json(json{{"deleted", true}, {"session_id", removed}}));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::remove_v,
      call.params["session_id"]);
}

} // namespace argus
