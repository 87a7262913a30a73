// SPDX-License-Identifier: Apache-2.0
#include "gateway/ptz_routes.hpp"

#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/json_codec.hpp"

namespace argus {

using nlohmann::json;

namespace {

constexpr auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    defaults::server::request_timeout);

/// The camera's PTZ controller, or null after answering 404 (an unknown
/// camera, or one without PTZ).
ptz_actor ptz_or_404(const route_call& call) {
  auto& id = call.params["camera_id"];
  if (!call.ctx->handles->relay(id)) {
    call.reply.error(http::status::not_found, "unknown_camera",
                     "no camera with id '" + id + "'");
    return {};
  }
  auto ptz = call.ctx->handles->ptz(id);
  if (!ptz)
    call.reply.error(http::status::not_found, "no_ptz",
                     "camera '" + id + "' has no PTZ (ptz.backend: none)");
  return ptz;
}

/// Asks the route's PTZ controller `msg...` and answers 200 with its state.
template <class... Msg>
void answer_from_ptz(const route_call& call, Msg... msg) {
  auto ptz = ptz_or_404(call);
  if (!ptz)
    return;
  auto reply = call.reply;
  ask(
      call.ctx->sys, ptz, timeout,
      [=](ptz_status& st) {
        reply.json(http::status::ok, dump_json(ptz_status_json(st)));
      },
      [=](const caf::error& err) { reply.error(err); }, msg...);
}

} // namespace

json ptz_command_json(const ptz_command& cmd) {
  json out{{"kind", to_string(cmd.what)}, {"reason", to_string(cmd.reason)}};
  if (cmd.what == ptz_command::kind::move)
    out["velocity"]
        = {{"pan", cmd.pan}, {"tilt", cmd.tilt}, {"zoom", cmd.zoom}};
  if (cmd.what == ptz_command::kind::preset)
    out["preset"] = cmd.preset;
  return out;
}

json ptz_command_page_json(const ptz_command_page& page) {
  json commands = json::array();
  for (auto& r : page.commands) {
    auto j = ptz_command_json(r.command);
    j["ts_unix_ms"] = r.ts_unix_ms;
    j["camera_id"] = r.camera_id;
    j["backend"] = r.backend;
    j["timeout_ms"] = r.command.timeout_ms;
    j["result"] = to_string(r.result);
    j["error"] = r.error;
    j["latency_ms"] = r.latency_ms;
    commands.push_back(std::move(j));
  }
  return {{"commands", std::move(commands)},
          {"next_cursor",
           page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}};
}

json ptz_status_json(const ptz_status& st) {
  json last = json(nullptr);
  if (st.last_command.what != ptz_command::kind::none)
    last = ptz_command_json(st.last_command);
  json position = json(nullptr);
  if (st.position.known)
    position = {{"pan", st.position.pan},
                {"tilt", st.position.tilt},
                {"zoom", st.position.zoom}};
  return {
      {"backend", st.backend},
      {"connected", st.connected},
      {"autotrack",
       {{"enabled", st.autotrack_enabled}, {"state", to_string(st.autotrack)}}},
      {"position", position},
      {"moving", st.position.moving},
      {"last_command", last},
      {"commands_sent", st.commands_sent},
      {"command_errors", st.command_errors},
      {"commands_per_s", st.commands_per_s},
      {"last_error", st.last_error}};
}

void reply_with_ptz(const std::shared_ptr<gateway_context>& ctx,
                    const std::string& camera_id, const deferred_reply& reply,
                    json camera) {
  auto ptz = ctx->handles->ptz(camera_id);
  if (!ptz)
    return reply.json(http::status::ok, dump_json(camera));
  ask(
      ctx->sys, ptz, timeout,
      [=](ptz_status& st) {
        auto out = camera;
        out["ptz"] = ptz_status_json(st);
        reply.json(http::status::ok, dump_json(out));
      },
      [=](const caf::error& err) {
        // The camera's own state is still worth answering with.
        auto out = camera;
        out["ptz"] = {{"error", code_of(err)}};
        reply.json(http::status::ok, dump_json(out));
      },
      atom::status_v);
}

void post_camera_ptz_autotrack(const route_call& call) {
  auto body = json::parse(call.req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return call.reply.error(http::status::bad_request, "invalid_json",
                            "body must be a JSON object {\"enabled\": bool}");
  auto it = body.find("enabled");
  if (it == body.end() || !it->is_boolean())
    return call.reply.error(http::status::bad_request, "invalid_argument",
                            "enabled must be true or false");
  for (auto& [key, value] : body.items())
    if (key != "enabled")
      return call.reply.error(http::status::bad_request, "invalid_argument",
                              "unknown field '" + key + "'");
  answer_from_ptz(call, atom::enable_v, it->get<bool>());
}

void post_camera_ptz_home(const route_call& call) {
  answer_from_ptz(call, atom::home_v);
}

} // namespace argus
