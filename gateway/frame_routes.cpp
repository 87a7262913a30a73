// SPDX-License-Identifier: Apache-2.0
#include "gateway/frame_routes.hpp"

#include "actors/frame_client.hpp"
#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/frame_codec.hpp"
#include "gateway/url.hpp"

#include <algorithm>
#include <caf/send.hpp>

namespace argus {

using nlohmann::json;

namespace {

template <class Duration> std::chrono::milliseconds ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

caf::error not_running() {
  return caf::make_error(ec::shutting_down, "the frame server is not running");
}

void register_clip(const std::shared_ptr<gateway_context>& ctx,
                   const http_request& req, deferred_reply reply) {
  clip_source src;
  std::string why;
  if (!parse_clip_source(req.body(), src, why))
    return reply.error(http::status::bad_request, "invalid_argument", why);
  ask(
      ctx->sys, ctx->clips, ms(defaults::frames::open_timeout),
      [reply](clip_info& info) {
        reply.json(info.created ? http::status::created : http::status::ok,
                   dump_json(to_json(info)));
      },
      [reply](const caf::error& err) { reply.error(err); }, src);
}

void list_clips(const std::shared_ptr<gateway_context>& ctx,
                deferred_reply reply) {
  ask(
      ctx->sys, ctx->clips, ms(defaults::server::request_timeout),
      [reply](std::vector<clip_info>& clips) {
        json list = json::array();
        for (auto& c : clips)
          list.push_back(to_json(c));
        reply.json(http::status::ok, dump_json(json{{"clips", list}}));
      },
      [reply](const caf::error& err) { reply.error(err); }, atom::list_v);
}

/// Parses a non-negative integer query parameter; false after a 400.
bool int_param(const query_params& params, const std::string& name,
               bool required, int64_t lo, int64_t hi, int64_t& out,
               const deferred_reply& reply) {
  auto it = std::find_if(params.begin(), params.end(),
                         [&](const auto& kv) { return kv.first == name; });
  if (it == params.end()) {
    if (required)
      reply.error(http::status::bad_request, "invalid_argument",
                  name + " is required");
    return !required;
  }
  if (parse_decimal(it->second, out) && out >= lo && out <= hi)
    return true;
  reply.error(http::status::bad_request, "invalid_argument",
              name + " must be an integer from " + std::to_string(lo) + " to "
                  + std::to_string(hi));
  return false;
}

void serve_frame(const std::shared_ptr<gateway_context>& ctx,
                 const http_request& req, clip_actor clip,
                 deferred_reply reply) {
  query_params params;
  std::string why;
  if (!parse_query(std::string(req.target()), params, why))
    return reply.error(http::status::bad_request, "invalid_argument", why);
  int64_t irap = 0, offset = 0, quality = defaults::frames::quality;
  constexpr int64_t max_offset = std::numeric_limits<int64_t>::max();
  if (!int_param(params, "irap", true, 0, max_offset, irap, reply)
      || !int_param(params, "offset", true, 0, max_offset, offset, reply)
      || !int_param(params, "quality", false, 1, 100, quality, reply))
    return;
  frame_key key{irap, offset, static_cast<int32_t>(quality)};
  ask(
      ctx->sys, clip, ms(defaults::frames::frame_timeout),
      [reply](encoded_frame& f) {
        http_request shell;
        shell.version(reply.version);
        shell.keep_alive(reply.keep_alive);
        http_response res{http::status::ok, reply.version};
        res.set(http::field::server, "argus");
        res.set(http::field::content_type, "image/jpeg");
        res.set("X-Frame-Display-Index", std::to_string(f.display_index));
        res.set("X-Frame-Decode-Index", std::to_string(f.decode_index));
        res.set("X-Frame-Pts", std::to_string(f.pts));
        res.keep_alive(reply.keep_alive);
        res.body() = *f.jpeg;
        res.prepare_payload();
        reply.respond(std::move(res));
      },
      [reply](const caf::error& err) { reply.error(err); }, key);
}

/// GET /clips/{id}, /clips/{id}/index, /clips/{id}/frame: `path` split by
/// split_path, so an id the client escaped arrives decoded.
void clip_resource(const std::shared_ptr<gateway_context>& ctx,
                   const http_request& req, const path_segments& path,
                   deferred_reply reply) {
  auto id = path[1];
  auto sub = path.size() == 3 ? "/" + path[2] : std::string{};
  if (path.size() > 3 || (sub != "" && sub != "/index" && sub != "/frame")) {
    auto target = std::string(req.target());
    return reply.error(http::status::not_found, "not_found",
                       "no resource at " + target.substr(0, target.find('?')));
  }
  if (req.method() != http::verb::get)
    return reply.method_not_allowed(req, "GET");
  auto timeout = ms(defaults::server::request_timeout);
  ask(
      ctx->sys, ctx->clips, timeout,
      [ctx, req, reply, sub, id, timeout](clip_actor& clip) {
        if (sub == "/frame")
          return serve_frame(ctx, req, clip, reply);
        if (sub == "/index")
          return ask(
              ctx->sys, clip, timeout,
              [reply, id](clip_index_ptr& idx) {
                reply.json(http::status::ok, dump_json(to_json(*idx, id)));
              },
              [reply](const caf::error& err) { reply.error(err); },
              atom::index_v);
        ask(
            ctx->sys, clip, timeout,
            [reply](clip_info& info) {
              reply.json(http::status::ok, dump_json(to_json(info)));
            },
            [reply](const caf::error& err) { reply.error(err); },
            atom::status_v);
      },
      [reply](const caf::error& err) { reply.error(err); }, atom::get_v, id);
}

/// /ws/frames: messages parsed here, a FRAME CLIENT behind the socket.
class frames_endpoint : public actor_endpoint<frame_client_actor> {
public:
  explicit frames_endpoint(std::shared_ptr<gateway_context> ctx)
      : ctx_(std::move(ctx)) {}

