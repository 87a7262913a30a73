// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/types.hpp"

#include <cstdint>

namespace argus {

/// The tracking phase of a session, driven by the selected target:
///
///            set_target (visible)            target missing
///   idle ───────────────────────► tracking ─────────────────► lost
///    │ ▲                            ▲  ▲                        │ │
///    │ │ clear_target (any state)   │  └────── seen again ──────┘ │
///    │ └────────────────────────────┼───────────────────────────  │
///    │   set_target (not visible)   │ seen                        │ track
///    ended └────────────────────────► searching ◄───────────────────────┘
class tracking_phase {
public:
  enum class phase { idle, searching, tracking, lost };

  /// Selects a target; `visible` says whether it was seen in the last frame.
  void select(int64_t target_id, bool visible);

  /// Drops the target.
  void clear();

  /// Advances after a frame: whether the target was seen in it, and whether
  /// its track still exists at all.
  void observe(bool target_seen, bool target_alive);

  phase current() const { return phase_; }
  int64_t target() const { return target_; }

  /// The contract's string: idle, searching, tracking, lost.
  const char* name() const;

private:
  phase phase_ = phase::idle;
  int64_t target_ = none_id;
};

} // namespace argus
