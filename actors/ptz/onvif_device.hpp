// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/backoff.hpp"
#include "core/logging.hpp"
#include "core/ptz/onvif_client.hpp"

#include <optional>
#include <string>

namespace argus {

/// State of an ONVIF PTZ device.
struct onvif_device_state {
  static inline constexpr const char* name = "onvif_device";

  std::string camera_id;
  /// The camera id on this actor's log lines.
  log_ctx log;
  std::optional<onvif::client> client;
  std::optional<backoff> retry;
  /// While disconnected: no attempt before this (monotonic ms).
  int64_t next_attempt_ms = 0;
  /// A reconnect attempt is scheduled (so there is one at a time).
  bool attempt_scheduled = false;
  /// Why the device is unreachable, logged once per outage.
  std::string outage;
};

/// An ONVIF PTZ head as a ptz_device_actor: thin over onvif::client. It
/// connects on the first command, runs each command as SOAP calls and
/// answers the pose. A device that stops answering is reconnected with
/// backoff (ptz.onvif.retry_*): meanwhile commands fail at once with the
/// outage's reason, and attempts run on a timer so GET /cameras/{id}
/// shows the device back without any traffic. The calls block: spawn it
/// detached (actors/spawn.cpp), never on the shared scheduler.
ptz_device_actor::behavior_type
onvif_device(ptz_device_actor::stateful_pointer<onvif_device_state> self,
             std::string camera_id, onvif_config cfg, onvif::client_io io);

/// The production wiring of an ONVIF client: libcurl, random nonces, the
/// system clock.
onvif::client_io onvif_io(const onvif_config& cfg);

} // namespace argus