  void start(client_connection_ptr connection) override {
    frame_client_setup setup;
    setup.connection = std::move(connection);
    setup.clips = ctx_->clips;
    setup.codec = ctx_->frame_codec;
    setup.lifo_depth = ctx_->cfg.frames_lifo_depth;
    actor_ = ctx_->sys.spawn(frame_client, std::move(setup));
  }

  void received(std::string payload, bool text) override {
    frame_command cmd;
    if (!text) {
      cmd.error = "invalid_message";
      cmd.detail = binary_refused;
    } else {
      cmd = parse_frame_command(payload);
    }
    if (cmd.kind == frame_command::register_clip
        && granted < role::controller) {
      cmd.kind = frame_command::invalid;
      cmd.error = "forbidden";
      cmd.detail = "registering clips needs a controller token";
    }
    caf::anon_send(actor_, std::move(cmd));
  }

private:
  std::shared_ptr<gateway_context> ctx_;
};

} // namespace

bool route_frames(const std::shared_ptr<gateway_context>& ctx,
                  const http_request& req, const path_segments& path,
                  const responder& respond) {
  bool is_clips = path.size() == 1 && path[0] == "clips";
  bool is_clip = path.size() >= 2 && path[0] == "clips"
                 && !(path.size() == 2 && path[1].empty());
  if (!is_clips && !is_clip)
    return false;
  auto reply = defer_reply(req, respond);
  if (!ctx->clips) {
    reply.error(not_running());
    return true;
  }
  if (is_clip) {
    clip_resource(ctx, req, path, reply);
    return true;
  }
  if (req.method() == http::verb::post)
    register_clip(ctx, req, reply);
  else if (req.method() == http::verb::get)
    list_clips(ctx, reply);
  else
    reply.method_not_allowed(req, "GET, POST");
  return true;
}

std::shared_ptr<ws_endpoint>
make_frames_endpoint(std::shared_ptr<gateway_context> ctx) {
  return std::make_shared<frames_endpoint>(std::move(ctx));
}

} // namespace argus
