// SPDX-License-Identifier: Apache-2.0
// schemas/config.schema.json against the loader. Every check walks the
// schema, so a key added to one side only, a default or a bound that drifts,
// or a key read into the wrong field fails here without a hand-written
// expectation per key. Configs are built as JSON, which is YAML too.
#include "core/config.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

using namespace argus;
using json = nlohmann::json;

namespace {

const json& schema() {
  static const json parsed = [] {
    std::ifstream in(std::string(ARGUS_SOURCE_DIR)
                     + "/schemas/config.schema.json");
    return json::parse(in, nullptr, false);
  }();
  return parsed;
}

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

bool is_object_schema(const json& spec) {
  return spec.contains("properties");
}

bool is_list_of_objects(const json& spec) {
  return spec.value("type", "") == "array" && spec.contains("items")
         && is_object_schema(spec["items"]);
}

/// One mapping of the schema, named as in config_key_table().
struct schema_section {
  std::string path;
  const json* spec;
};

void collect(const json& spec, const std::string& path,
             std::vector<schema_section>& out) {
  out.push_back({path, &spec});
  for (auto& [key, sub] : spec["properties"].items()) {
    if (is_object_schema(sub))
      collect(sub, join(path, key), out);
    else if (is_list_of_objects(sub))
      collect(sub["items"], join(path, key) + "[]", out);
  }
}

std::vector<schema_section> schema_sections() {
  std::vector<schema_section> out;
  collect(schema(), "", out);
  return out;
}

/// A key that holds a value (not a mapping or a list of mappings).
struct schema_leaf {
  std::string section;
  std::string key;
  const json* spec;
  const json* section_spec;
};

std::vector<schema_leaf> schema_leaves() {
  std::vector<schema_leaf> out;
  for (auto& s : schema_sections())
    for (auto& [key, sub] : (*s.spec)["properties"].items())
      if (!is_object_schema(sub) && !is_list_of_objects(sub))
        out.push_back({s.path, key, &sub, s.spec});
  return out;
}

/// "cameras[].fps" as the loader names it in errors: "cameras[0].fps".
std::string error_path(const std::string& section, const std::string& key) {
  auto path = join(section, key);
  for (size_t at; (at = path.find("[]")) != std::string::npos;)
    path.replace(at, 2, "[0]");
  return path;
}

std::vector<std::string> split_path(const std::string& section) {
  std::vector<std::string> out;
  std::stringstream in(section);
  for (std::string part; std::getline(in, part, '.');)
    out.push_back(part);
  return out;
}

bool is_list_part(const std::string& part) {
  return part.size() > 2 && part.compare(part.size() - 2, 2, "[]") == 0;
}

std::string list_name(const std::string& part) {
  return part.substr(0, part.size() - 2);
}

json sample_value(const json& spec);

/// A list element with just its required keys.
json minimal_element(const json& item_spec) {
  json out = json::object();
  for (auto& key : item_spec.value("required", json::array()))
    out[key.get<std::string>()] = sample_value(item_spec["properties"][key]);
  return out;
}

/// The mapping of `section` inside `cfg`, created where missing (lists get
/// one element with its required keys).
json& object_at(json& cfg, const std::string& section) {
  json* node = &cfg;
  const json* spec = &schema();
  for (auto& part : split_path(section)) {
    bool list = is_list_part(part);
    auto name = list ? list_name(part) : part;
    spec = &spec->at("properties").at(name);
    json& child = (*node)[name];
    if (!list) {
      if (child.is_null())
        child = json::object();
      node = &child;
      continue;
    }
    spec = &spec->at("items");
    if (!child.is_array() || child.empty())
      child = json::array({minimal_element(*spec)});
    node = &child[0];
  }
  return *node;
}

/// The mapping of `section` in config_to_json's output; null when a list on
/// the way is empty or a mapping is missing.
const json* find_object(const json& out, const std::string& section) {
  const json* node = &out;
  for (auto& part : split_path(section)) {
    bool list = is_list_part(part);
    auto name = list ? list_name(part) : part;
    if (!node->is_object() || !node->contains(name))
      return nullptr;
    node = &(*node)[name];
    if (list) {
      if (!node->is_array() || node->empty())
        return nullptr;
      node = &(*node)[0];
    }
  }
  return node;
}

double round_to_thousandths(double v) {
  return std::round(v * 1000) / 1000;
}

/// A valid value of `spec` other than its default: the next enum member,
/// the flipped boolean, an example, or a number between the default and
/// the maximum (respecting multipleOf).
json sample_value(const json& spec) {
  const json fallback = spec.value("default", json());
  if (spec.contains("enum"))
    for (auto& v : spec["enum"])
      if (v != fallback)
        return v;
  auto type = spec.value("type", "");
  if (type == "boolean")
    return !fallback.get<bool>();
  if (type == "string") {
    for (auto& v : spec.value("examples", json::array()))
      if (v != fallback)
        return v;
    return fallback.get<std::string>() + "_x";
  }
  if (type == "array") // a value list (a zone's points): its example
    return spec.at("examples").at(0);
  if (type == "integer") {
    auto step = spec.value("multipleOf", int64_t{1});
    auto base = fallback.is_null() ? spec["minimum"].get<int64_t>()
                                   : fallback.get<int64_t>();
    auto up = base + step;
    return up <= spec["maximum"].get<int64_t>() ? up : base - step;
  }
  auto lo = spec["minimum"].get<double>();
  auto hi = spec["maximum"].get<double>();
  auto base = fallback.is_null() ? lo : fallback.get<double>();
  auto v = round_to_thousandths((base + hi) / 2);
  return v != base ? v : round_to_thousandths((lo + base) / 2);
}

/// `v` moved into the range of `spec`, rounded towards `up` or down for an
/// integer key.
json clamp_to(const json& spec, double v, bool up) {
  v = std::clamp(v, spec["minimum"].get<double>(),
                 spec["maximum"].get<double>());
  if (spec["type"] != "integer")
    return v;
  return int64_t(up ? std::ceil(v) : std::floor(v));
}

/// What a sibling holds in `object`: its value or its default.
double value_of(const json& object, const json& section_spec,
                const std::string& key) {
  if (object.contains(key))
    return object[key].get<double>();
  return section_spec["properties"][key]["default"].get<double>();
}

/// Moves siblings tied to `key` by x-not-above / x-not-below so that
/// `value` breaks no cross-key rule: a probe of one key must not fail on
/// another.
void keep_cross_rules(json& object, const json& section_spec,
                      const std::string& key, double value) {
  auto& props = section_spec["properties"];
  auto move = [&](const std::string& other, bool other_at_least) {
    double now = value_of(object, section_spec, other);
    if (other_at_least ? now < value : now > value)
      object[other] = clamp_to(props[other], value, other_at_least);
  };
  auto& spec = props[key];
  if (spec.contains("x-not-above"))
    move(spec["x-not-above"].get<std::string>(), true);
  if (spec.contains("x-not-below"))
    move(spec["x-not-below"].get<std::string>(), false);
  for (auto& [other, other_spec] : props.items()) {
    if (other_spec.value("x-not-above", "") == key)
      move(other, false);
    if (other_spec.value("x-not-below", "") == key)
      move(other, true);
  }
}

/// Whether `object` meets an `if` of the schema (required + const/enum).
bool meets(const json& condition, const json& object) {
  for (auto& key : condition.value("required", json::array()))
    if (!object.contains(key.get<std::string>()))
      return false;
  if (!condition.contains("properties"))
    return true;
  for (auto& [key, spec] : condition["properties"].items()) {
    if (!object.contains(key))
      continue;
    if (spec.contains("const") && object[key] != spec["const"])
      return false;
    if (spec.contains("enum")
        && std::find(spec["enum"].begin(), spec["enum"].end(), object[key])
               == spec["enum"].end())
      return false;
  }
  return true;
}

/// Adds the keys an if/then of the section makes required (a file source
/// needs a url).
void meet_conditions(json& object, const json& section_spec) {
  std::vector<const json*> rules;
  if (section_spec.contains("if"))
    rules.push_back(&section_spec);
  if (section_spec.contains("allOf"))
    for (auto& rule : section_spec["allOf"])
      rules.push_back(&rule);
  for (auto* rule : rules) {
    if (!rule->contains("then") || !meets((*rule)["if"], object))
      continue;
    for (auto& key : (*rule)["then"].value("required", json::array())) {
      auto name = key.get<std::string>();
      if (!object.contains(name))
        object[name] = sample_value(section_spec["properties"][name]);
    }
  }
}

json minimal_config() {
  return json::parse(R"({"cameras": [{"id": "c1"}]})");
}

/// The minimal config with `key` of `section` set to `value` (and whatever
/// the schema's cross-key rules and conditions then ask for).
json config_with(const schema_leaf& leaf, const json& value) {
  json cfg = minimal_config();
  json& object = object_at(cfg, leaf.section);
  object[leaf.key] = value;
  if (value.is_number())
    keep_cross_rules(object, *leaf.section_spec, leaf.key, value.get<double>());
  meet_conditions(object, *leaf.section_spec);
  return cfg;
}

/// "" when the config loads, else the loader's message.
std::string error_of(const json& cfg) {
  auto parsed = parse_config(cfg.dump());
  return parsed ? "" : error_detail(parsed.error());
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

std::string list_of(const std::set<std::string>& names) {
  std::string out;
  for (auto& n : names)
    out += (out.empty() ? "" : ", ") + (n.empty() ? "<root>" : n);
  return out;
}

std::string difference(const std::set<std::string>& a,
                       const std::set<std::string>& b) {
  std::set<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::inserter(out, out.end()));
  return list_of(out);
}

/// Whether `value` is what the schema's type (or enum) says.
bool has_schema_type(const json& spec, const json& value) {
  if (spec.contains("enum"))
    return std::find(spec["enum"].begin(), spec["enum"].end(), value)
           != spec["enum"].end();
  auto type = spec.value("type", "");
  if (type == "integer")
    return value.is_number_integer();
  if (type == "number")
    return value.is_number();
  if (type == "boolean")
    return value.is_boolean();
  if (type == "string")
    return value.is_string();
  if (type == "array")
    return value.is_array();
  return value.is_object();
}

/// The words of `text` after `prefix`, less those that join a list.
std::set<std::string> words_after(const std::string& text,
                                  const std::string& prefix) {
  static const std::set<std::string> joining{"must", "be", "one", "of", "or"};
  std::set<std::string> out;
  std::string word;
  auto rest = text.substr(std::min(text.size(), prefix.size())) + " ";
  for (char ch : rest) {
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') {
      word += ch;
      continue;
    }
    if (!word.empty() && !joining.count(word))
      out.insert(word);
    word.clear();
  }
  return out;
}

