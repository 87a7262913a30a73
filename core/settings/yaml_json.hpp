// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace argus {

/// A YAML document as JSON: plain scalars typed as YAML 1.2's core schema
/// reads them (null, true/false, integers, floats), quoted ones as strings.
/// Throws YAML::Exception on bad YAML.
nlohmann::json yaml_to_json(const std::string& yaml_text);

/// A JSON document as block-style YAML that yaml_to_json reads back to the
/// same JSON: every string double-quoted, so "10" or "yes" stay strings.
std::string json_to_yaml(const nlohmann::json& doc);

} // namespace argus
