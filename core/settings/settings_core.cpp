// SPDX-License-Identifier: Apache-2.0
#include "core/settings/settings_core.hpp"

#include "core/models/model_catalog.hpp"
#include "core/settings/yaml_json.hpp"
#include "core/text.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <regex>
#include <set>
#include <tuple>
#include <yaml-cpp/exceptions.h>

namespace argus {

using nlohmann::json;

namespace {

std::string child_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

bool all_objects(const json& list) {
  return std::all_of(list.begin(), list.end(),
                     [](const json& x) { return x.is_object(); });
}

void diff(const json& a, const json& b, const std::string& path,
          std::vector<std::string>& out) {
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (auto& [k, v] : a.items())
      keys.insert(k);
    for (auto& [k, v] : b.items())
      keys.insert(k);
    for (auto& k : keys)
      diff(a.contains(k) ? a[k] : json(), b.contains(k) ? b[k] : json(),
           child_path(path, k), out);
    return;
  }
  // Lists of mappings (cameras, tokens, zones) compare element by element;
  // an element whose id changed is a different camera.
  if (a.is_array() && b.is_array() && all_objects(a) && all_objects(b)
      && !a.empty() && !b.empty()) {
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
      auto at = fmt::format("{}[{}]", path, i);
      if (i >= a.size() || i >= b.size()
          || a[i].value("id", json()) != b[i].value("id", json()))
        out.push_back(at);
      else
        diff(a[i], b[i], at, out);
    }
    return;
  }
  if (a != b)
    out.push_back(path);
}

/// The camera of `doc` (a config document) with this id, or null.
const json* camera_by_id(const json& doc, const json& id) {
  if (!doc.is_object() || !doc.contains("cameras")
      || !doc["cameras"].is_array())
    return nullptr;
  for (auto& cam : doc["cameras"])
    if (cam.is_object() && cam.value("id", json()) == id)
      return &cam;
  return nullptr;
}

/// The value at `keys` under `doc`, or null.
const json* find_at(const json& doc, std::initializer_list<const char*> keys) {
  const json* at = &doc;
  for (auto* k : keys) {
    if (!at->is_object() || !at->contains(k))
      return nullptr;
    at = &(*at)[k];
  }
  return at;
}

bool is_marker(const json& v) {
  return v.is_string() && v.get<std::string>() == redaction_marker;
}

bool url_has_marker(const json& v) {
  return v.is_string()
         && v.get<std::string>().find(std::string(":") + redaction_marker + "@")
                != std::string::npos;
}

json wrap(const json& patch, const std::string& section) {
  return section.empty() ? patch : json{{section, patch}};
}

} // namespace

bool applies_live(const std::string& path) {
  static const std::regex live(
      R"(logging\.level|tracker\..+|session\.(publish_hz|confirm_hits|end_after_ms|update_min_conf_gain))"
      R"(|cameras\[\d+\]\.ptz\.autotrack\.(?!enabled$).+)"
      R"(|cameras\[\d+\]\.(source|url|width|height|fps|seed|drones|birds|occluders|noise)"
      R"(|read_timeout_ms|open_timeout_ms|retry_min_ms|retry_max_ms|retry_factor)"
      R"(|retry_jitter|idle_grace_ms|realtime))");
  return std::regex_match(path, live);
}

bool camera_source_changed(const camera_config& a, const camera_config& b) {
  auto key = [](const camera_config& c) {
    auto& s = c.synthetic;
    return std::make_tuple(c.source, c.url, s.width, s.height, s.fps, s.seed,
                           s.drones, s.birds, s.occluders, s.noise,
                           c.read_timeout_ms, c.open_timeout_ms, c.retry_min_ms,
                           c.retry_max_ms, c.retry_factor, c.retry_jitter,
                           c.idle_grace_ms, c.realtime);
  };
  return key(a) != key(b);
}

