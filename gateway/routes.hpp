// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/bearer_auth.hpp"
#include "gateway/router.hpp"
#include "gateway/url.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace argus {

/// What a REST handler is given: the request, its route's decoded
/// parameters, and the way to answer it (exactly once, from any thread).
struct route_call {
  const std::shared_ptr<gateway_context>& ctx;
  const http_request& req;
  const route_params& params;
  deferred_reply reply;
  /// The caller's role (admin when auth is off).
  role granted = role::admin;
  /// Who is calling, for per-client limits: the bearer token if there is
  /// one, else the peer's address.
  std::string client;
};

using route_handler = void (*)(const route_call&);

/// The WebSocket endpoint a route upgrades to, if any.
enum class ws_endpoint_kind { none, session, camera_viewer, frames };

/// One method of a route: the role its caller needs and its handler
/// (null on a WebSocket route's GET, which a plain request gets 426 for).
struct route_operation {
  http::verb method;
  role needs;
  route_handler handler;
};

/// One endpoint of the API, declared once: dispatch, 404/405 with Allow,
/// authorization, WebSocket upgrades and the OpenAPI test all read it.
struct api_route {
  /// "/cameras/{camera_id}/latest.jpg" (see match_route_pattern); the
  /// OpenAPI path is the same with any '+' dropped.
  std::string_view pattern;
  std::vector<route_operation> operations;
  ws_endpoint_kind websocket = ws_endpoint_kind::none;

  /// The operation for `method`, or null (405).
  const route_operation* find(http::verb method) const;
  /// The Allow header of a 405: "GET, DELETE".
  std::string allow() const;
  /// What a method the route lacks needs before it learns Allow: the
  /// lowest role any of its operations needs.
  role lowest_role() const;
};

/// Every endpoint of the gateway, most specific pattern first.
const std::vector<api_route>& route_table();

/// The first route of the table whose pattern matches `path`, with its
/// parameters in `params`; null when none does (404).
const api_route* match_route(const path_segments& path, route_params& params);

} // namespace argus
