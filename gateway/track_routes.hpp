// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/router.hpp"

#include <string>

namespace argus {

/// Serves the track history: GET /tracks, GET|DELETE /tracks/{track_id},
/// POST /tracks/{track_id}/retain, GET /sessions/{id}/tracks and GET /store.
/// @returns false when `path` is none of these (the caller answers 404).
bool route_tracks(const std::shared_ptr<gateway_context>& ctx,
                  const http_request& req, const std::string& path,
                  const responder& respond);

} // namespace argus