std::vector<std::string> changed_paths(const json& before, const json& after) {
  std::vector<std::string> out;
  diff(before, after, "", out);
  return out;
}

void merge_patch(json& target, const json& patch) {
  if (!patch.is_object() || !target.is_object()) {
    target = patch;
    return;
  }
  for (auto& [key, value] : patch.items()) {
    if (value.is_null())
      target.erase(key);
    else if (value.is_object() && target.contains(key)
             && target[key].is_object())
      merge_patch(target[key], value);
    else
      target[key] = value;
  }
}

std::vector<std::string>
settings_core::secrets_written(const json& sent,
                               const std::string& section) const {
  std::vector<std::string> out;
  auto patch = wrap(sent, section);
  if (!patch.is_object())
    return out;
  if (patch.contains("auth") && patch["auth"] != view()["auth"])
    out.push_back("auth");
  if (auto* pw = find_at(patch, {"mqtt", "password"}); pw && !is_marker(*pw))
    out.push_back("mqtt.password");
  if (auto* cams = find_at(patch, {"cameras"}); cams && cams->is_array()) {
    for (size_t i = 0; i < cams->size(); ++i) {
      auto& cam = (*cams)[i];
      auto* pw = find_at(cam, {"ptz", "onvif", "password"});
      if (pw && !is_marker(*pw) && *pw != json(""))
        out.push_back(fmt::format("cameras[{}].ptz.onvif.password", i));
      auto* url = find_at(cam, {"url"});
      if (url && url->is_string() && !url_has_marker(*url)
          && redact_url_password(url->get<std::string>())
                 != url->get<std::string>())
        out.push_back(fmt::format("cameras[{}].url", i));
    }
  }
  return out;
}

settings_core::settings_core(json source, config running,
                             std::function<void(config&)> overrides)
    : source_(std::move(source)), running_(std::move(running)),
      overrides_(std::move(overrides)),
      boot_(config_to_json(running_, secrets::shown)) {}

caf::expected<settings_core>
settings_core::from_yaml(const std::string& yaml_text,
                         std::function<void(config&)> overrides) {
  auto checked = check_config(yaml_text);
  if (!checked.cfg) {
    std::string all;
    for (auto& e : checked.errors)
      all += (all.empty() ? "" : "; ") + e;
    return caf::make_error(ec::invalid_config, all);
  }
  if (overrides)
    overrides(*checked.cfg);
  return settings_core{yaml_to_json(yaml_text), std::move(*checked.cfg),
                       std::move(overrides)};
}

json settings_core::view() const {
  return config_to_json(running_);
}

std::optional<json> settings_core::section(const std::string& name) const {
  auto all = view();
  if (!all.contains(name))
    return std::nullopt;
  return all[name];
}

settings_core::proposal
settings_core::propose_patch(const json& patch,
                             const std::string& section) const {
  if (!patch.is_object() && section != "cameras") {
    proposal p;
    p.outcome.errors.push_back(
        (section.empty() ? std::string("<root>") : section)
        + ": must be a JSON object");
    return p;
  }
  auto whole = wrap(patch, section);
  // The auth section shows tokens only as markers: sent back as shown it
  // changes nothing; any change must give every token in full.
  if (whole.contains("auth") && whole["auth"] == view()["auth"])
    whole.erase("auth");
  auto merged = source_;
  if (!merged.is_object())
    merged = json::object();
  merge_patch(merged, whole);
  std::vector<std::string> errors;
  keep_secrets(merged, errors);
  if (!errors.empty()) {
    proposal p;
    p.outcome.errors = std::move(errors);
    return p;
  }
  return check(std::move(merged));
}

settings_core::proposal
settings_core::propose_document(const std::string& yaml_text) const {
  json doc;
  try {
    doc = yaml_to_json(yaml_text);
  } catch (const YAML::Exception& e) {
    proposal p;
    p.outcome.errors.push_back(std::string("YAML syntax: ") + e.what());
    return p;
  }
  return check(std::move(doc));
}

