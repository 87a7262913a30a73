// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/analytics/kalman_filter.hpp"
#include "messages/types.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace argus {

/// A per-camera track id counter shared by successive trackers.
using track_id_source = std::shared_ptr<std::atomic<int64_t>>;

/// ByteTrack parameters. Defaults are the frozen set tuned on MOT15/MOT17
/// (docs/benchmarks.md) and used by every session.
struct tracker_params {
  /// Detections at or above this score take part in the first association.
  /// The sky defaults fit the shipped model's score range: its true
  /// detections score 0.24-0.49 (10th-90th percentile, median 0.41, every
  /// 10th frame of the tune split); at 0.35, 84 % of them remain at 86 %
  /// class-agnostic precision (tuning figures, docs/benchmarks.md §8).
  float track_high_thresh = 0.35f;
  /// Detections in [low, high) take part in the second association only.
  float track_low_thresh = 0.1f;
  /// Birth threshold: an unmatched detection starts a track at this score.
  float new_track_thresh = 0.4f;
  /// Max cost (1 - IoU, score-fused) of a first-stage match.
  float match_thresh = 0.8f;
  /// Max cost (1 - IoU) of a second-stage (low score) match.
  float second_match_thresh = 0.5f;
  /// Max cost of matching a not-yet-confirmed track.
  float unconfirmed_match_thresh = 0.7f;
  /// Frames (at 30 fps) a lost track is kept for re-identification.
  int track_buffer = 30;
  /// Source frame rate; scales track_buffer.
  double frame_rate = 30;
  /// Multiply IoU by detection score in the first stage (ByteTrack MOT17).
  bool fuse_score = true;
  /// Forbid matching a detection to a track of another class. When false
  /// (the default), a track may take detections of any class and reports
  /// the class its detections voted for (summed scores), so an object the
  /// detector calls bird in one frame and drone in the next stays one
  /// track. On real footage this lifted drone IDF1 from 0.60 to 0.63 and
  /// cut false drone tracks (tuning figures, docs/benchmarks.md §8).
  bool class_aware = false;
  /// Buffered IoU (C-BIoU): both boxes grow by this fraction of their width
  /// and height on every side before the IoU is taken, so small, fast
  /// objects whose consecutive boxes do not overlap can still be matched.
  /// 0 is plain IoU.
  float match_buffer = 0.6f;
  /// Buffer for matching not-yet-confirmed tracks: a newborn track has no
  /// velocity estimate yet, so its next position is less certain.
  float birth_buffer = 0.6f;
  /// A track is reported once it has been matched this many times (SORT's
  /// min_hits): short-lived false positives never reach the output.
  int min_hits = 2;
};

/// A ByteTrack-style multi-object tracker: constant-velocity Kalman filter,
/// two-stage association (high-score detections, then low-score ones against
/// the tracks left over), optimal assignment on IoU cost, a birth threshold
/// and a lost buffer. Track IDs start at 1 and are never reused.
class byte_tracker {
public:
  explicit byte_tracker(tracker_params params = {});

  /// Feeds one frame's detections; returns the confirmed tracks matched in
  /// this frame, with their filtered boxes.
  std::vector<track_state> update(const std::vector<detection>& dets);

  /// The camera itself moved since the last frame: a point at pixel x of
  /// the previous frame is now at `scale * x + dx` (and y likewise), for
  /// every track, tracked or lost. Call before update() of the new frame,
  /// so tracks are predicted where the camera's motion put them (a pan
  /// moves every object across the picture at once).
  void follow_camera(double scale, double dx, double dy);

  /// Number of frames seen.
  int64_t frame_id() const { return frame_id_; }

  /// Number of tracks kept as lost (candidates for re-identification).
  size_t lost_count() const { return lost_.size(); }

  const tracker_params& params() const { return params_; }

  /// New thresholds and buffers from the next update on; live tracks are
  /// kept (PATCH /settings).
  void set_params(const tracker_params& params) { params_ = params; }

  /// Draws track ids from a counter shared with earlier trackers of the same
  /// camera (holding the last id given), so ids never repeat per camera.
  void share_ids(track_id_source ids) { ids_ = std::move(ids); }

private:
  enum class track_phase { tracked, lost, removed };

  struct strack {
    int64_t id = 0;
    kalman_filter::state mean;
    kalman_filter::covariance cov;
    float score = 0;
    int32_t class_id = 0;
    track_phase phase = track_phase::tracked;
    bool activated = false;
    int64_t start_frame = 0;
    int64_t frame_id = 0;
    int64_t hits = 0;
    /// Summed detection scores by class id; class_id is the largest.
    std::vector<float> class_votes;

    pixel_box box() const;
    void vote(const detection& det);
  };

  strack make_track(const detection& det);
  void activate(strack& t);
  void update_track(strack& t, const detection& det);
  double cost(const strack& t, const detection& d, bool fuse,
              float buffer) const;
  void remove_duplicates();

  tracker_params params_;
  kalman_filter kf_;
  int64_t frame_id_ = 0;
  int64_t next_id_ = 1;
  track_id_source ids_;
  std::vector<strack> tracked_;
  std::vector<strack> lost_;
};

/// Intersection over union of two pixel boxes.
double iou(const pixel_box& a, const pixel_box& b);

/// `b` grown by `ratio` of its width and height on every side.
pixel_box buffered(const pixel_box& b, float ratio);

} // namespace argus
