// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/router.hpp"
#include "gateway/url.hpp"

#include <string>

namespace argus {

/// Serves the track history: GET /tracks, GET|DELETE /tracks/{track_id},
/// POST /tracks/{track_id}/retain, GET /sessions/{id}/tracks and GET /store.
/// @returns false when `path` (split by split_path) is none of these (the
/// caller answers 404).
bool route_tracks(const std::shared_ptr<gateway_context>& ctx,
                  const http_request& req, const path_segments& path,
                  const responder& respond);

} // namespace argus