std::set<std::string> members_of(const json& spec) {
  std::set<std::string> out;
  for (auto& member : spec["enum"])
    out.insert(member.get<std::string>());
  return out;
}

} // namespace

TEST(config_schema, the_schema_file_parses) {
  ASSERT_FALSE(schema().is_discarded()) << "schemas/config.schema.json";
  EXPECT_EQ(schema().value("$schema", ""),
            "https://json-schema.org/draft/2020-12/schema");
}

TEST(config_schema, loader_key_table_and_schema_list_the_same_keys) {
  ASSERT_FALSE(schema().is_discarded());
  std::map<std::string, std::set<std::string>> in_schema, in_loader;
  for (auto& s : schema_sections())
    for (auto& [key, sub] : (*s.spec)["properties"].items())
      in_schema[s.path].insert(key);
  for (auto& s : config_key_table())
    in_loader[s.path].insert(s.keys.begin(), s.keys.end());
  std::set<std::string> schema_names, loader_names;
  for (auto& [name, keys] : in_schema)
    schema_names.insert(name);
  for (auto& [name, keys] : in_loader)
    loader_names.insert(name);
  EXPECT_EQ(schema_names, loader_names)
      << "sections in the schema only: "
      << difference(schema_names, loader_names)
      << "; in the loader only: " << difference(loader_names, schema_names);
  for (auto& [name, keys] : in_schema) {
    auto& loader = in_loader[name];
    EXPECT_EQ(keys, loader)
        << "section " << (name.empty() ? "<root>" : name)
        << ": in the schema only: " << difference(keys, loader)
        << "; in the loader only: " << difference(loader, keys);
  }
}

