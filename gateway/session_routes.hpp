// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"

namespace argus {

/// POST /sessions {"camera_id"?}: start (or find) a camera's session.
void post_sessions(const route_call& call);
/// GET /sessions/{session_id}: the session's status.
void get_session(const route_call& call);
/// DELETE /sessions/{session_id}.
void delete_session(const route_call& call);

} // namespace argus
