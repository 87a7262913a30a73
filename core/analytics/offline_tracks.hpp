// SPDX-License-Identifier: Apache-2.0
// Offline analysis of a video file: the live session's tracking and
// publishing applied to every frame, and the CSV rows `argus detect` and
// `argus track --video` write.
#pragma once

#include "core/analytics/analytics_session.hpp"
#include "core/analytics/byte_tracker.hpp"
#include "core/config.hpp"
#include "messages/types.hpp"

#include <caf/expected.hpp>
#include <cstdint>
#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace argus {

/// The live path's tracking stage run frame by frame without actors:
/// byte_tracker, then analytics_session, chained as the TRACKER and SESSION
/// actors chain them. What it returns is what the session's next
/// metadata_tick would carry, so offline scores measure what users see.
class published_tracks {
public:
  /// `labels` are the detector's class names; `fps` the video's frame rate
  /// (it scales the tracker's lost buffer and times track ends, as the
  /// camera's fps does live).
  published_tracks(const config& cfg, std::vector<std::string> labels,
                   double fps);

  /// Folds in one frame (1-based `frame`) and its detections. @returns the
  /// tracks a metadata_tick would publish after it.
  const std::vector<tick_track>& step(int64_t frame,
                                      const std::vector<detection>& dets,
                                      int frame_w, int frame_h);

private:
  byte_tracker tracker_;
  analytics_session session_;
  double fps_;
};

/// First line of `argus detect` output.
inline constexpr const char* detection_csv_header = "frame,x,y,w,h,class,score";

/// First line of `argus track --video` output.
inline constexpr const char* track_csv_header = "frame,id,x,y,w,h,class,score";

/// Writes one frame's detections as `frame,x,y,w,h,class,score` rows (box
/// in frame pixels, top-left origin); `names` gives class names by id.
void write_detection_rows(std::ostream& out, int64_t frame,
                          const std::vector<detection>& dets,
                          const std::vector<std::string>& names);

/// Detections by 1-based frame number, as `argus detect` wrote them.
using detections_by_frame = std::map<int64_t, std::vector<detection>>;

/// Reads what write_detection_rows wrote (header first); class names map
/// back to ids through `names`. Fails with ec::invalid_argument naming the
/// line when a row is malformed or names a class `names` lacks. Lets the
/// tracker be tuned on recorded detections without running the detector.
caf::expected<detections_by_frame>
read_detection_rows(std::istream& in, const std::vector<std::string>& names);

/// Writes one frame's published tracks as `frame,id,x,y,w,h,class,score`
/// rows, their normalized boxes scaled back to a frame_w x frame_h frame.
void write_track_rows(std::ostream& out, int64_t frame,
                      const std::vector<tick_track>& tracks, int frame_w,
                      int frame_h);

} // namespace argus
