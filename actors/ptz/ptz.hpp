// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/logging.hpp"
#include "core/metrics/argus_metrics.hpp"
#include "core/ptz/ptz_controller.hpp"

#include <optional>
#include <string>

namespace argus {

/// What a PTZ controller needs: its camera's settings and its device.
struct ptz_setup {
  std::string camera_id;
  ptz_config cfg;
  /// The device the commands go to (backend sim: the camera itself).
  ptz_device_actor device;
  /// The device is this controller's own (backend onvif): linked, so a
  /// crash of either ends both and the supervisor restarts the pair, and
  /// never replaced by a restarted camera.
  bool owns_device = false;
  /// Where each device call is logged (the STORE); null: not logged.
  ptz_log_actor log;
  /// Counts each device call by kind and result (null: not counted).
  metrics_ptr metrics;
};

/// State of a PTZ controller.
struct ptz_state {
  static inline constexpr const char* name = "ptz";

  ptz_setup setup;
  /// The camera id on this actor's log lines.
  log_ctx log;
  std::optional<ptz_controller> core;
  /// A device call is running; commands wait in `queued` meanwhile.
  bool in_flight = false;
  /// The newest command not yet sent (a newer one replaces it).
  std::optional<ptz_command> queued;
};

/// The PTZ controller: thin over ptz_controller. Each observation from the
/// camera's session may yield a command; commands go to the device one at
/// a time, with a timeout, and a command that waits is replaced by a newer
/// one (latest-command semantics), so a slow device never builds a
/// backlog and never blocks the session, which only ever gets telemetry
/// back. Each device call ends in one record for the audit log, sent to
/// the STORE without waiting, so a store that is down or slow never holds
/// up control. Never blocks itself: it runs scheduled.
ptz_actor::behavior_type ptz(ptz_actor::stateful_pointer<ptz_state> self,
                             ptz_setup setup);

} // namespace argus
