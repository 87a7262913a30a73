// SPDX-License-Identifier: Apache-2.0
#include "gateway/model_routes.hpp"

#include "core/defaults.hpp"
#include "core/models/model_catalog.hpp"
#include "core/models/multipart.hpp"
#include "core/text.hpp"
#include "gateway/json_codec.hpp"

namespace argus {

using nlohmann::json;

namespace {

constexpr auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    defaults::models::request_timeout);

/// The MODELS actor, or null after answering 503.
bool have_models(const route_call& call) {
  if (call.ctx->models)
    return true;
  call.reply.error(http::status::service_unavailable, "model_failed",
                   "model management is not running");
  return false;
}

/// Counts one result in `family` (when metrics are on): "ok", "refused"
/// (the client's error, 4xx) or "failed".
void count(metrics::counter_family* family, const char* result) {
  if (family)
    family->with({result}).inc();
}

void count(metrics::counter_family* family, const caf::error& err) {
  if (!err)
    count(family, "ok");
  else
    count(family, int(status_of(err)) < 500 ? "refused" : "failed");
}

/// Asks the MODELS actor `msg...` and answers `status` with the reply;
/// counts the result in `counted` (null: not counted).
template <class Reply, class... Msg>
void ask_models(const route_call& call, http::status status,
                metrics::counter_family* counted, Msg... msg) {
  if (!have_models(call))
    return;
  auto reply = call.reply;
  ask(
      call.ctx->sys, call.ctx->models, timeout,
      [=](Reply& r) {
        count(counted, caf::error{});
        if constexpr (std::is_same_v<Reply, model_info>)
          reply.json(status, dump_json(model_json(r)));
        else
          reply.json(status, dump_json(shadow_report_json(r)));
      },
      [=](const caf::error& err) {
        count(counted, err);
        reply.error(err);
      },
      msg...);
}

/// The model name of the route, or "" after answering 404.
std::string name_or_404(const route_call& call) {
  auto& name = call.params["name"];
  if (!valid_model_name(name)) {
    call.reply.error(http::status::not_found, "unknown_model",
                     "no model named '" + quote_prefix(name, 128) + "'");
    return {};
  }
  return name;
}

/// The file part's name without ".onnx", or "" when it is not a plain
/// .onnx file name.
std::string model_name_of(const std::string& filename) {
  constexpr std::string_view ext = ".onnx";
  if (filename.size() <= ext.size()
      || filename.compare(filename.size() - ext.size(), ext.size(), ext) != 0)
    return {};
  auto name = filename.substr(0, filename.size() - ext.size());
  return valid_model_name(name) ? name : std::string{};
}

} // namespace

json model_json(const model_info& m) {
  json out{{"name", m.name},
           {"size_bytes", m.size_bytes},
           {"format", "onnx"},
           {"classes", m.classes},
           {"input", {{"width", m.input_width}, {"height", m.input_height}}},
           {"layout", m.layout},
           {"added_at", m.added_at},
           {"active", m.active},
           {"shadow", m.shadow}};
  if (!m.error.empty())
    out["error"] = m.error;
  return out;
}

json shadow_report_json(const shadow_report& r) {
  return {{"model", r.model},
          {"active", r.active},
          {"running", r.running},
          {"sample_every", r.sample_every},
          {"detectors", r.detectors},
          {"frames_compared", r.frames_compared},
          {"boxes_active", r.boxes_active},
          {"boxes_candidate", r.boxes_candidate},
          {"boxes_matched", r.boxes_matched},
          {"agreement", r.agreement},
          {"classes_active", r.classes_active},
          {"classes_candidate", r.classes_candidate},
          {"median_ms_active", r.median_ms_active},
          {"median_ms_candidate", r.median_ms_candidate}};
}

bool is_model_upload(std::string_view target) {
  auto q = target.find('?');
  return target.substr(0, q) == "/models/upload";
}

void get_models(const route_call& call) {
  if (!have_models(call))
    return;
  auto reply = call.reply;
  ask(
      call.ctx->sys, call.ctx->models, timeout,
      [=](std::vector<model_info>& ms) {
        json list = json::array();
        for (auto& m : ms)
          list.push_back(model_json(m));
        reply.json(http::status::ok, dump_json(json{{"models", list}}));
      },
      [=](const caf::error& err) { reply.error(err); }, atom::list_v);
}

