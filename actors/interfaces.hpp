// SPDX-License-Identifier: Apache-2.0
// Every typed actor interface of argus, one line of comment per signature.
// `// INTERNAL:` marks messages an actor only sends to itself.
#pragma once

#include "messages/error.hpp"
#include "messages/ptz_types.hpp"
#include "messages/type_ids.hpp"
#include "messages/types.hpp"

#include <caf/replies_to.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace argus {

/// Receives decoded frames from a CAMERA.
using frame_sink_actor = caf::typed_actor<
    // A new frame, newest last; the sink drops what it cannot keep up with.
    caf::reacts_to<frame_ptr>>;

/// Told about every state change of a CAMERA (watching is not consuming:
/// it never starts decoding).
using camera_watcher_actor = caf::typed_actor<caf::reacts_to<camera_status>>;

/// A PTZ device: the virtual head of a CAMERA (ptz.backend sim).
using ptz_device_actor = caf::typed_actor<
    // Runs a command (kind none only asks); replies where the head points,
    // or ec::no_ptz for a camera without a PTZ head.
    caf::replies_to<ptz_command>::with<ptz_pose>>;

/// Owns one video source and decodes it while it has subscribers.
using camera_actor = caf::typed_actor<
    // As a ptz_device_actor: steers the virtual PTZ head (backend sim).
    caf::replies_to<ptz_command>::with<ptz_pose>,
    // Starts pushing frames to the sink.
    caf::reacts_to<atom::subscribe, frame_sink_actor>,
    // Stops pushing frames to the sink.
    caf::reacts_to<atom::unsubscribe, frame_sink_actor>,
    // Sends every state change to the watcher (and the current state now).
    caf::reacts_to<atom::watch, camera_watcher_actor>,
    // Reports state and counters.
    caf::replies_to<atom::status>::with<camera_status>,
    // Reconnects at once (resets the backoff); replies the new state.
    caf::replies_to<atom::reinit>::with<camera_status>,
    // INTERNAL: decode the next frame (generation guards stale timers).
    caf::reacts_to<atom::next, uint64_t>,
    // INTERNAL: the idle grace period ended (token guards stale timers).
    caf::reacts_to<atom::idle, uint64_t>>;

/// Where a PTZ controller logs its device calls (the audit log): the STORE.
using ptz_log_actor = caf::typed_actor<
    // From PTZ: one device call and how it ended (fire-and-forget).
    caf::reacts_to<ptz_command_record>>;

/// The PTZ controller of one PTZ camera: autotracks its session's selected
/// target through the camera's PTZ device.
using ptz_actor = caf::typed_actor<
    // From SESSION: its selected target in one processed frame; replies the
    // tick's ptz block (the last commanded velocities).
    caf::replies_to<ptz_observation>::with<ptz_telemetry>,
    // GET /cameras/{id}: the controller's state.
    caf::replies_to<atom::status>::with<ptz_status>,
    // POST /cameras/{id}/ptz/autotrack: switches autotracking on or off.
    caf::replies_to<atom::enable, bool>::with<ptz_status>,
    // POST /cameras/{id}/ptz/home: to the return preset, or home.
    caf::replies_to<atom::home>::with<ptz_status>,
    // From SUPERVISOR: the CAMERA (the sim backend's device) was restarted.
    caf::reacts_to<atom::replace, camera_actor>,
    // From SUPERVISOR: the STORE was restarted; log commands to this one.
    caf::reacts_to<atom::replace, ptz_log_actor>,
    // From REGISTRY: new settings; the controller takes its camera's
    // autotrack gains (PATCH /settings).
    caf::reacts_to<atom::configure, config_ptr>>;

/// One WebSocket viewer of the camera relay.
using viewer_actor = caf::typed_actor<
    // From RELAY: a shared JPEG; replaces one not yet sent (latest wins).
    caf::reacts_to<relay_frame>,
    // From RELAY: the camera's state changed.
    caf::reacts_to<camera_status>,
    // From GATEWAY: one queued message has been written to the socket.
    caf::reacts_to<atom::written>,
    // From GATEWAY: the socket is gone.
    caf::reacts_to<atom::closed>>;