TEST(config_schema, every_mapping_refuses_other_keys) {
  ASSERT_FALSE(schema().is_discarded());
  for (auto& s : schema_sections()) {
    EXPECT_EQ(s.spec->value("additionalProperties", true), false)
        << "additionalProperties of " << s.path;
    json cfg = minimal_config();
    object_at(cfg, s.path)["no_such_key"] = 1;
    EXPECT_EQ(error_of(cfg),
              error_path(s.path, "no_such_key") + ": unknown key")
        << cfg.dump();
  }
}

TEST(config_schema, a_minimal_config_gets_every_schema_default) {
  ASSERT_FALSE(schema().is_discarded());
  auto cfg = parse_config(minimal_config().dump());
  ASSERT_TRUE(cfg) << error_detail(cfg.error());
  auto out = config_to_json(*cfg);
  for (auto& s : schema_sections()) {
    auto* object = find_object(out, s.path);
    if (!object) {
      EXPECT_NE(s.path.find("[]"), std::string::npos)
          << s.path << " missing from config_to_json";
      continue; // an empty list by default (auth.tokens)
    }
    for (auto& [key, spec] : (*s.spec)["properties"].items()) {
      auto path = error_path(s.path, key);
      if (object->contains(key)) {
        EXPECT_TRUE(has_schema_type(spec, (*object)[key]))
            << path << " = " << (*object)[key].dump();
      }
      if (!spec.contains("default"))
        continue;
      ASSERT_TRUE(object->contains(key)) << path << " missing from output";
      EXPECT_EQ((*object)[key], spec["default"]) << path;
    }
  }
}

