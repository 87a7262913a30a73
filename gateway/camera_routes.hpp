// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"

namespace argus {

/// GET /cameras: every camera with its relay's state and viewers.
void get_cameras(const route_call& call);
/// GET /cameras/{camera_id}: the relay's counters and the camera's state.
void get_camera(const route_call& call);
/// GET /cameras/{camera_id}/latest.jpg: the newest relayed frame.
void get_camera_latest_jpeg(const route_call& call);
/// POST /cameras/{camera_id}/reinit: reconnect now, backoff reset.
void post_camera_reinit(const route_call& call);

} // namespace argus
