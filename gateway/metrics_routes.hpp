// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"

namespace argus {

/// GET /metrics: the Prometheus text exposition (format 0.0.4) of what
/// the engine counts as it runs and of the status counters the actors
/// already keep (relays, cameras, store, frame server), read at scrape time.
void get_metrics(const route_call& call);

/// GET /stats: one JSON snapshot per camera (fps, latency, drops, tracks,
/// clients, PTZ command rate), the store's lag and the frame server's
/// cache (schemas/stats.schema.json).
void get_stats(const route_call& call);

} // namespace argus
