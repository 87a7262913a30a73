// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/config.hpp"
#include "core/ptz/autotrack.hpp"
#include "core/ptz/command_pacer.hpp"
#include "messages/ptz_types.hpp"

#include <deque>
#include <optional>
#include <string>

namespace argus {

/// The PTZ controller of one camera without I/O: the session's
/// observations and the operator's requests in, the commands to send to
/// the device out, and the state GET /cameras/{id} and the tick show. The
/// PTZ actor adds the device calls (one at a time, the newest command
/// replacing a queued one).
class ptz_controller {
public:
  ptz_controller(std::string camera_id, const ptz_config& cfg);

  /// One processed frame's view of the selected target; the command to
  /// send now, if any.
  std::optional<ptz_command> observe(const ptz_observation& obs);

  /// Operator requests; `now_ms` on the same clock as observations.
  std::optional<ptz_command> set_enabled(bool enabled, int64_t now_ms);
  std::optional<ptz_command> go_home(int64_t now_ms);

  /// The device ran a command and says where it points now.
  void answered(const ptz_pose& pose);
  /// A command failed without an answer (unreachable, timeout, the
  /// session could not be set up): not connected; the error is counted.
  void failed(const std::string& error);
  /// The device answered a command with a refusal (a SOAP fault, an HTTP
  /// error status): still connected; the error is counted.
  void refused(const std::string& error);
  /// A position query failed: no command failed, so no error is counted;
  /// `reachable` when the device answered it with a refusal.
  void unanswered(const std::string& error, bool reachable = false);

  /// The tick's ptz block: the last commanded velocities.
  /// Takes new autotrack settings (PATCH /settings); see autotracker::retune.
  void retune(const autotrack_settings& settings) {
    cfg_.autotrack = settings;
    tracker_.retune(settings);
  }

  ptz_telemetry telemetry() const;
  ptz_status status() const;
  /// status() with `commands_per_s`: commands sent in the `rate_window_ms`
  /// before `now_ms` (the clock of observations), per second.
  ptz_status status(int64_t now_ms) const;

  /// The span commands_per_s is measured over.
  static constexpr int64_t rate_window_ms = 10'000;

private:
  std::optional<ptz_command> paced(const ptz_command& wanted, int64_t now_ms);

  ptz_config cfg_;
  autotracker tracker_;
  command_pacer pacer_;
  /// What the tracker does not know: device answers and counters (the
  /// autotrack fields are read from the tracker in status()).
  ptz_status status_;
  /// When the commands of the last rate window were sent (oldest first).
  std::deque<int64_t> sent_ms_;
};

} // namespace argus
