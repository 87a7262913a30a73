// SPDX-License-Identifier: Apache-2.0
#include "core/relay/latest_frame_store.hpp"

#include "core/stored_json.hpp"
#include "core/text.hpp"
#include "messages/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace argus {

namespace {

/// Writes `bytes` to `path` through a temp file and a rename.
caf::error write_atomically(const std::string& path, const std::string& bytes) {
  auto tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f)
    return caf::make_error(ec::store_unavailable, "cannot create " + tmp + ": "
                                                      + std::strerror(errno));
  auto written = std::fwrite(bytes.data(), 1, bytes.size(), f);
  int err = written == bytes.size() ? 0 : errno;
  if (std::fflush(f) != 0 && err == 0)
    err = errno;
  if (std::fclose(f) != 0 && err == 0)
    err = errno;
  if (err != 0 || written != bytes.size()) {
    std::remove(tmp.c_str());
    return caf::make_error(ec::store_unavailable,
                           "cannot write " + tmp + ": "
                               + std::strerror(err ? err : EIO));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    auto why = std::strerror(errno);
    std::remove(tmp.c_str());
    return caf::make_error(ec::store_unavailable,
                           "cannot replace " + path + ": " + why);
  }
  return {};
}

std::optional<std::string> read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

std::string latest_frame_store::path_of(const std::string& camera_id,
                                        const std::string& ext) const {
  std::string name = camera_id;
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_'
        && c != '-')
      c = '_';
  return (std::filesystem::path{dir_} / (name + ext)).string();
}

caf::error latest_frame_store::save(const relay_frame& frame) const {
  if (!frame.jpeg)
    return caf::make_error(ec::invalid_argument, "no JPEG to save");
  std::error_code fs_err;
  std::filesystem::create_directories(dir_, fs_err);
  if (fs_err)
    return caf::make_error(ec::store_unavailable,
                           "cannot create " + dir_ + ": " + fs_err.message());
  if (auto err
      = write_atomically(path_of(frame.camera_id, ".jpg"), *frame.jpeg))
    return err;
  return write_atomically(path_of(frame.camera_id, ".json"),
                          frame_meta_to_json(frame));
}

caf::error latest_frame_store::forget(const std::string& camera_id) const {
  for (auto* ext : {".jpg", ".json"}) {
    std::error_code ec;
    std::filesystem::remove(path_of(camera_id, ext), ec);
    if (ec)
      return caf::make_error(ec::store_unavailable,
                             "cannot remove " + path_of(camera_id, ext) + ": "
                                 + ec.message());
  }
  return caf::none;
}

std::optional<relay_frame>
latest_frame_store::load(const std::string& camera_id) const {
  auto jpeg = read_all(path_of(camera_id, ".jpg"));
  auto meta_text = read_all(path_of(camera_id, ".json"));
  if (!jpeg || !meta_text || jpeg->size() < 4
      || static_cast<unsigned char>((*jpeg)[0]) != 0xFF
      || static_cast<unsigned char>((*jpeg)[1]) != 0xD8)
    return std::nullopt;
  relay_frame f;
  f.camera_id = camera_id;
  if (!frame_meta_from_json(*meta_text, jpeg->size(), f))
    return std::nullopt; // the pair is from two different saves
  f.jpeg = std::make_shared<const std::string>(std::move(*jpeg));
  return f;
}

} // namespace argus