void settings_core::accept(proposal p) {
  source_ = std::move(p.source);
  running_ = std::move(*p.cfg);
}

settings_outcome settings_core::pending() const {
  settings_outcome out;
  for (auto& path :
       changed_paths(boot_, config_to_json(running_, secrets::shown)))
    if (!applies_live(path))
      out.restart_required.push_back(path);
  return out;
}

void settings_core::take_active_model(const model_spec& spec) {
  running_.detector = with_model(running_.detector, spec);
  auto& d = running_.detector;
  json fields = {{"model", d.model},
                 {"names", d.names},
                 {"input_width", d.input_width},
                 {"input_height", d.input_height},
                 {"layout", d.layout}};
  if (!source_.is_object())
    source_ = json::object();
  merge_patch(source_, {{"detector", fields}});
  // In effect now: a restart would load the same model.
  merge_patch(boot_, {{"detector", fields}});
}

settings_core::proposal settings_core::check(json source) const {
  proposal p;
  auto checked = check_config(dump_json(source));
  p.source = std::move(source);
  if (!checked.cfg) {
    p.outcome.errors = std::move(checked.errors);
    return p;
  }
  if (overrides_)
    overrides_(*checked.cfg);
  auto before = config_to_json(running_, secrets::shown);
  auto after = config_to_json(*checked.cfg, secrets::shown);
  p.outcome.changed = changed_paths(before, after);
  for (auto& path : p.outcome.changed)
    if (applies_live(path))
      p.outcome.applied.push_back(path);
  for (auto& path : changed_paths(boot_, after))
    if (!applies_live(path))
      p.outcome.restart_required.push_back(path);
  p.cfg = std::move(checked.cfg);
  return p;
}

/// A secret that came back as the marker keeps its current value; a marker
/// where there is no secret to keep is an error (it is not a password).
void settings_core::keep_secrets(json& merged,
                                 std::vector<std::string>& errors) const {
  auto keep = [&](json& at, const json* old, const std::string& path) {
    if (old)
      at = *old;
    else
      errors.push_back(path + ": \"" + redaction_marker
                       + "\" is the redaction marker, not a secret");
  };
  if (auto* pw = find_at(merged, {"mqtt", "password"}); pw && is_marker(*pw))
    keep(merged["mqtt"]["password"], find_at(source_, {"mqtt", "password"}),
         "mqtt.password");
  if (auto* tokens = find_at(merged, {"auth", "tokens"});
      tokens && tokens->is_array())
    for (size_t i = 0; i < tokens->size(); ++i)
      if (auto* t = find_at((*tokens)[i], {"token"}); t && is_marker(*t))
        errors.push_back(fmt::format(
            "auth.tokens[{}].token: send every token in full to change "
            "auth.tokens",
            i));
  if (!merged.contains("cameras") || !merged["cameras"].is_array())
    return;
  auto& cams = merged["cameras"];
  for (size_t i = 0; i < cams.size(); ++i) {
    if (!cams[i].is_object())
      continue;
    auto* old = camera_by_id(source_, cams[i].value("id", json()));
    auto at = fmt::format("cameras[{}]", i);
    if (auto* pw = find_at(cams[i], {"ptz", "onvif", "password"});
        pw && is_marker(*pw))
      keep(cams[i]["ptz"]["onvif"]["password"],
           old ? find_at(*old, {"ptz", "onvif", "password"}) : nullptr,
           at + ".ptz.onvif.password");
    if (auto* url = find_at(cams[i], {"url"}); url && url_has_marker(*url)) {
      auto* old_url = old ? find_at(*old, {"url"}) : nullptr;
      bool same = old_url && old_url->is_string()
                  && redact_url_password(old_url->get<std::string>()) == *url;
      keep(cams[i]["url"], same ? old_url : nullptr, at + ".url");
    }
  }
}

} // namespace argus
