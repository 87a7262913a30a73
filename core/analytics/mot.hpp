// SPDX-License-Identifier: Apache-2.0
// MOTChallenge text formats and the CLEAR-MOT / IDF1 scores, for replaying
// public detections through the tracker (`argus track`) and scoring it.
#pragma once

#include "messages/types.hpp"

#include <caf/expected.hpp>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace argus {

/// Detections per frame number (frames start at 1).
using mot_detections = std::map<int64_t, std::vector<detection>>;

/// One ground-truth or tracker row.
struct mot_row {
  int64_t frame = 0;
  int64_t id = 0;
  pixel_box bbox;
  float conf = 1;
  int flag = 1;
  int class_id = -1;
};

/// Reads `frame,-1,x,y,w,h,score,...` lines. Malformed lines are an error
/// naming the line number.
caf::expected<mot_detections> read_mot_detections(const std::string& path);

/// Reads a ground-truth or result file (`frame,id,x,y,w,h,flag|conf,...`).
caf::expected<std::vector<mot_row>> read_mot_rows(const std::string& path);

/// Writes one frame's tracks as `frame,id,x,y,w,h,conf,-1,-1,-1`.
void write_mot_tracks(std::ostream& out, int64_t frame,
                      const std::vector<track_state>& tracks);

/// CLEAR MOT and identity scores of one or more sequences.
struct mot_scores {
  int64_t gt = 0;
  int64_t fp = 0;
  int64_t fn = 0;
  int64_t idsw = 0;
  int64_t idtp = 0;
  int64_t hyp = 0;
  double mota() const;
  double idf1() const;
  mot_scores& operator+=(const mot_scores& other);
};

/// Scores tracker rows against ground truth as the MOTChallenge scorer does:
/// IoU >= 0.5 matching per frame (keeping previous pairs when they still
/// match), a global ID assignment for IDF1. With `mot17_rules`, only
/// pedestrians (class 1) with flag 1 count, and tracker boxes matched to
/// distractor classes (2, 7, 8, 12) are ignored; otherwise rows with flag 1.
mot_scores score_mot(const std::vector<mot_row>& gt,
                     const std::vector<mot_row>& hyp, bool mot17_rules);

} // namespace argus
