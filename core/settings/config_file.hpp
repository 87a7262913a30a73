// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <caf/expected.hpp>
#include <chrono>
#include <string>

namespace argus {

/// Where a config was written and the copy of the file it replaced.
struct persisted_config {
  std::string path;
  /// Empty when there was no file to keep (or backups are off).
  std::string backup;
};

/// Writes `text` to `path` so that a reader sees the old file or the new
/// one, never a part: a temporary file in the same directory, fsync, then
/// rename over `path`. The old file is first copied to
/// `<path>.<UTC yyyymmddThhmmss.mmmZ>.bak`; only the newest `keep_backups`
/// of those are kept (0: none). A failure (full disk, permissions) leaves
/// `path` as it was and says why.
caf::expected<persisted_config>
write_config_file(const std::string& path, const std::string& text,
                  int keep_backups, std::chrono::system_clock::time_point now);

/// The whole file, or an error naming it.
caf::expected<std::string> read_config_file(const std::string& path);

} // namespace argus
