// SPDX-License-Identifier: Apache-2.0
#include "core/relay/viewer_limits.hpp"

namespace argus {

std::unique_ptr<viewer_limits::ticket>
viewer_limits::acquire(const std::string& camera_id, refusal& why) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& n = by_camera_[camera_id];
  if (all_ >= total_) {
    ++refused_;
    why = {"too_many_viewers",
           "all " + std::to_string(total_) + " relay viewer slots are taken"};
    return nullptr;
  }
  if (n >= per_camera_) {
    ++refused_;
    why = {"too_many_viewers", "camera " + camera_id + " already has "
                                   + std::to_string(per_camera_)
                                   + " viewers (relay.max_viewers_per_camera)"};
    return nullptr;
  }
  ++n;
  ++all_;
  return std::make_unique<ticket>(shared_from_this(), camera_id);
}

void viewer_limits::release(const std::string& camera_id) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = by_camera_.find(camera_id);
  if (it != by_camera_.end() && it->second > 0) {
    --it->second;
    --all_;
  }
}

int64_t viewer_limits::viewers(const std::string& camera_id) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = by_camera_.find(camera_id);
  return it == by_camera_.end() ? 0 : it->second;
}

int64_t viewer_limits::total() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return all_;
}

int64_t viewer_limits::refused() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return refused_;
}

} // namespace argus