/// The camera relay of one camera: subscribes to the CAMERA while it has
/// viewers, encodes each frame once, fans it out, keeps the latest.
using relay_actor = camera_watcher_actor::extend<
    // From CAMERA: a decoded frame.
    caf::reacts_to<frame_ptr>,
    // From GATEWAY: a viewer wants frames at most `fps` per second.
    caf::reacts_to<atom::join, viewer_actor, double>,
    // From GATEWAY or VIEWER: the viewer is gone.
    caf::reacts_to<atom::leave, viewer_actor>,
    // The newest JPEG (memory, then disk; waits briefly for a first frame).
    caf::replies_to<atom::latest>::with<relay_frame>,
    // Counters and the camera's state.
    caf::replies_to<atom::status>::with<relay_status>,
    // Forwards a reconnect to the CAMERA.
    caf::replies_to<atom::reinit>::with<camera_status>,
    // From SUPERVISOR: the CAMERA was restarted; watch (and, with viewers,
    // subscribe to) this one.
    caf::reacts_to<atom::replace, camera_actor>,
    // From SUPERVISOR: the camera's source settings changed, so its newest
    // JPEG (memory and disk) is a picture of something else: drop it.
    caf::reacts_to<atom::reset>,
    // INTERNAL: a snapshot wait timed out.
    caf::reacts_to<atom::idle, uint64_t>>;

/// Runs the ONNX detector on frames.
using detector_actor = caf::typed_actor<
    // Detects objects in one frame.
    caf::replies_to<frame_ptr>::with<detection_set>,
    // From REGISTRY: loads this model beside the running one and switches
    // to it before the next frame; on ec::model_failed the old one runs on.
    caf::replies_to<atom::activate, model_spec>::with<bool>,
    // From REGISTRY: runs this candidate on every Nth frame beside the
    // active model and compares (shadow mode); replaces a running one.
    caf::replies_to<atom::shadow, model_spec, int32_t>::with<bool>,
    // From REGISTRY: the shadow comparison so far (empty when none runs).
    caf::replies_to<atom::shadow, atom::status>::with<shadow_report>,
    // From REGISTRY: stops shadow mode; replies the final comparison.
    caf::replies_to<atom::shadow, atom::remove>::with<shadow_report>>;

/// Runs the ByteTrack-style tracker.
using tracker_actor = caf::typed_actor<
    // Associates one frame's detections with the tracks; replies the tracks.
    caf::replies_to<detection_set>::with<track_set>,
    // From SESSION: new settings; the tracker takes `tracker`.
    caf::reacts_to<atom::configure, config_ptr>>;

/// One WebSocket connection's actor: owns its outbound queue and limits.
using client_actor = caf::typed_actor<
    // From SESSION: the latest tick; replaces a tick not yet written.
    caf::reacts_to<atom::tick, text_ptr>,
    // From SESSION: a track event; never dropped silently.
    caf::reacts_to<atom::event, text_ptr>,
    // From GATEWAY: a command the client sent (or why it could not be parsed).
    caf::reacts_to<client_command>,
    // From GATEWAY: one queued message has been written to the socket.
    caf::reacts_to<atom::written>,
    // From GATEWAY: the socket is gone.
    caf::reacts_to<atom::closed>,
    // From SESSION: close the connection with this code and reason.
    caf::reacts_to<atom::close, uint16_t, std::string>>;

/// Owns the track-history database's one writer connection (detached);
/// as a ptz_log_actor it keeps the PTZ audit log.
using store_actor = ptz_log_actor::extend<
    // From SESSION: one frame's events and samples (samples may be shed).
    caf::reacts_to<store_update>,
    // From SESSION: the session started or ended.
    caf::reacts_to<session_record>,
    // Health and counters (GET /store, /readyz).
    caf::replies_to<atom::status>::with<store_status>,
    // DELETE /tracks/{id}: replies the id, or ec::unknown_track.
    caf::replies_to<atom::remove, std::string>::with<std::string>,
    // POST /tracks/{id}/retain: sets retain_indefinitely; replies the id.
    caf::replies_to<atom::retain, std::string, bool>::with<std::string>,
    // INTERNAL: commit the pending batch (generation guards stale timers).
    caf::reacts_to<atom::flush, uint64_t>,
    // INTERNAL: delete one batch of expired tracks or PTZ commands.
    caf::reacts_to<atom::expire>>;

