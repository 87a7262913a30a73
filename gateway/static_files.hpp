// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <string>

namespace argus {

/// The web client's files (server.web_root), read once at start so no
/// request ever touches the disk on a Beast thread. Only plain files with
/// safe names are served; "/" is index.html.
class static_files {
public:
  struct file {
    std::string body;
    std::string content_type;
  };

  /// Loads every regular file under `root` (at most `max_bytes` in all).
  /// A missing root gives an empty set (no page, the API still works).
  static std::shared_ptr<const static_files> load(const std::string& root,
                                                  size_t max_bytes = 8 << 20);

  /// The file for a request path, or null.
  const file* find(const std::string& path) const;

  size_t size() const { return files_.size(); }

private:
  std::map<std::string, file> files_; // by "/relative/path"
};

/// The Content-Type of a file name by extension.
std::string content_type_of(const std::string& name);

} // namespace argus
