// SPDX-License-Identifier: Apache-2.0
// Why the tracker needs the camera's motion: the virtual PTZ camera swings
// across the sky while its detections (the ground truth in view) go to a
// byte_tracker that is told the camera's motion from the views, from the
// pixels (global_motion, as for an ONVIF camera), or not at all.
#include "core/analytics/byte_tracker.hpp"
#include "core/video/global_motion.hpp"
#include "tests/support/ptz_footage.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <set>

using namespace argus;

namespace {

enum class ego { none, views, pixels };

struct id_report {
  /// Track ids each true object was reported under while it stayed in
  /// view (an object that leaves the picture and comes back may get a new
  /// id: that is no switch).
  std::map<int64_t, std::set<int64_t>> ids;
  /// Times an object in view was reported under another id than in the
  /// frame before.
  int switches = 0;
};

/// The virtual camera swings left and right (and a little up and down)
/// across the sky, up to 0.6 of its top pan speed: ~26 px a frame.
const std::vector<test::ptz_footage_frame>& swinging_pan() {
  static auto footage = [] {
    synthetic_params p;
    virtual_ptz_limits lim;
    return test::render_ptz_footage(
        p, lim, 150, [](int64_t t, virtual_ptz& head) {
          auto phase = 2 * M_PI * t / 3000.0;
          head.move(0.6 * std::cos(phase), 0.3 * std::sin(phase), 0, t, 2000);
        });
  }();
  return footage;
}

id_report track(ego mode) {
  auto& footage = swinging_pan();
  tracker_params params;
  params.frame_rate = 15;
  byte_tracker trk(params);
  global_motion gm;
  id_report out;
  std::map<int64_t, int64_t> last_id; // objects in view: their last id
  cv::Size size = footage[0].bgr.size();
  for (size_t i = 0; i < footage.size(); ++i) {
    auto& f = footage[i];
    auto measured = gm.update(f.bgr);
    if (i > 0 && mode == ego::views) {
      auto m = test::true_motion_px(footage[i - 1].view, f.view, size);
      trk.follow_camera(m.scale, m.offset[0], m.offset[1]);
    }
    if (mode == ego::pixels && measured.valid)
      trk.follow_camera(measured.scale, measured.dx, measured.dy);
    std::vector<detection> dets;
    std::map<int64_t, int64_t> in_view;
    for (auto& t : f.truth) {
      in_view[t.object_id]
          = last_id.count(t.object_id) ? last_id[t.object_id] : 0;
      if (t.occluded < 0.5f)
        dets.push_back({t.bbox, 0.8f, t.class_id});
    }
    for (auto& tr : trk.update(dets))
      for (auto& t : f.truth)
        if (iou(tr.bbox, t.bbox) > 0.5) {
          auto& last = in_view[t.object_id];
          out.switches += last != 0 && last != tr.id;
          last = tr.id;
          out.ids[t.object_id].insert(tr.id);
        }
    last_id = std::move(in_view);
  }
  return out;
}

} // namespace

TEST(ego_motion, measured_camera_motion_keeps_ids_through_pans) {
  auto blind = track(ego::none);
  auto views = track(ego::views);
  auto pixels = track(ego::pixels);
  // Seen on this footage: 15 switches blind, 5 with the views, 6 with the
  // motion measured from the pixels (objects crossing and hiding behind
  // clouds cost a few switches whatever the camera does).
  EXPECT_GE(blind.switches, 2 * pixels.switches);
  EXPECT_GE(blind.switches, views.switches + 6);
  EXPECT_LE(pixels.switches, views.switches + 2);
}
