// SPDX-License-Identifier: Apache-2.0
#include "core/offline_tracks.hpp"

#include <cmath>
#include <fmt/format.h>

namespace argus {

namespace {

/// The live registry scales the tracker by the camera's fps; offline the
/// video's own rate plays that part.
tracker_params tracker_for(const config& cfg, double fps) {
  auto params = cfg.tracker;
  params.frame_rate = fps;
  return params;
}

analytics_params session_for(const config& cfg,
                             std::vector<std::string> labels) {
  return {"offline", "offline", cfg.session, std::move(labels)};
}

std::string class_name(const std::vector<std::string>& names, int32_t id) {
  if (id >= 0 && size_t(id) < names.size())
    return names[size_t(id)];
  return "class_" + std::to_string(id);
}

} // namespace

published_tracks::published_tracks(const config& cfg,
                                   std::vector<std::string> labels, double fps)
    : tracker_(tracker_for(cfg, fps)),
      session_(session_for(cfg, std::move(labels))), fps_(fps) {
  // nop
}

const std::vector<tick_track>&
published_tracks::step(int64_t frame, const std::vector<detection>& dets,
                       int frame_w, int frame_h) {
  track_set ts;
  ts.frame_index = frame - 1; // the camera's frame index starts at 0
  // Source time from the frame number, so track ends (session.end_after_ms)
  // fall where they would when the file plays at its own rate.
  ts.ts_mono_ms = std::llround(double(frame - 1) * 1000.0 / fps_);
  ts.ts_unix_ms = ts.ts_mono_ms;
  ts.frame_w = frame_w;
  ts.frame_h = frame_h;
  ts.tracks = tracker_.update(dets);
  session_.process(ts, 0, 0, ts.ts_mono_ms);
  return session_.tick().tracks;
}

void write_detection_rows(std::ostream& out, int64_t frame,
                          const std::vector<detection>& dets,
                          const std::vector<std::string>& names) {
  for (auto& d : dets)
    out << fmt::format("{},{:.3f},{:.3f},{:.3f},{:.3f},{},{:.4f}\n", frame,
                       d.bbox.x, d.bbox.y, d.bbox.w, d.bbox.h,
                       class_name(names, d.class_id), d.conf);
}

void write_track_rows(std::ostream& out, int64_t frame,
                      const std::vector<tick_track>& tracks, int frame_w,
                      int frame_h) {
  for (auto& t : tracks)
    out << fmt::format("{},{},{:.3f},{:.3f},{:.3f},{:.3f},{},{:.4f}\n", frame,
                       t.id, t.bbox.x * frame_w, t.bbox.y * frame_h,
                       t.bbox.w * frame_w, t.bbox.h * frame_h, t.label, t.conf);
}

} // namespace argus