/// Answers track-history queries on its own read connection (detached).
using track_reader_actor = caf::typed_actor<
    // GET /tracks and GET /sessions/{id}/tracks.
    caf::replies_to<atom::query, track_query>::with<track_page>,
    // GET /tracks/{id}: the track with up to N samples (0: none).
    caf::replies_to<atom::get, std::string, int32_t>::with<stored_track>,
    // GET /ptz/commands: one page of the PTZ audit log.
    caf::replies_to<atom::query, ptz_command_query>::with<ptz_command_page>>;

// -- H.265 frame server ------------------------------------------------------

/// Blocking I/O of one clip: opening and indexing the object, ranged reads
/// of chunks (detached: S3 and file reads block).
using clip_io_actor = caf::typed_actor<
    // Opens the object and builds its IRAP/frame index.
    caf::replies_to<atom::open>::with<clip_index_ptr>,
    // Reads the bytes of one chunk (by IRAP index).
    caf::replies_to<atom::load, int32_t>::with<bytes_ptr>>;

/// One clip's HEVC decoder and JPEG encoder (detached: decoding blocks).
using decoder_actor = caf::typed_actor<
    // Decodes one pass over a chunk; every produced frame goes to the CLIP
    // as an encoded_frame (FRAME_DONE) as soon as it is encoded; replies
    // which wanted frames could not be produced.
    caf::replies_to<decode_job>::with<decode_report>>;

/// One registered clip: its index, chunk cache and the pub/sub of frames.
using clip_actor = caf::typed_actor<
    // Waits until the clip is indexed; replies its summary.
    caf::replies_to<atom::create>::with<clip_info>,
    // Summary and counters.
    caf::replies_to<atom::status>::with<clip_info>,
    // The IRAP/frame index (GET /clips/{id}/index).
    caf::replies_to<atom::index>::with<clip_index_ptr>,
    // One frame as JPEG; concurrent requests for it share one decode.
    caf::replies_to<frame_key>::with<encoded_frame>,
    // Loads the chunk of this IRAP offset ahead of requests.
    caf::replies_to<atom::prefetch, int64_t>::with<int64_t>,
    // A client wants every frame of the chunk at this IRAP at this
    // quality: one sequential pass decodes (and caches) it all.
    caf::reacts_to<atom::prefetch, int64_t, int32_t>,
    // From DECODER: a frame was decoded and encoded (FRAME_DONE).
    caf::reacts_to<encoded_frame>>;

/// Registers clips and finds them by id.
using clip_manager_actor = caf::typed_actor<
    // POST /clips: registers (or finds) a clip; replies once it is indexed.
    caf::replies_to<clip_source>::with<clip_info>,
    // Finds an indexed clip by id, or ec::unknown_clip.
    caf::replies_to<atom::get, std::string>::with<clip_actor>,
    // GET /clips: every indexed clip's summary and counters.
    caf::replies_to<atom::list>::with<std::vector<clip_info>>>;

/// One /ws/frames connection: registers clips, serves its requests newest
/// first and drops the superseded.
using frame_client_actor = caf::typed_actor<
    // From GATEWAY: a parsed client message (or why it could not be).
    caf::reacts_to<frame_command>,
    // From GATEWAY: one queued message has been written to the socket.
    caf::reacts_to<atom::written>,
    // From GATEWAY: the socket is gone.
    caf::reacts_to<atom::closed>>;

