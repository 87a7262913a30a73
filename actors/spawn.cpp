// SPDX-License-Identifier: Apache-2.0
#include "actors/spawn.hpp"

#include "actors/analytics/detector.hpp"
#include "actors/frames/clip_manager.hpp"
#include "actors/history/track_reader.hpp"
#include "actors/models/models.hpp"
#include "actors/ptz/onvif_device.hpp"
#include "actors/ptz/ptz.hpp"
#include "actors/relay/relay.hpp"
#include "actors/video/camera.hpp"

#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

namespace argus {

camera_actor spawn_camera(caf::actor_system& sys, const camera_config& cam) {
  return sys.spawn<caf::detached>(camera, cam);
}

detector_actor spawn_detector(caf::actor_system& sys,
                              const detector_config& detector) {
  return sys.spawn<caf::detached>(detector_worker, detector);
}

models_actor spawn_models(caf::actor_system& sys,
                          const detector_config& detector,
                          registry_actor registry) {
  return sys.spawn<caf::detached>(models, detector, std::move(registry));
}

relay_actor spawn_relay(caf::actor_system& sys, const camera_config& cam,
                        const relay_config& relay_cfg, camera_actor camera) {
  relay_setup rs;
  rs.camera_id = cam.id;
  rs.source_fps = cam.synthetic.fps;
  rs.camera = std::move(camera);
  rs.cfg = relay_cfg;
  return sys.spawn<caf::detached>(relay, std::move(rs));
}

ptz_actor spawn_ptz(caf::actor_system& sys, const camera_config& cam,
                    camera_actor camera, ptz_log_actor log,
                    metrics_ptr metrics) {
  if (cam.ptz.backend != ptz_backend::onvif)
    return sys.spawn(ptz, ptz_setup{cam.id, cam.ptz, std::move(camera), false,
                                    std::move(log), std::move(metrics)});
  // The device's SOAP calls block, so it gets a thread.
  auto device = sys.spawn<caf::detached>(onvif_device, cam.id, cam.ptz.onvif,
                                         onvif_io(cam.ptz.onvif));
  return sys.spawn(ptz, ptz_setup{cam.id, cam.ptz, device, true, std::move(log),
                                  std::move(metrics)});
}

store_actor spawn_store(caf::actor_system& sys, store_setup setup) {
  return sys.spawn<caf::detached>(store, std::move(setup));
}

settings_actor spawn_settings(caf::actor_system& sys, settings_setup setup) {
  return sys.spawn<caf::detached>(settings, std::move(setup));
}

track_reader_actor spawn_track_reader(caf::actor_system& sys,
                                      const std::string& path) {
  return sys.spawn<caf::detached>(track_reader, path);
}

clip_manager_actor spawn_clip_manager(caf::actor_system& sys,
                                      const frames_config& frames,
                                      metrics_ptr metrics) {
  clip_manager_setup setup;
  setup.metrics = std::move(metrics);
  setup.s3.endpoint = frames.s3_endpoint;
  setup.s3 = with_aws_environment(setup.s3);
  if (!frames.s3_region.empty()) // the file wins over the environment
    setup.s3.region = frames.s3_region;
  setup.s3.timeout_ms = static_cast<int>(frames.s3_timeout_ms);
  setup.cache = std::make_shared<frame_cache>(frames.cache_mb * 1024 * 1024);
  setup.max_chunks = static_cast<size_t>(frames.max_chunks);
  return sys.spawn(clip_manager, std::move(setup));
}

mqtt_bridge_actor spawn_mqtt_bridge(caf::actor_system& sys,
                                    mqtt_bridge_setup setup) {
  return sys.spawn<caf::detached>(mqtt_bridge, std::move(setup));
}

void stop_mqtt_bridge(caf::actor_system& sys, const mqtt_bridge_actor& bridge) {
  if (!bridge)
    return;
  caf::scoped_actor self{sys};
  caf::anon_send_exit(bridge, caf::exit_reason::user_shutdown);
  self->wait_for(bridge);
}

} // namespace argus
