// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"

#include <map>
#include <mutex>
#include <string>

namespace argus {

/// The current handles of the supervised actors the gateway talks to (the
/// relays, the PTZ controllers and the store). The SUPERVISOR writes a new
/// handle after a restart; gateway io threads read them per request, so a
/// restarted actor is found at once without the gateway being an actor itself.
class supervised_handles {
public:
  relay_actor relay(const std::string& camera_id) const {
    std::lock_guard<std::mutex> guard{mtx_};
    auto it = relays_.find(camera_id);
    return it == relays_.end() ? relay_actor{} : it->second;
  }

  std::map<std::string, relay_actor> relays() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return relays_;
  }

  /// Null for a camera without PTZ.
  ptz_actor ptz(const std::string& camera_id) const {
    std::lock_guard<std::mutex> guard{mtx_};
    auto it = ptz_.find(camera_id);
    return it == ptz_.end() ? ptz_actor{} : it->second;
  }

  /// Null when the track history is disabled.
  store_actor store() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return store_;
  }

  void set_relay(const std::string& camera_id, relay_actor hdl) {
    std::lock_guard<std::mutex> guard{mtx_};
    relays_[camera_id] = std::move(hdl);
  }

  void set_ptz(const std::string& camera_id, ptz_actor hdl) {
    std::lock_guard<std::mutex> guard{mtx_};
    ptz_[camera_id] = std::move(hdl);
  }

  void set_store(store_actor hdl) {
    std::lock_guard<std::mutex> guard{mtx_};
    store_ = std::move(hdl);
  }

private:
  mutable std::mutex mtx_;
  std::map<std::string, relay_actor> relays_;
  std::map<std::string, ptz_actor> ptz_;
  store_actor store_;
};

} // namespace argus
