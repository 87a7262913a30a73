// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/router.hpp"
#include "gateway/url.hpp"
#include "gateway/ws_session.hpp"

#include <memory>
#include <string>

namespace argus {

/// Serves the frame server's REST side: POST|GET /clips,
/// GET /clips/{id}, GET /clips/{id}/index and GET /clips/{id}/frame.
/// @returns false when `path` (split by split_path) is none of these.
bool route_frames(const std::shared_ptr<gateway_context>& ctx,
                  const http_request& req, const path_segments& path,
                  const responder& respond);

/// The /ws/frames endpoint: a FRAME CLIENT per connection.
std::shared_ptr<ws_endpoint>
make_frames_endpoint(std::shared_ptr<gateway_context> ctx);

} // namespace argus
