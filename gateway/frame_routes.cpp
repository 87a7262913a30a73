// SPDX-License-Identifier: Apache-2.0
#include "gateway/frame_routes.hpp"

#include "actors/frames/frame_client.hpp"
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
                 const std::string& target, clip_actor clip,
                 deferred_reply reply) {
  query_params params;
  std::string why;
  if (!parse_query(target, params, why))
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

/// Asks the CLIP MANAGER for the route's clip, then calls `use` with it;
/// answers the errors (frame server off, unknown clip) itself.
template <class Use> void with_clip(const route_call& call, Use use) {
  auto reply = call.reply;
  if (!call.ctx->clips)
    return reply.error(not_running());
  ask(
      call.ctx->sys, call.ctx->clips, ms(defaults::server::request_timeout),
      [use](clip_actor& clip) { use(clip); },
      [reply](const caf::error& err) { reply.error(err); }, atom::get_v,
      call.params["clip_id"]);
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

void get_clips(const route_call& call) {
  if (!call.ctx->clips)
    return call.reply.error(not_running());
  list_clips(call.ctx, call.reply);
}

void post_clips(const route_call& call) {
  if (!call.ctx->clips)
    return call.reply.error(not_running());
  register_clip(call.ctx, call.req, call.reply);
}

void get_clip(const route_call& call) {
  auto ctx = call.ctx;
  auto reply = call.reply;
  with_clip(call, [ctx, reply](clip_actor& clip) {
    ask(
        ctx->sys, clip, ms(defaults::server::request_timeout),
        [reply](clip_info& info) {
          reply.json(http::status::ok, dump_json(to_json(info)));
        },
        [reply](const caf::error& err) { reply.error(err); }, atom::status_v);
  });
}

void get_clip_index(const route_call& call) {
  auto ctx = call.ctx;
  auto reply = call.reply;
  auto id = call.params["clip_id"];
  with_clip(call, [ctx, reply, id](clip_actor& clip) {
    ask(
        ctx->sys, clip, ms(defaults::server::request_timeout),
        [reply, id](clip_index_ptr& idx) {
          reply.json(http::status::ok, dump_json(to_json(*idx, id)));
        },
        [reply](const caf::error& err) { reply.error(err); }, atom::index_v);
  });
}

void get_clip_frame(const route_call& call) {
  auto ctx = call.ctx;
  auto reply = call.reply;
  auto target = std::string(call.req.target());
  with_clip(call, [ctx, reply, target](clip_actor& clip) {
    serve_frame(ctx, target, clip, reply);
  });
}

std::shared_ptr<ws_endpoint>
make_frames_endpoint(std::shared_ptr<gateway_context> ctx) {
  return std::make_shared<frames_endpoint>(std::move(ctx));
}

} // namespace argus