/// One analytics session: camera -> detector -> tracker -> lifecycle, phase
/// and metadata for its clients.
using session_actor = frame_sink_actor::extend<
    // From CLIENT: subscribe to ticks and events (gets the latest tick first),
    // ticks encoded with these wire extensions (a wire_extensions bit set).
    caf::reacts_to<atom::subscribe, client_actor, uint32_t>,
    // From CLIENT: stop sending to it.
    caf::reacts_to<atom::unsubscribe, client_actor>,
    // From CLIENT: a client was closed because it could not keep up.
    caf::reacts_to<atom::evicted, client_actor>,
    // From CLIENT: set_target_id / clear_target.
    caf::replies_to<client_command>::with<command_reply>,
    // Health and counters for GET /sessions/{id}.
    caf::replies_to<atom::status>::with<session_status>,
    // From REGISTRY: the STORE was restarted; persist to this one.
    caf::reacts_to<atom::replace, store_actor>,
    // From REGISTRY: the camera's PTZ controller was restarted.
    caf::reacts_to<atom::replace, ptz_actor>,
    // From REGISTRY: new settings; the session takes publish rate and
    // confirm/end timing and passes them to its TRACKER.
    caf::reacts_to<atom::configure, config_ptr>,
    // INTERNAL: publish the latest tick (generation guards stale timers).
    caf::reacts_to<atom::tick, uint64_t>,
    // From CLIENT: subscribe as above, with `stats` messages (the stats
    // extension) at this rate in Hz (1-5).
    caf::reacts_to<atom::subscribe, client_actor, uint32_t, int32_t>,
    // INTERNAL: send `stats` to the clients due one (generation guards
    // stale timers).
    caf::reacts_to<atom::publish, uint64_t>>;

/// Told by the REGISTRY of every session that starts.
using session_watcher_actor = caf::typed_actor<
    // A session started: its camera, id and handle.
    caf::reacts_to<atom::create, std::string, std::string, session_actor>>;

/// The MQTT bridge: to every SESSION one more client (ticks and events), to
/// sessions and PTZ controllers one more commander (MQTT command topics).
/// As a session watcher it subscribes to a session as it starts.
using mqtt_bridge_actor
    = client_actor::extend_with<session_watcher_actor>::extend<
        // From the MQTT network thread: a message on a command topic.
        caf::reacts_to<mqtt_message>,
        // From the MQTT network thread: the broker link went up or down.
        caf::reacts_to<mqtt_link>,
        // INTERNAL: publish stats and PTZ states (and look for sessions the
        // watch missed: those that started before the bridge).
        caf::reacts_to<atom::poll>,
        // INTERNAL: publish the cameras' changed ticks (retained tracks).
        caf::reacts_to<atom::publish>>;

/// Owns the cameras' configs and the sessions; the supervisor of the engine.
using registry_actor = caf::typed_actor<
    // Lists configured cameras with their session, if any.
    caf::replies_to<atom::list>::with<std::vector<camera_info>>,
    // Starts (or finds) the session of a camera; "" means the first camera.
    caf::replies_to<atom::create, std::string>::with<session_info>,
    // Looks up a session by id (for the WebSocket upgrade).
    caf::replies_to<atom::get, std::string>::with<session_actor>,
    // Status of a session by id.
    caf::replies_to<atom::status, std::string>::with<session_status>,
    // Stops a session by id; replies its id.
    caf::replies_to<atom::remove, std::string>::with<std::string>,
    // Whether the engine is ready (model loaded, accepting sessions).
    caf::replies_to<atom::ready>::with<bool>,
    // From the MQTT BRIDGE: tell it each session that starts, at once.
    caf::reacts_to<atom::watch, session_watcher_actor>,
    // From SUPERVISOR: the CAMERA with this id was restarted (new sessions
    // use it; the old one's session ended with it).
    caf::reacts_to<atom::replace, std::string, camera_actor>,
    // From SUPERVISOR: the STORE was restarted; passed on to every session.
    caf::reacts_to<atom::replace, store_actor>,
    // From SUPERVISOR: the PTZ controller of this camera was restarted;
    // passed on to its session.
    caf::reacts_to<atom::replace, std::string, ptz_actor>,
    // From SETTINGS: the accepted configuration; the registry keeps what
    // new sessions use and passes it on to every session and PTZ controller.
    caf::reacts_to<atom::configure, config_ptr>,
    // From MODELS: every session's DETECTOR switches to this model, new
    // sessions use it; replies how many detectors switched. When one fails
    // (ec::model_failed), those that switched go back to the previous one.
    caf::replies_to<atom::activate, model_spec>::with<int32_t>,
    // From MODELS: starts shadow mode (this candidate on every Nth frame) in
    // every DETECTOR, and in those of new sessions; replies how many.
    caf::replies_to<atom::shadow, model_spec, int32_t>::with<int32_t>,
    // From MODELS: the detectors' comparisons, merged.
    caf::replies_to<atom::shadow, atom::status>::with<shadow_report>,
    // From MODELS: stops shadow mode everywhere; replies the final merge.
    caf::replies_to<atom::shadow, atom::remove>::with<shadow_report>,
    // From a DETECTOR that ended with its session: its comparison, kept in
    // the merge until shadow mode ends.
    caf::reacts_to<atom::shadow, shadow_report>>;

