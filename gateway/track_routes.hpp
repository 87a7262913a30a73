// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"

namespace argus {

/// GET /tracks: stored track summaries, filtered and paged.
void get_tracks(const route_call& call);
/// GET /sessions/{session_id}/tracks: the same, for one session.
void get_session_tracks(const route_call& call);
/// GET /tracks/{track_id}: one stored track (?samples= for its path).
void get_track(const route_call& call);
/// DELETE /tracks/{track_id}.
void delete_track(const route_call& call);
/// POST /tracks/{track_id}/retain: keep (or release) it past retention.
void post_track_retain(const route_call& call);
/// GET /ptz/commands: the PTZ audit log, filtered and paged.
void get_ptz_commands(const route_call& call);
/// GET /store: the track store's state.
void get_store(const route_call& call);

} // namespace argus
