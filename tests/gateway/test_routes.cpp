// SPDX-License-Identifier: Apache-2.0
#include "gateway/routes.hpp"

#include <algorithm>
#include <cctype>
#include <gtest/gtest.h>
#include <set>
#include <yaml-cpp/yaml.h>

using namespace argus;

namespace {

using method_and_path = std::pair<std::string, std::string>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// "/tracks/{track_id+}" is "/tracks/{track_id}" in OpenAPI.
std::string openapi_path(std::string_view pattern) {
  std::string out(pattern);
  out.erase(std::remove(out.begin(), out.end(), '+'), out.end());
  return out;
}

std::set<method_and_path> table_operations() {
  std::set<method_and_path> out;
  for (auto& r : route_table())
    for (auto& op : r.operations)
      out.emplace(lower(std::string(http::to_string(op.method))),
                  openapi_path(r.pattern));
  return out;
}

std::set<method_and_path> openapi_operations() {
  static const std::set<std::string> methods{
      "get", "put", "post", "delete", "patch", "head", "options"};
  auto doc
      = YAML::LoadFile(std::string(ARGUS_SOURCE_DIR) + "/schemas/openapi.yaml");
  std::set<method_and_path> out;
  for (auto path : doc["paths"])
    for (auto item : path.second)
      if (methods.count(item.first.as<std::string>()))
        out.emplace(item.first.as<std::string>(), path.first.as<std::string>());
  return out;
}

std::string describe(const std::set<method_and_path>& ops) {
  std::string out;
  for (auto& [method, path] : ops)
    out += "  " + method + " " + path + "\n";
  return out;
}

/// The pattern of the route `target` reaches, or "" for none.
std::string route_of(const std::string& target) {
  path_segments segments;
  path_error err;
  route_params params;
  if (!split_path(target, segments, err))
    return "";
  auto* r = match_route(segments, params);
  return r ? std::string(r->pattern) : "";
}

} // namespace

TEST(route_table, is_exactly_the_openapi_document) {
  auto table = table_operations();
  auto documented = openapi_operations();
  std::set<method_and_path> undocumented, unserved;
  std::set_difference(table.begin(), table.end(), documented.begin(),
                      documented.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set_difference(documented.begin(), documented.end(), table.begin(),
                      table.end(), std::inserter(unserved, unserved.end()));
  EXPECT_TRUE(undocumented.empty())
      << "in the route table, not in schemas/openapi.yaml:\n"
      << describe(undocumented);
  EXPECT_TRUE(unserved.empty())
      << "in schemas/openapi.yaml, not in the route table:\n"
      << describe(unserved);
  EXPECT_GE(table.size(), 20u);
}

TEST(route_table, declares_each_pattern_and_method_once) {
  std::set<std::string_view> patterns;
  for (auto& r : route_table()) {
    EXPECT_TRUE(patterns.insert(r.pattern).second) << r.pattern;
    std::set<http::verb> verbs;
    for (auto& op : r.operations)
      EXPECT_TRUE(verbs.insert(op.method).second) << r.pattern;
  }
}

TEST(route_table, only_websocket_routes_lack_a_handler) {
  for (auto& r : route_table())
    for (auto& op : r.operations)
      EXPECT_EQ(op.handler == nullptr, r.websocket != ws_endpoint_kind::none)
          << r.pattern;
}

TEST(route_table, writes_need_a_controller_and_only_probes_are_open) {
  for (auto& r : route_table())
    for (auto& op : r.operations) {
      bool read = op.method == http::verb::get || op.method == http::verb::head;
      if (!read) {
        EXPECT_GE(op.needs, role::controller) << r.pattern;
      }
      bool probe = r.pattern == "/healthz" || r.pattern == "/readyz";
      EXPECT_EQ(op.needs == role::none, probe) << r.pattern;
    }
  path_segments config{"config"};
  route_params params;
  EXPECT_EQ(match_route(config, params)->find(http::verb::get)->needs,
            role::admin);
}

TEST(route_table, the_most_specific_route_wins) {
  EXPECT_EQ(route_of("/tracks/cam_01/17/retain"), "/tracks/{track_id+}/retain");
  EXPECT_EQ(route_of("/tracks/cam_01%2F17/retain"),
            "/tracks/{track_id+}/retain");
  EXPECT_EQ(route_of("/tracks/cam_01/17"), "/tracks/{track_id+}");
  EXPECT_EQ(route_of("/tracks/retain"), "/tracks/{track_id+}");
  EXPECT_EQ(route_of("/sessions/s1/tracks"), "/sessions/{session_id}/tracks");
  EXPECT_EQ(route_of("/sessions/s1"), "/sessions/{session_id}");
  EXPECT_EQ(route_of("/cameras/c1/latest.jpg"),
            "/cameras/{camera_id}/latest.jpg");
  EXPECT_EQ(route_of("/ws/frames"), "/ws/frames");
  EXPECT_EQ(route_of("/sessions/"), "");
  EXPECT_EQ(route_of("/cameras/c1/other"), "");
  EXPECT_EQ(route_of("/nope"), "");
}

TEST(route_table, allow_lists_the_methods_in_order) {
  path_segments segments{"sessions", "s1"};
  route_params params;
  auto* r = match_route(segments, params);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->allow(), "GET, DELETE");
  EXPECT_EQ(r->lowest_role(), role::viewer);
  EXPECT_EQ(r->find(http::verb::put), nullptr);
  EXPECT_EQ(params["session_id"], "s1");
}
