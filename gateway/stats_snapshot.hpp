// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/context.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace argus {

/// What the actors report of one camera at one moment; an empty optional
/// is an actor that has nothing to say (no session, no PTZ) or did not
/// answer in time.
struct camera_snapshot {
  std::string camera_id;
  std::string session_id;
  std::optional<session_status> session;
  std::optional<relay_status> relay;
  std::optional<ptz_status> ptz;
};

/// The status replies GET /stats and GET /metrics are built from, gathered
/// at request time so counters the actors already keep are read, not kept
/// twice.
struct stats_snapshot {
  int64_t ts_unix_ms = 0;
  std::vector<camera_snapshot> cameras;
  /// "disabled", "unresponsive" or the store's own state.
  std::string store_state = "disabled";
  std::optional<store_status> store;
  bool frame_server = false;
  std::vector<clip_info> clips;
};

/// Asks the REGISTRY, every RELAY and PTZ controller, the STORE and the
/// frame server at once, then calls `done` (on an actor thread) with what
/// came back within the request timeout.
void gather_stats(const std::shared_ptr<gateway_context>& ctx,
                  std::function<void(stats_snapshot)> done);

} // namespace argus
