// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"
#include "gateway/ws_session.hpp"

#include <memory>
#include <string>

namespace argus {

// The frame server's REST side; each answers 503 when it is not running.
/// GET /clips: the registered clips.
void get_clips(const route_call& call);
/// POST /clips: register (or find) a clip by its source.
void post_clips(const route_call& call);
/// GET /clips/{clip_id}: the clip's description.
void get_clip(const route_call& call);
/// GET /clips/{clip_id}/index: its IRAP index.
void get_clip_index(const route_call& call);
/// GET /clips/{clip_id}/frame?irap=&offset=[&quality=]: one frame as JPEG.
void get_clip_frame(const route_call& call);

/// The endpoint behind /ws/frames: a FRAME CLIENT per connection.
std::shared_ptr<ws_endpoint>
make_frames_endpoint(std::shared_ptr<gateway_context> ctx);

} // namespace argus
