// SPDX-License-Identifier: Apache-2.0
#include "messages/types.hpp"

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

} // namespace argus
