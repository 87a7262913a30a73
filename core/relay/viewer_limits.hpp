// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace argus {

/// Caps on live relay viewers, per camera and over all cameras. A slot is
/// taken before the WebSocket upgrade completes and released when the
/// returned ticket is destroyed (the connection is gone), so counts stay
/// exact however a connection ends. Thread-safe: Beast threads take
/// tickets, any thread may drop them.
class viewer_limits : public std::enable_shared_from_this<viewer_limits> {
public:
  viewer_limits(int64_t per_camera, int64_t total)
      : per_camera_(per_camera), total_(total) {}

  /// Holds one slot while alive.
  class ticket {
  public:
    ticket(std::shared_ptr<viewer_limits> owner, std::string camera_id)
        : owner_(std::move(owner)), camera_id_(std::move(camera_id)) {}
    ~ticket() { owner_->release(camera_id_); }
    ticket(const ticket&) = delete;
    ticket& operator=(const ticket&) = delete;

  private:
    std::shared_ptr<viewer_limits> owner_;
    std::string camera_id_;
  };

  /// Why a slot was refused (empty: not refused).
  struct refusal {
    std::string code;
    std::string detail;
  };

  /// A slot for a viewer of `camera_id`, or null with `why` filled.
  std::unique_ptr<ticket> acquire(const std::string& camera_id, refusal& why);

  int64_t viewers(const std::string& camera_id) const;
  int64_t total() const;
  int64_t refused() const;

private:
  void release(const std::string& camera_id);

  int64_t per_camera_;
  int64_t total_;
  mutable std::mutex mtx_;
  std::map<std::string, int64_t> by_camera_;
  int64_t all_ = 0;
  int64_t refused_ = 0;
};

} // namespace argus
