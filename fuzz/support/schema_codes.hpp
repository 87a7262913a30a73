// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace argus::fuzz {

/// The error codes a closed wire schema allows (every `enum` under a
/// property named "error"), read from schemas/ so the fuzzers check what
/// the server sends against the published contract, not a copy of it.
inline std::set<std::string> schema_error_codes(const std::string& file) {
  std::ifstream in(std::string(ARGUS_SOURCE_DIR) + "/schemas/" + file);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  std::set<std::string> codes;
  auto walk = [&](const nlohmann::json& j, auto& self) -> void {
    if (j.is_object()) {
      auto props = j.find("properties");
      if (props != j.end() && props->is_object() && props->contains("error")) {
        auto& e = (*props)["error"];
        if (e.contains("enum"))
          for (auto& c : e["enum"])
            codes.insert(c.get<std::string>());
      }
      for (auto& [k, v] : j.items())
        self(v, self);
    } else if (j.is_array()) {
      for (auto& v : j)
        self(v, self);
    }
  };
  walk(doc, walk);
  return codes;
}

} // namespace argus::fuzz
