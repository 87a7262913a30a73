// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "actors/supervised_handles.hpp"
#include "core/backoff.hpp"

#include <caf/actor_clock.hpp>
#include <caf/timespan.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace argus {

/// What the SUPERVISOR watches and how it restarts each kind of child.
/// The children are spawned by the caller (so the registry and the gateway
/// can be given their handles first); the factories make replacements.
struct supervisor_setup {
  std::map<std::string, camera_actor> cameras;
  std::map<std::string, relay_actor> relays;
  /// The PTZ controllers of the PTZ cameras.
  std::map<std::string, ptz_actor> ptz;
  /// Null when the track history is disabled.
  store_actor store;
  std::function<camera_actor(const std::string& camera_id)> spawn_camera;
  /// Makes `spawn_camera` use the cameras of an accepted configuration;
  /// returns the ids whose source settings changed (unset: none change).
  std::function<std::vector<std::string>(const config&)> take_camera_sources;
  std::function<relay_actor(const std::string& camera_id, camera_actor)>
      spawn_relay;
  std::function<store_actor()> spawn_store;
  /// A PTZ controller logging to the given (current) STORE.
  std::function<ptz_actor(const std::string& camera_id, camera_actor,
                          ptz_log_actor)>
      spawn_ptz;
  /// Told about new cameras and a new store; stopped first at shutdown
  /// (its sessions' final track events reach the store).
  registry_actor registry;
  /// Stopped with the relays at shutdown, before the sessions (both null
  /// when not running).
  clip_manager_actor clips;
  /// Stopped last, after the store's final commit.
  track_reader_actor reader;
  /// Where the gateway finds the current relays and store.
  std::shared_ptr<supervised_handles> handles;
  /// Waits between restarts of one child grow with each failure.
  backoff_policy restart_backoff{250, 10000, 2.0, 0.2};
  /// A child that ran this long since it was (re)started is healthy again:
  /// its next failure waits the shortest time, not the grown one.
  caf::timespan stable_after = std::chrono::seconds(60);
  /// How long shutdown waits for the sessions, then for the store's last
  /// commit, before it kills them and goes on.
  caf::timespan session_stop_grace = std::chrono::seconds(5);
  caf::timespan store_stop_grace = std::chrono::seconds(10);
};

/// One child's restarts: the wait before the next, and when it last came
/// up (the supervisor's start for a child never restarted).
struct child_restarts {
  backoff wait;
  caf::actor_clock::time_point up_since;
};

/// State of the SUPERVISOR.
struct supervisor_state {
  static inline constexpr const char* name = "supervisor";

  supervisor_setup setup;
  /// Per child name ("camera/<id>", "relay/<id>", "store"), from its
  /// first failure on.
  std::map<std::string, child_restarts> children;
  caf::actor_clock::time_point started;
  int64_t restarts = 0;
  /// The staged shutdown: whether it began, its stage, the actor it waits
  /// for (null when none) and the promise it answers when done.
  bool stopping = false;
  int32_t stage = 0;
  caf::actor awaited;
  const char* awaited_name = "";
  caf::typed_response_promise<bool> stopped;
};

/// The SUPERVISOR: monitors every camera, relay and the store. A child that
/// ends with an error (an escaped exception, a crash of its source code) is
/// restarted after a backoff and its peers get the new handle: a camera's
/// relay and the registry; a relay's gateway entry; the store's registry
/// (which passes it on to the sessions) and gateway entry. A child that
/// ends normally or by shutdown is not restarted.
/// atom::shutdown runs the staged shutdown (VAST's node is the model):
/// nothing is restarted from then on; the frame server and the relays
/// stop; the registry stops and is waited for (its sessions' final track
/// events reach the store); the store stops and is waited for (its last
/// commit); the reader stops. An actor that outlives its grace is killed.
supervisor_actor::behavior_type
supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
           supervisor_setup setup);

} // namespace argus
