// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/router.hpp"
#include "gateway/url.hpp"

namespace argus {

/// The camera relay's REST side: GET /cameras (with state and viewers),
/// GET /cameras/{id}, GET /cameras/{id}/latest.jpg and
/// POST /cameras/{id}/reinit. @returns false when `path` (split by
/// split_path) is not one of them.
bool route_cameras(const std::shared_ptr<gateway_context>& ctx,
                   const http_request& req, const path_segments& path,
                   const responder& respond);

} // namespace argus