TEST(config_schema, numeric_bounds_are_the_loaders) {
  ASSERT_FALSE(schema().is_discarded());
  for (auto& leaf : schema_leaves()) {
    auto& spec = *leaf.spec;
    if (!spec.contains("minimum") || !spec.contains("maximum"))
      continue;
    auto path = error_path(leaf.section, leaf.key);
    bool integer = spec["type"] == "integer";
    for (auto& bound : {spec["minimum"], spec["maximum"]}) {
      auto cfg = config_with(leaf, bound);
      EXPECT_EQ(error_of(cfg), "") << path << " = " << bound << " refused";
    }
    auto expect_refused = [&](const json& value) {
      auto err = error_of(config_with(leaf, value));
      EXPECT_TRUE(starts_with(err, path + ": "))
          << path << " = " << value.dump() << ": got '" << err << "'";
    };
    if (integer) {
      expect_refused(spec["minimum"].get<int64_t>() - 1);
      expect_refused(spec["maximum"].get<int64_t>() + 1);
      expect_refused(spec["minimum"].get<double>() + 0.5);
    } else {
      auto lo = spec["minimum"].get<double>();
      auto hi = spec["maximum"].get<double>();
      expect_refused(lo - std::max(1.0, std::abs(lo)) * 1e-6);
      expect_refused(hi + std::max(1.0, std::abs(hi)) * 1e-6);
    }
    if (spec.contains("multipleOf"))
      expect_refused(spec["minimum"].get<int64_t>()
                     + spec["multipleOf"].get<int64_t>() / 2);
  }
}

TEST(config_schema, enum_members_and_string_lengths_are_the_loaders) {
  ASSERT_FALSE(schema().is_discarded());
  for (auto& leaf : schema_leaves()) {
    auto& spec = *leaf.spec;
    auto path = error_path(leaf.section, leaf.key);
    auto expect_refused = [&](const json& value) {
      auto err = error_of(config_with(leaf, value));
      EXPECT_TRUE(starts_with(err, path + ": "))
          << path << " = " << value.dump() << ": got '" << err << "'";
    };
    if (spec.contains("enum")) {
      for (auto& member : spec["enum"]) {
        auto cfg = config_with(leaf, member);
        // The one member that needs a companion key: a device's address.
        if (leaf.section == "cameras[].ptz" && member == "onvif")
          object_at(cfg, "cameras[].ptz.onvif")["address"] = "http://127.0.0.1";
        EXPECT_EQ(error_of(cfg), "") << path << " = " << member << " refused";
      }
      expect_refused("no_such_member");
      // The loader's refusal lists what it accepts ("must be one of a, b"
      // or "must be a, b or c"): those words are the schema's members, so
      // a member the schema dropped but the loader still takes shows.
      auto err = error_of(config_with(leaf, "no_such_member"));
      EXPECT_EQ(words_after(err, path + ": "), members_of(spec))
          << path << ": the loader says '" << err << "'";
    }
    if (spec.contains("minLength")) {
      auto length = spec["minLength"].get<size_t>();
      EXPECT_EQ(error_of(config_with(leaf, std::string(length, 'x'))), "")
          << path << " of " << length << " characters refused";
      expect_refused(std::string(length - 1, 'x'));
    }
  }
}

