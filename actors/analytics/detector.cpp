// SPDX-License-Identifier: Apache-2.0
#include "actors/analytics/detector.hpp"

#include "actors/failure.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace argus {

detector_actor::behavior_type
detector_worker(detector_actor::stateful_pointer<detector_state> self,
                detector_config cfg) {
  log_failures(self, "detector_worker");
  auto loaded = detection_stage::load(cfg);
  if (!loaded) {
    spdlog::error("detector failed to load: {}", render(loaded.error()));
    self->quit(loaded.error());
    return detector_actor::behavior_type::make_empty_behavior();
  }
  self->state.impl.emplace(std::move(*loaded));
  if (cfg.ego_motion)
    self->state.ego.emplace();
  return {
      [=](const frame_ptr& f) -> caf::result<detection_set> {
        auto t0 = std::chrono::steady_clock::now();
        ego_motion ego;
        if (self->state.ego && f->view.w == 0) {
          auto e = self->state.ego->update(f->bgr);
          ego = {e.valid, e.scale, e.dx, e.dy};
        }
        auto dets = self->state.impl->detect(f->bgr);
        if (!dets)
          return dets.error();
        detection_set out;
        out.frame_index = f->index;
        out.ts_unix_ms = f->ts_unix_ms;
        out.ts_mono_ms = f->ts_mono_ms;
        out.frame_w = f->bgr.cols;
        out.frame_h = f->bgr.rows;
        out.detect_ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - t0)
                            .count();
        out.detections = std::move(*dets);
        out.view = f->view;
        out.ego = ego;
        return out;
      },
  };
}

} // namespace argus
