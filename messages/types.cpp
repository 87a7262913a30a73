// SPDX-License-Identifier: Apache-2.0
#include "messages/types.hpp"

#include "messages/store_types.hpp"

namespace argus {

std::string to_string(camera_link link) {
  switch (link) {
  case camera_link::idle:
    return "idle";
  case camera_link::connecting:
    return "connecting";
  case camera_link::online:
    return "online";
  case camera_link::disconnected:
    return "disconnected";
  case camera_link::unknown:
    break;
  }
  return "unknown";
}

std::string to_string(store_health health) {
  switch (health) {
  case store_health::ok:
    return "ok";
  case store_health::degraded:
    return "degraded";
  case store_health::disabled:
    break;
  }
  return "disabled";
}

} // namespace argus
