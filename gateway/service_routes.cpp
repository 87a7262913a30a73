// SPDX-License-Identifier: Apache-2.0
#include "gateway/service_routes.hpp"

#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/json_codec.hpp"

namespace argus {

using nlohmann::json;

namespace {

constexpr auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    defaults::server::request_timeout);

/// The store's part of /readyz, then `answer` with it.
void with_store_state(const std::shared_ptr<gateway_context>& ctx,
                      std::function<void(json)> answer) {
  if (!ctx->handles->store())
    return answer({{"state", "disabled"}});
  ask(
      ctx->sys, ctx->handles->store(), timeout,
      [=](store_status& st) {
        json store{{"state", to_string(st.state)}};
        if (!st.detail.empty())
          store["detail"] = st.detail;
        answer(store);
      },
      [=](const caf::error& err) {
        answer({{"state", "unresponsive"}, {"detail", render(err)}});
      },
      atom::status_v);
}

/// GET /config: tokens are never shown, only how many there are.
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

void get_healthz(const route_call& call) {
  call.reply.json(http::status::ok, R"({"status":"ok"})");
}

/// The store's state is reported but never makes the server unready: the
/// live pipeline runs without it.
void get_readyz(const route_call& call) {
  auto ctx = call.ctx;
  auto reply = call.reply;
  auto answer = [reply](bool ready, const std::string& why) {
    return [reply, ready, why](json store) {
      json body{{"status", ready ? "ready" : "not_ready"}, {"store", store}};
      if (!why.empty())
        body["detail"] = why;
      reply.json(ready ? http::status::ok : http::status::service_unavailable,
                 dump_json(body));
    };
  };
  if (!ctx->accepting)
    return with_store_state(ctx, answer(false, "server is shutting down"));
  ask(
      ctx->sys, ctx->registry, timeout,
      [=](bool ready) {
        with_store_state(ctx, answer(ready, ready ? "" : "registry not ready"));
      },
      [=](const caf::error& err) {
        with_store_state(ctx, answer(false, render(err)));
      },
      atom::ready_v);
}

void get_config(const route_call& call) {
  call.reply.json(http::status::ok, describe_settings(*call.ctx));
}

} // namespace argus
