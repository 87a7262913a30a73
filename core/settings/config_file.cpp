// SPDX-License-Identifier: Apache-2.0
#include "core/settings/config_file.hpp"

#include "messages/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace argus {

namespace fs = std::filesystem;

namespace {

caf::error io_error(const std::string& what, int err) {
  return caf::make_error(ec::persist_failed, what + ": " + std::strerror(err));
}

/// Writes all of `text` to `fd` and flushes it to the disk.
bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += size_t(n);
  }
  return ::fsync(fd) == 0;
}

std::string stamp(std::chrono::system_clock::time_point now) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                now.time_since_epoch())
                .count()
            % 1000;
  return fmt::format("{:%Y%m%dT%H%M%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     ms);
}

/// Deletes all but the newest `keep` backups of `path` (their names sort
/// by time).
void prune_backups(const fs::path& path, int keep) {
  std::vector<fs::path> backups;
  std::error_code err;
  auto prefix = path.filename().string() + ".";
  for (auto& entry : fs::directory_iterator(path.parent_path(), err)) {
    auto name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size() + 4
        && name.compare(name.size() - 4, 4, ".bak") == 0)
      backups.push_back(entry.path());
  }
  std::sort(backups.begin(), backups.end());
  for (size_t i = 0; i + size_t(std::max(keep, 0)) < backups.size(); ++i)
    fs::remove(backups[i], err);
}

} // namespace

caf::expected<persisted_config>
write_config_file(const std::string& path, const std::string& text,
                  int keep_backups, std::chrono::system_clock::time_point now) {
  fs::path target(path);
  auto dir
      = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  persisted_config out{path, {}};
  std::error_code err;
  if (keep_backups > 0 && fs::exists(target, err)) {
    auto backup = target.string() + "." + stamp(now) + ".bak";
    fs::copy_file(target, backup, fs::copy_options::overwrite_existing, err);
    if (err)
      return caf::make_error(ec::persist_failed,
                             "cannot back up " + path + ": " + err.message());
    out.backup = backup;
  }
  auto tmp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0)
    return io_error("cannot create a temporary file in " + dir.string(), errno);
  bool written = write_all(fd, text);
  int write_errno = errno;
  ::close(fd);
  if (!written) {
    ::unlink(name.data());
    return io_error("cannot write " + path, write_errno);
  }
  // Keep the old file's permissions (a conffile may be 0640 root:argus).
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0)
    ::chmod(name.data(), old.st_mode & 07777);
  else
    ::chmod(name.data(), 0644);
  if (::rename(name.data(), path.c_str()) != 0) {
    int rename_errno = errno;
    ::unlink(name.data());
    return io_error("cannot replace " + path, rename_errno);
  }
  if (keep_backups > 0)
    prune_backups(target, keep_backups);
  return out;
}

caf::expected<std::string> read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return caf::make_error(ec::persist_failed, "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace argus
