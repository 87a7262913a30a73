// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/offline_tracks.hpp"

#include "messages/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <sstream>

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

/// Splits one CSV line at commas (no quoting: argus writes none).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ','))
    out.push_back(cell);
  return out;
}

/// Parses a whole cell as a number; false on junk or a partial parse.
template <class T> bool parse_cell(const std::string& cell, T& out) {
  std::istringstream in(cell);
  in >> out;
  return !in.fail() && in.peek() == std::char_traits<char>::eof();
}

/// One `frame,x,y,w,h,class,score` row; false when malformed.
bool parse_detection_row(const std::string& line,
                         const std::vector<std::string>& names, int64_t& frame,
                         detection& d) {
  auto cells = split_csv(line);
  if (cells.size() != 7)
    return false;
  auto it = std::find(names.begin(), names.end(), cells[5]);
  if (it == names.end())
    return false;
  d.class_id = int32_t(it - names.begin());
  return parse_cell(cells[0], frame) && frame >= 1
         && parse_cell(cells[1], d.bbox.x) && parse_cell(cells[2], d.bbox.y)
         && parse_cell(cells[3], d.bbox.w) && parse_cell(cells[4], d.bbox.h)
         && parse_cell(cells[6], d.conf);
}

} // namespace

caf::expected<detections_by_frame>
read_detection_rows(std::istream& in, const std::vector<std::string>& names) {
  std::string line;
  if (!std::getline(in, line) || line != detection_csv_header)
    return caf::make_error(ec::invalid_argument,
                           std::string("detections file must start with ")
                               + detection_csv_header);
  detections_by_frame out;
  for (int64_t n = 2; std::getline(in, line); ++n) {
    if (line.empty())
      continue;
    int64_t frame = 0;
    detection d;
    if (!parse_detection_row(line, names, frame, d))
      return caf::make_error(ec::invalid_argument,
                             fmt::format("detections line {}: expected "
                                         "frame,x,y,w,h,class,score with a "
                                         "class of the model",
                                         n));
    out[frame].push_back(d);
  }
  return out;
}

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
