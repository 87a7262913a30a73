// SPDX-License-Identifier: Apache-2.0
// A fresh directory under $TMPDIR that is removed with everything in it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace argus::test {

class temp_dir {
public:
  temp_dir() {
    auto base = std::filesystem::temp_directory_path() / "argus-XXXXXX";
    std::string tmpl = base.string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string{};
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string file(const std::string& name) const {
    return (std::filesystem::path(path_) / name).string();
  }
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

} // namespace argus::test