TEST(config_schema, cross_key_rules_are_the_loaders) {
  ASSERT_FALSE(schema().is_discarded());
  int rules = 0;
  for (auto& leaf : schema_leaves()) {
    for (auto* rule : {"x-not-above", "x-not-below"}) {
      if (!leaf.spec->contains(rule))
        continue;
      ++rules;
      auto other = (*leaf.spec)[rule].get<std::string>();
      auto& other_spec = (*leaf.section_spec)["properties"][other];
      // The other key mid-range, this one a step past it.
      double mid = (other_spec["minimum"].get<double>()
                    + other_spec["maximum"].get<double>())
                   / 2;
      bool integer = other_spec["type"] == "integer";
      json other_value = integer ? json(int64_t(mid)) : json(mid);
      double step = integer ? 1 : 0.01;
      double past = other_value.get<double>()
                    + (std::string(rule) == "x-not-above" ? step : -step);
      json cfg = minimal_config();
      json& object = object_at(cfg, leaf.section);
      object[other] = other_value;
      object[leaf.key] = integer ? json(int64_t(past)) : json(past);
      auto path = error_path(leaf.section, leaf.key);
      auto err = error_of(cfg);
      EXPECT_TRUE(starts_with(err, path + ": ")) << cfg.dump() << ": " << err;
    }
  }
  EXPECT_GT(rules, 0) << "the schema states no cross-key rule";
}

TEST(config_schema, every_key_is_read_into_what_config_to_json_reports) {
  ASSERT_FALSE(schema().is_discarded());
  for (auto& leaf : schema_leaves()) {
    auto path = error_path(leaf.section, leaf.key);
    auto value = sample_value(*leaf.spec);
    ASSERT_NE(value, leaf.spec->value("default", json())) << path;
    auto cfg = parse_config(config_with(leaf, value).dump());
    ASSERT_TRUE(cfg) << path << " = " << value << ": "
                     << error_detail(cfg.error());
    auto out = config_to_json(*cfg);
    auto* object = find_object(out, leaf.section);
    ASSERT_NE(object, nullptr) << path;
    auto expected = leaf.spec->value("writeOnly", false) ? json("***") : value;
    EXPECT_EQ(object->value(leaf.key, json()), expected) << path;
  }
}

TEST(config_schema, config_to_json_output_is_a_config_that_loads_the_same) {
  ASSERT_FALSE(schema().is_discarded());
  auto demo = load_config(std::string(ARGUS_SOURCE_DIR) + "/config/demo.yaml");
  ASSERT_TRUE(demo) << error_detail(demo.error());
  for (auto& cfg : {*parse_config(minimal_config().dump()), *demo}) {
    auto out = config_to_json(cfg);
    for (auto& s : schema_sections()) {
      auto* object = find_object(out, s.path);
      if (!object)
        continue;
      for (auto& [key, value] : object->items()) {
        EXPECT_TRUE((*s.spec)["properties"].contains(key))
            << error_path(s.path, key) << " is not in the schema";
      }
    }
    auto again = parse_config(out.dump());
    ASSERT_TRUE(again) << error_detail(again.error());
    EXPECT_EQ(config_to_json(*again), out);
  }
}

TEST(config_schema, tokens_are_never_shown) {
  auto cfg = parse_config("cameras: [{id: a}]\n"
                          "auth: {tokens: [{role: admin, token: "
                          "0123456789abcdef}]}");
  ASSERT_TRUE(cfg) << error_detail(cfg.error());
  auto text = config_to_json(*cfg).dump();
  EXPECT_EQ(text.find("0123456789abcdef"), std::string::npos) << text;
  EXPECT_NE(text.find(R"({"role":"admin","token":"***"})"), std::string::npos)
      << text;
}
