// SPDX-License-Identifier: Apache-2.0
#include "gateway/settings_routes.hpp"

#include "core/clock.hpp"
#include "core/defaults.hpp"
#include "core/text.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/url.hpp"

#include <algorithm>

namespace argus {

using nlohmann::json;

namespace {

constexpr auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    defaults::server::request_timeout);

/// A top-level key of the config (schemas/config.schema.json).
bool known_settings_section(const std::string& name) {
  for (auto& s : config_key_table())
    if (s.path.empty())
      return std::find(s.keys.begin(), s.keys.end(), name) != s.keys.end();
  return false;
}

bool has_settings(const route_call& call) {
  if (call.ctx->settings)
    return true;
  call.reply.error(http::status::service_unavailable, "no_settings",
                   "this server runs without a settings actor");
  return false;
}

/// Takes one write of the caller's budget, or answers 429 with
/// Retry-After and returns false.
bool admit_write(const route_call& call) {
  int wait_s = 0;
  {
    std::lock_guard<std::mutex> guard{call.ctx->settings_writes_mtx};
    wait_s = call.ctx->settings_writes.admit(call.client, mono_now_ms());
  }
  if (wait_s == 0)
    return true;
  http_request shell;
  shell.version(call.reply.version);
  shell.keep_alive(call.reply.keep_alive);
  auto res = error_response(
      shell, http::status::too_many_requests, "rate_limited",
      "too many settings writes (server.settings_writes_per_minute); retry "
      "in "
          + std::to_string(wait_s) + " s");
  res.set(http::field::retry_after, std::to_string(wait_s));
  call.reply.respond(std::move(res));
  return false;
}

/// `?persist=true|false`; false on anything else (answered 400).
bool persist_flag(const route_call& call, bool& persist) {
  query_params query;
  std::string why;
  if (!parse_query(std::string(call.req.target()), query, why)) {
    call.reply.error(http::status::bad_request, "invalid_argument", why);
    return false;
  }
  persist = false;
  for (auto& [key, value] : query) {
    if (key != "persist" || (value != "true" && value != "false")) {
      call.reply.error(http::status::bad_request, "invalid_argument",
                       "the only query parameter is persist=true|false");
      return false;
    }
    persist = value == "true";
  }
  return true;
}

/// Asks the SETTINGS actor and answers with the outcome: 200, or 400 with
/// every invalid key when the change was refused (a dry run answers 200
/// with `valid` either way).
void ask_settings(const route_call& call, settings_request req) {
  auto reply = call.reply;
  bool dry_run = req.op == settings_op::validate;
  ask(
      call.ctx->sys, call.ctx->settings, timeout,
      [=](settings_outcome& out) {
        if (!out.errors.empty() && !dry_run)
          return reply.json(http::status::bad_request,
                            dump_json(settings_error_json(out)));
        reply.json(http::status::ok,
                   dump_json(settings_outcome_json(out, dry_run)));
      },
      [=](const caf::error& err) { reply.error(err); }, std::move(req));
}

/// Answers with `pick` of the running configuration.
template <class Pick> void answer_settings(const route_call& call, Pick pick) {
  if (!has_settings(call))
    return;
  auto reply = call.reply;
  ask(
      call.ctx->sys, call.ctx->settings, timeout,
      [=](const config_ptr& cfg) { pick(config_to_json(*cfg)); },
      [=](const caf::error& err) { reply.error(err); }, atom::get_v);
}

void patch_or_validate(const route_call& call, settings_op op,
                       std::string section) {
  if (!has_settings(call))
    return;
  auto body = json::parse(call.req.body(), nullptr, false);
  if (body.is_discarded() || !(body.is_object() || section == "cameras"))
    return call.reply.error(http::status::bad_request, "invalid_json",
                            "the body must be a JSON object (a merge patch)");
  settings_request req;
  req.op = op;
  req.section = std::move(section);
  req.patch_json = call.req.body();
  req.admin = call.granted == role::admin;
  if (op == settings_op::patch
      && (!persist_flag(call, req.persist) || !admit_write(call)))
    return;
  ask_settings(call, std::move(req));
}

} // namespace

void get_settings(const route_call& call) {
  auto reply = call.reply;
  answer_settings(call, [reply](const json& all) {
    reply.json(http::status::ok, dump_json(all));
  });
}

void get_settings_section(const route_call& call) {
  auto reply = call.reply;
  auto name = call.params["section"];
  answer_settings(call, [reply, name](const json& all) {
    if (!all.contains(name))
      return reply.error(http::status::not_found, "unknown_section",
                         "no settings section '" + name + "'");
    reply.json(http::status::ok, dump_json(all[name]));
  });
}

void patch_settings(const route_call& call) {
  auto section = call.params["section"];
  if (!section.empty() && !known_settings_section(section))
    return call.reply.error(http::status::not_found, "unknown_section",
                            "no settings section '" + section + "'");
  patch_or_validate(call, settings_op::patch, section);
}

void post_settings_validate(const route_call& call) {
  patch_or_validate(call, settings_op::validate, "");
}

void post_settings_persist(const route_call& call) {
  if (!has_settings(call) || !admit_write(call))
    return;
  settings_request req;
  req.op = settings_op::persist;
  ask_settings(call, std::move(req));
}

void post_settings_reload(const route_call& call) {
  if (!has_settings(call) || !admit_write(call))
    return;
  settings_request req;
  req.op = settings_op::reload;
  ask_settings(call, std::move(req));
}

} // namespace argus
