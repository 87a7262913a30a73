// SPDX-License-Identifier: Apache-2.0
#include "messages/ptz_types.hpp"

namespace argus {

std::string to_string(ptz_reason reason) {
  switch (reason) {
  case ptz_reason::autotrack:
    return "autotrack";
  case ptz_reason::lost:
    return "lost";
  case ptz_reason::ret:
    return "return";
  case ptz_reason::operator_request:
    return "operator";
  }
  return "unknown";
}

std::string to_string(autotrack_state state) {
  switch (state) {
  case autotrack_state::disabled:
    return "disabled";
  case autotrack_state::idle:
    return "idle";
  case autotrack_state::waiting_for_zone:
    return "waiting_for_zone";
  case autotrack_state::following:
    return "following";
  case autotrack_state::holding:
    return "holding";
  case autotrack_state::zooming_out:
    return "zooming_out";
  case autotrack_state::lost:
    return "lost";
  case autotrack_state::returning:
    return "returning";
  }
  return "unknown";
}

std::string to_string(ptz_command::kind what) {
  switch (what) {
  case ptz_command::kind::none:
    return "none";
  case ptz_command::kind::move:
    return "move";
  case ptz_command::kind::stop:
    return "stop";
  case ptz_command::kind::home:
    return "home";
  case ptz_command::kind::preset:
    return "preset";
  }
  return "unknown";
}

std::string to_string(ptz_result result) {
  switch (result) {
  case ptz_result::ok:
    return "ok";
  case ptz_result::error:
    return "error";
  case ptz_result::timeout:
    return "timeout";
  }
  return "unknown";
}

} // namespace argus
