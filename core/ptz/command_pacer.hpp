// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/ptz/autotrack.hpp"

#include <cstdint>
#include <optional>

namespace argus {

/// When PTZ commands go on the wire (config: `cameras[].ptz`).
struct pacing_settings {
  /// At most one move per this interval (the device's command rate).
  int64_t min_interval_ms = defaults::ptz::min_interval_ms;
  /// The `Timeout` each ContinuousMove carries: a device that hears
  /// nothing more stops on its own, so a dead controller cannot leave the
  /// camera spinning. A running move is resent at half of it.
  int64_t move_timeout_ms = defaults::ptz::move_timeout_ms;
  /// A move whose velocities all differ from the last one sent by less
  /// than this is not news.
  double min_change = 0.01;
};

/// Decides, frame by frame, which of the controller's commands are sent:
/// stops, home and preset moves at once; moves only when they changed by
/// `min_change` and at most one per `min_interval_ms` (a move that comes
/// too soon is dropped: the next frame brings a newer one, so the latest
/// command always wins); a running move again before the device's timeout
/// would stop it. Pure: time comes in with each call.
class command_pacer {
public:
  explicit command_pacer(pacing_settings settings) : settings_(settings) {}

  /// The command to send now for `wanted` (the controller's output this
  /// frame; `none` = keep running what runs), if any.
  std::optional<ptz_command> offer(const ptz_command& wanted, int64_t now_ms);

  /// Whether the device is believed to be running a move we sent.
  bool moving() const { return moving_; }
  /// The last move sent (zero velocities after a stop).
  const ptz_command& last_move() const { return last_move_; }
  const pacing_settings& settings() const { return settings_; }

private:
  std::optional<ptz_command> send(const ptz_command& cmd, int64_t now_ms);
  bool changed(const ptz_command& move) const;

  pacing_settings settings_;
  ptz_command last_move_;
  int64_t last_sent_ms_ = -1;
  bool moving_ = false;
};

} // namespace argus