/// Owns the running configuration (GET/PATCH /settings): validates,
/// applies, persists and reloads it, and publishes accepted changes.
using settings_actor = caf::typed_actor<
    // GET /settings: the running configuration.
    caf::replies_to<atom::get>::with<config_ptr>,
    // PATCH, validate, persist, reload.
    caf::replies_to<settings_request>::with<settings_outcome>,
    // From MODELS: every detector now runs this model; the running
    // configuration names it (detector.model, names, input size, layout).
    caf::reacts_to<atom::activate, model_spec>>;

/// Owns the model catalog (detector.models_dir) and which model is active
/// or in shadow mode; does the file I/O and trial loads (detached).
using models_actor = caf::typed_actor<
    // GET /models: every model of the catalog.
    caf::replies_to<atom::list>::with<std::vector<model_info>>,
    // GET /models/{name}: one model, or ec::unknown_model.
    caf::replies_to<atom::get, std::string>::with<model_info>,
    // POST /models/upload: validates, trial-loads and stores a model.
    caf::replies_to<model_upload>::with<model_info>,
    // DELETE /models/{name}: replies the name (ec::model_active refuses).
    caf::replies_to<atom::remove, std::string>::with<std::string>,
    // POST /models/{name}/activate: switches every DETECTOR to it.
    caf::replies_to<atom::activate, std::string>::with<model_info>,
    // POST /models/{name}/shadow: starts shadow mode every Nth frame.
    caf::replies_to<atom::shadow, std::string, int32_t>::with<shadow_report>,
    // GET /models/{name}/shadow: the comparison so far.
    caf::replies_to<atom::shadow, std::string>::with<shadow_report>,
    // DELETE /models/{name}/shadow: stops it; replies the final comparison.
    caf::replies_to<atom::shadow, atom::remove,
                    std::string>::with<shadow_report>,
    // At start: the SETTINGS actor, told each activation.
    caf::reacts_to<atom::subscribe, settings_actor>>;

/// The track-history actors; both null when the store is disabled.
struct track_history {
  store_actor store;
  track_reader_actor reader;
};

/// Restarts the long-lived actors that must keep running (cameras, relays,
/// PTZ controllers, the store) when one fails, tells their peers the new
/// handle, and stops the engine in stages.
using supervisor_actor = caf::typed_actor<
    // How many restarts it has made (GET /config; tests).
    caf::replies_to<atom::status>::with<int64_t>,
    // The staged shutdown; answers once every stage ran (true), then the
    // supervisor quits.
    caf::replies_to<atom::shutdown>::with<bool>,
    // INTERNAL: restart the child with this name (its backoff ran out).
    caf::reacts_to<atom::next, std::string>,
    // INTERNAL: the grace of shutdown stage N ran out.
    caf::reacts_to<atom::stage, int32_t>,
    // From SETTINGS: the accepted configuration; a camera whose source
    // settings changed is restarted with them (PATCH /settings).
    caf::reacts_to<atom::configure, config_ptr>>;

} // namespace argus
