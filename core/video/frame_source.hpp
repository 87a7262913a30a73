// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/config.hpp"
#include "messages/types.hpp"

#include <caf/error.hpp>
#include <memory>

namespace argus {

/// A blocking source of decoded frames. Implementations: the synthetic
/// scene, and FFmpeg (files and RTSP). Only the camera actor, which runs
/// detached, calls these.
class frame_source {
public:
  virtual ~frame_source();

  /// Opens (or reopens) the source.
  virtual caf::error open() = 0;

  /// Blocks until the next frame is decoded into `out.bgr` (and, for the
  /// synthetic source, `out.truth`). End of a file loops to its start.
  virtual caf::error read(frame& out) = 0;

  /// Seconds between frames when pacing playback; 0 for live sources, which
  /// pace themselves.
  virtual double frame_interval_s() const = 0;

  /// Releases decoder and connection.
  virtual void close() = 0;
};

/// The synthetic scene as a source: frame i renders scene time i / fps.
class synthetic_source : public frame_source {
public:
  explicit synthetic_source(const synthetic_params& params);
  caf::error open() override;
  caf::error read(frame& out) override;
  double frame_interval_s() const override;
  void close() override;

private:
  synthetic_params params_;
  std::unique_ptr<synthetic_scene> scene_;
  int64_t next_ = 0;
};

/// Creates the source a camera config names.
std::unique_ptr<frame_source> make_frame_source(const camera_config& cfg);

} // namespace argus
