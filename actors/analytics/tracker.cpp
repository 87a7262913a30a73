// SPDX-License-Identifier: Apache-2.0
#include "actors/analytics/tracker.hpp"

#include "actors/failure.hpp"
#include "core/config.hpp"
#include "core/ptz/virtual_ptz.hpp"

#include <caf/typed_event_based_actor.hpp>

namespace argus {

tracker_actor::behavior_type
tracker(tracker_actor::stateful_pointer<tracker_state> self,
        tracker_params params, track_id_source ids) {
  log_failures(self, "tracker");
  self->state.impl = byte_tracker(params);
  if (ids)
    self->state.impl.share_ids(std::move(ids));
  return {
      [=](const detection_set& ds) {
        auto& st = self->state;
        if (ds.view.w > 0 && st.view.w > 0) {
          auto m = motion_between(st.view, ds.view);
          st.impl.follow_camera(m.scale, m.offset[0] * ds.frame_w,
                                m.offset[1] * ds.frame_h);
        } else if (ds.ego.valid) {
          st.impl.follow_camera(ds.ego.scale, ds.ego.dx, ds.ego.dy);
        }
        st.view = ds.view;
        track_set out;
        out.frame_index = ds.frame_index;
        out.ts_unix_ms = ds.ts_unix_ms;
        out.ts_mono_ms = ds.ts_mono_ms;
        out.frame_w = ds.frame_w;
        out.frame_h = ds.frame_h;
        out.tracks = self->state.impl.update(ds.detections);
        return out;
      },
      [=](atom::configure, const config_ptr& cfg) {
        self->state.impl.set_params(cfg->tracker);
      },
  };
}

} // namespace argus
