// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/tracking_phase.hpp"

namespace argus {

void tracking_phase::select(int64_t target_id, bool visible) {
  target_ = target_id;
  phase_ = visible ? phase::tracking : phase::searching;
}

void tracking_phase::clear() {
  target_ = none_id;
  phase_ = phase::idle;
}

void tracking_phase::observe(bool target_seen, bool target_alive) {
  switch (phase_) {
  case phase::idle:
    break;
  case phase::searching:
    if (target_seen)
      phase_ = phase::tracking;
    break;
  case phase::tracking:
    if (!target_seen)
      phase_ = target_alive ? phase::lost : phase::searching;
    break;
  case phase::lost:
    if (target_seen)
      phase_ = phase::tracking;
    else if (!target_alive)
      phase_ = phase::searching;
    break;
  }
}

const char* tracking_phase::name() const {
  switch (phase_) {
  case phase::idle:
    return "idle";
  case phase::searching:
    return "searching";
  case phase::tracking:
    return "tracking";
  case phase::lost:
    return "lost";
  }
  return "idle";
}

} // namespace argus
