// SPDX-License-Identifier: Apache-2.0
#include "gateway/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <spdlog/spdlog.h>
#include <sstream>

namespace argus {

namespace fs = std::filesystem;

std::string content_type_of(const std::string& name) {
  static const std::map<std::string, std::string> types{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"}};
  auto ext = fs::path(name).extension().string();
  auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}

namespace {

bool safe_name(const std::string& rel) {
  if (rel.empty() || rel.find("..") != std::string::npos)
    return false;
  for (char c : rel)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_'
        && c != '-' && c != '/')
      return false;
  return rel[0] != '.';
}

} // namespace

std::shared_ptr<const static_files> static_files::load(const std::string& root,
                                                       size_t max_bytes) {
  auto out = std::make_shared<static_files>();
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec))
    return out;
  size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec))
      continue;
    auto rel = fs::relative(it->path(), root, ec).generic_string();
    if (!safe_name(rel))
      continue;
    std::ifstream in{it->path(), std::ios::binary};
    std::ostringstream body;
    body << in.rdbuf();
    total += body.str().size();
    if (total > max_bytes) {
      spdlog::warn("web: {} holds more than {} bytes; the rest is not served",
                   root, max_bytes);
      break;
    }
    out->files_["/" + rel] = {body.str(), content_type_of(rel)};
  }
  return out;
}

const static_files::file* static_files::find(const std::string& path) const {
  auto it = files_.find(path == "/" ? "/index.html" : path);
  return it == files_.end() ? nullptr : &it->second;
}

} // namespace argus
