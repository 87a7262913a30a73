// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/command_pacer.hpp"

#include <cmath>

namespace argus {

using kind = ptz_command::kind;

bool command_pacer::changed(const ptz_command& move) const {
  return std::abs(move.pan - last_move_.pan) >= settings_.min_change
         || std::abs(move.tilt - last_move_.tilt) >= settings_.min_change
         || std::abs(move.zoom - last_move_.zoom) >= settings_.min_change;
}

std::optional<ptz_command> command_pacer::send(const ptz_command& cmd,
                                               int64_t now_ms) {
  last_sent_ms_ = now_ms;
  if (cmd.what == kind::move) {
    last_move_ = cmd;
    moving_ = cmd.pan != 0 || cmd.tilt != 0 || cmd.zoom != 0;
  } else {
    last_move_ = ptz_command{};
    moving_ = false;
  }
  return cmd;
}

std::optional<ptz_command> command_pacer::offer(const ptz_command& wanted,
                                                int64_t now_ms) {
  bool too_soon = last_sent_ms_ >= 0
                  && now_ms - last_sent_ms_ < settings_.min_interval_ms;
  switch (wanted.what) {
  case kind::stop:
  case kind::home:
  case kind::preset:
    return send(wanted, now_ms);
  case kind::move:
    if (changed(wanted) && !too_soon)
      return send(wanted, now_ms);
    break;
  case kind::none:
    break;
  }
  bool resend_due
      = moving_ && now_ms - last_sent_ms_ >= settings_.move_timeout_ms / 2;
  if (resend_due)
    return send(last_move_, now_ms);
  return std::nullopt;
}

} // namespace argus
