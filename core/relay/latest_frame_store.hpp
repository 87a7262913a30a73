// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/types.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <optional>
#include <string>

namespace argus {

/// Each camera's newest relay JPEG on disk, written every N frames, so
/// GET /cameras/{id}/latest.jpg still has a picture after a restart. Two
/// files per camera, each replaced atomically (write a temp file, then
/// rename): `<id>.jpg` and `<id>.json` (frame number, capture time, size).
/// Blocking file I/O: call it from a detached actor.
class latest_frame_store {
public:
  explicit latest_frame_store(std::string dir) : dir_(std::move(dir)) {}

  /// Errors: store_unavailable with the system's reason (a full disk, a
  /// read-only folder); the previous files stay as they were.
  caf::error save(const relay_frame& frame) const;

  /// The persisted frame of `camera_id`; none when there is none or the
  /// files are damaged (not a JPEG, unreadable metadata).
  std::optional<relay_frame> load(const std::string& camera_id) const;

  /// Removes the persisted frame of `camera_id` (none is not an error).
  /// Errors: store_unavailable with the system's reason.
  caf::error forget(const std::string& camera_id) const;

  /// The file name used for a camera id (characters outside
  /// [A-Za-z0-9._-] become '_').
  std::string path_of(const std::string& camera_id,
                      const std::string& ext) const;

private:
  std::string dir_;
};

} // namespace argus