void get_model(const route_call& call) {
  auto name = name_or_404(call);
  if (!name.empty())
    ask_models<model_info>(call, http::status::ok, nullptr, atom::get_v, name);
}

void delete_model(const route_call& call) {
  auto name = name_or_404(call);
  if (name.empty() || !have_models(call))
    return;
  auto reply = call.reply;
  ask(
      call.ctx->sys, call.ctx->models, timeout,
      [=](std::string&) { reply.empty(http::status::no_content); },
      [=](const caf::error& err) { reply.error(err); }, atom::remove_v, name);
}

void post_model_upload(const route_call& call) {
  auto bad = [&](const std::string& detail) {
    count(call.ctx->model_uploads, "refused");
    call.reply.error(http::status::bad_request, "invalid_argument", detail);
  };
  auto boundary
      = multipart_boundary(std::string(call.req[http::field::content_type]));
  if (!boundary)
    return bad(error_detail(boundary.error()));
  auto parts = parse_multipart(call.req.body(), *boundary);
  if (!parts)
    return bad(error_detail(parts.error()));
  model_upload up;
  bool have_file = false;
  for (auto& p : *parts) {
    if (p.name == "file") {
      if (have_file)
        return bad("more than one 'file' part");
      have_file = true;
      up.name = model_name_of(p.filename);
      if (up.name.empty())
        return bad("the file name must be <name>.onnx with a name of "
                   "[A-Za-z0-9._-] (no path), not '"
                   + quote_prefix(p.filename, 128) + "'");
      up.bytes = std::move(p.body);
    } else if (p.name == "names") {
      if (!valid_utf8(p.body))
        return bad("the names part is not UTF-8 text");
      up.names = std::move(p.body);
    } else {
      return bad("unknown part '" + quote_prefix(p.name, 64)
                 + "' (expected 'file' and optionally 'names')");
    }
  }
  if (!have_file)
    return bad("no 'file' part (the .onnx model)");
  if (up.bytes.size() > call.ctx->max_model_bytes) {
    count(call.ctx->model_uploads, "refused");
    return call.reply.error(
        http::status::payload_too_large, "payload_too_large",
        "the model exceeds " + std::to_string(call.ctx->max_model_bytes)
            + " bytes");
  }
  ask_models<model_info>(call, http::status::created, call.ctx->model_uploads,
                         std::move(up));
}

void post_model_activate(const route_call& call) {
  auto name = name_or_404(call);
  if (!name.empty())
    ask_models<model_info>(call, http::status::ok, call.ctx->model_activations,
                           atom::activate_v, name);
}

void post_model_shadow(const route_call& call) {
  auto name = name_or_404(call);
  if (name.empty())
    return;
  int32_t every = defaults::models::shadow_sample_every;
  if (!call.req.body().empty()) {
    auto body = json::parse(call.req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return call.reply.error(http::status::bad_request, "invalid_json",
                              "body must be a JSON object "
                              "{\"sample_every\": N}");
    for (auto& [key, value] : body.items()) {
      if (key != "sample_every")
        return call.reply.error(http::status::bad_request, "invalid_argument",
                                "unknown field '" + quote_prefix(key, 64)
                                    + "'");
      if (!value.is_number_integer() || value.get<int64_t>() < 1
          || value.get<int64_t>() > 10000)
        return call.reply.error(http::status::bad_request, "invalid_argument",
                                "sample_every must be an integer 1..10000");
      every = value.get<int32_t>();
    }
  }
  ask_models<shadow_report>(call, http::status::ok, nullptr, atom::shadow_v,
                            name, every);
}

void get_model_shadow(const route_call& call) {
  auto name = name_or_404(call);
  if (!name.empty())
    ask_models<shadow_report>(call, http::status::ok, nullptr, atom::shadow_v,
                              name);
}

void delete_model_shadow(const route_call& call) {
  auto name = name_or_404(call);
  if (!name.empty())
    ask_models<shadow_report>(call, http::status::ok, nullptr, atom::shadow_v,
                              atom::remove_v, name);
}

} // namespace argus
