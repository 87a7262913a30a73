// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/history/store.hpp"
#include "actors/interfaces.hpp"
#include "actors/mqtt/bridge.hpp"
#include "actors/settings/settings.hpp"
#include "core/config.hpp"
#include "core/metrics/argus_metrics.hpp"

#include <caf/actor_system.hpp>
#include <string>

namespace argus {

// How each long-lived actor is spawned in production: the one place that
// says which of them get their own thread (those that block on decoding,
// encoding, the disk or the network) and what they are given. Peers come
// in as handles, so a test can spawn the same actor alone with mocks.

/// A CAMERA for `cam`; detached (it blocks on its source).
camera_actor spawn_camera(caf::actor_system& sys, const camera_config& cam);

/// A DETECTOR (one per session); detached (inference blocks).
detector_actor spawn_detector(caf::actor_system& sys,
                              const detector_config& detector);

/// The MODELS actor over detector.models_dir; detached (file I/O and trial
/// loads of ONNX models block).
models_actor spawn_models(caf::actor_system& sys,
                          const detector_config& detector,
                          registry_actor registry);

/// The RELAY of camera `cam` over `camera`; detached (JPEG encoding and
/// snapshot files).
relay_actor spawn_relay(caf::actor_system& sys, const camera_config& cam,
                        const relay_config& relay, camera_actor camera);

/// The PTZ controller of camera `cam`, steering `camera`'s virtual head
/// (backend sim) and logging its commands to `log` (the STORE; null: not
/// logged); scheduled (it never blocks: device calls are requests).
ptz_actor spawn_ptz(caf::actor_system& sys, const camera_config& cam,
                    camera_actor camera, ptz_log_actor log,
                    metrics_ptr metrics = nullptr);

/// The STORE; detached (SQLite writes).
store_actor spawn_store(caf::actor_system& sys, store_setup setup);

/// The TRACK READER of the database at `path`; detached (SQLite reads).
track_reader_actor spawn_track_reader(caf::actor_system& sys,
                                      const std::string& path);

/// The CLIP MANAGER of the frame server, with its S3 settings (the file's
/// over the AWS_* environment) and a shared frame cache.
clip_manager_actor spawn_clip_manager(caf::actor_system& sys,
                                      const frames_config& frames,
                                      metrics_ptr metrics = nullptr);

/// The MQTT BRIDGE (mqtt.host set); detached: its exit waits (bounded) for
/// the broker to take "offline".
mqtt_bridge_actor spawn_mqtt_bridge(caf::actor_system& sys,
                                    mqtt_bridge_setup setup);

/// The SETTINGS actor; detached (it reads and writes the config file).
settings_actor spawn_settings(caf::actor_system& sys, settings_setup setup);

/// Stops the BRIDGE and waits until it is gone (it has published
/// "offline"). Blocks: call it from the main thread. A null handle: nothing.
void stop_mqtt_bridge(caf::actor_system& sys, const mqtt_bridge_actor& bridge);

} // namespace argus
