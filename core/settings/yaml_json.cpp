// SPDX-License-Identifier: Apache-2.0
#include "core/settings/yaml_json.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <yaml-cpp/yaml.h>

namespace argus {

using nlohmann::json;

namespace {

/// A plain scalar the way YAML 1.2's core schema types it.
json plain_scalar(const std::string& text) {
  static const std::regex null_re("~|null|Null|NULL|");
  static const std::regex true_re("true|True|TRUE");
  static const std::regex false_re("false|False|FALSE");
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex float_re(
      R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, null_re))
    return json();
  if (std::regex_match(text, true_re))
    return true;
  if (std::regex_match(text, false_re))
    return false;
  if (std::regex_match(text, int_re)) {
    errno = 0;
    auto v = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == 0)
      return v;
  }
  if (std::regex_match(text, float_re)) {
    auto v = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(v))
      return v;
  }
  // .nan, .inf and anything else stay text: the loader rejects them with
  // the key's own message.
  return text;
}

json to_json(const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Map: {
    auto out = json::object();
    for (auto it = node.begin(); it != node.end(); ++it)
      out[it->first.as<std::string>()] = to_json(it->second);
    return out;
  }
  case YAML::NodeType::Sequence: {
    auto out = json::array();
    for (const auto& item : node)
      out.push_back(to_json(item));
    return out;
  }
  case YAML::NodeType::Scalar:
    // "!" is the tag of a quoted scalar: always a string.
    if (node.Tag() == "!")
      return node.Scalar();
    return plain_scalar(node.Scalar());
  default:
    return json();
  }
}

void emit(YAML::Emitter& out, const json& v) {
  switch (v.type()) {
  case json::value_t::object:
    out << YAML::BeginMap;
    for (auto& [key, value] : v.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, value);
    }
    out << YAML::EndMap;
    break;
  case json::value_t::array:
    // Lists of numbers (zone points) read best on one line.
    if (!v.empty() && !v[0].is_object() && !v[0].is_array())
      out << YAML::Flow;
    out << YAML::BeginSeq;
    for (auto& item : v)
      emit(out, item);
    out << YAML::EndSeq;
    break;
  case json::value_t::string:
    out << YAML::DoubleQuoted << v.get<std::string>();
    break;
  case json::value_t::boolean:
    out << (v.get<bool>() ? "true" : "false");
    break;
  case json::value_t::null:
    out << YAML::Null;
    break;
  default:
    out << v.dump();
    break;
  }
}

} // namespace

json yaml_to_json(const std::string& yaml_text) {
  return to_json(YAML::Load(yaml_text));
}

std::string json_to_yaml(const json& doc) {
  YAML::Emitter out;
  emit(out, doc);
  return std::string(out.c_str()) + "\n";
}

} // namespace argus
