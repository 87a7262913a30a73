// SPDX-License-Identifier: Apache-2.0
// Every tunable of argus with its default, one namespace per component. The
// YAML config overrides those it names: core/config.cpp reads and
// range-checks every key, schemas/config.schema.json states each key's
// default and range (docs/configuration.md is rendered from it), and
// tests/core/test_config_schema.cpp holds the two together.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace argus::defaults {

namespace server {
/// Address the gateway binds to.
inline constexpr const char* host = "127.0.0.1";
/// Port the gateway binds to.
inline constexpr uint16_t port = 8080;
/// Beast io threads.
inline constexpr int io_threads = 1;
/// Largest accepted HTTP request body.
inline constexpr size_t max_body_bytes = 64 * 1024;
/// Largest accepted WebSocket message from a client.
inline constexpr size_t max_ws_message_bytes = 4 * 1024;
/// Concurrent WebSocket clients over all sessions.
inline constexpr int max_ws_clients = 4096;
/// How long an HTTP request may wait on an actor before a 504.
inline constexpr auto request_timeout = std::chrono::seconds(5);
/// Idle HTTP keep-alive connections are closed after this.
inline constexpr auto http_idle_timeout = std::chrono::seconds(30);
/// Writes to /settings one client may make a minute.
inline constexpr int settings_writes_per_minute = 30;
/// Backups of the config file kept when /settings persists.
inline constexpr int settings_backups = 5;
} // namespace server

namespace client {
/// Track events a client may have queued before it is closed as too slow.
inline constexpr size_t max_queued_events = 256;
/// Writes a client may have in flight on its socket at once.
inline constexpr int max_in_flight = 4;
} // namespace client

namespace session {
/// metadata_tick publish rate.
inline constexpr double publish_hz = 10.0;
/// Hits after which a track is confirmed and gets a "new" event.
inline constexpr int confirm_hits = 3;
/// A confirmed track unseen this long ends ("end" event).
inline constexpr int64_t end_after_ms = 2000;
/// Minimum top-confidence gain that triggers an "update" event.
inline constexpr double update_min_conf_gain = 0.05;
/// Frames the latency percentiles and fps are computed over.
inline constexpr size_t stats_window = 300;
/// Deadline of one detector or tracker request.
inline constexpr auto stage_timeout = std::chrono::seconds(10);
/// Deadline of the CAMERA's status answer (it may be busy decoding).
inline constexpr auto camera_status_timeout = std::chrono::seconds(2);
/// Commands a client may have awaiting the session's answer.
inline constexpr size_t max_pending_commands = 64;
} // namespace session

namespace camera {
/// RTSP/file read timeout.
inline constexpr int read_timeout_ms = 5000;
/// Connect + probe timeout of RTSP/file sources.
inline constexpr int open_timeout_ms = 10000;
/// Wait before reopening a failed source (doubles up to the max).
inline constexpr int retry_min_ms = 500;
/// Longest wait between reopen attempts.
inline constexpr int retry_max_ms = 10000;
/// Growth of the wait per failed attempt.
inline constexpr double retry_factor = 2.0;
/// Random spread of each wait (± fraction).
inline constexpr double retry_jitter = 0.2;
/// Decoding continues this long after the last consumer left.
inline constexpr int idle_grace_ms = 5000;
} // namespace camera

namespace ptz {
/// The Timeout each continuous move carries: a device that hears nothing
/// more stops by itself. Moves are resent at half of it.
inline constexpr int move_timeout_ms = 2000;
/// At most one move per this interval (10 per second).
inline constexpr int min_interval_ms = 100;
/// Magnification at the tele end (the virtual camera's lens; set a real
/// camera's own).
inline constexpr double max_magnification = 4.0;
/// One SOAP call to an ONVIF device; the PTZ actor gives a command 2 s.
inline constexpr int onvif_timeout_ms = 1500;
inline constexpr int onvif_retry_min_ms = 500;
inline constexpr int onvif_retry_max_ms = 30000;
// Autotracking (core/ptz/autotrack.hpp).
inline constexpr double target_coverage = 0.25;
inline constexpr double zoom_gain = 2.0;
inline constexpr double zoom_dead_band = 0.05;
inline constexpr double max_zoom_speed = 0.5;
inline constexpr double zoom_out_speed = 0.5;
inline constexpr int zoom_out_ms = 3000;
inline constexpr int return_after_ms = 10000;
inline constexpr double zoom_travel_s = 4.0;
// Per-axis PID (core/ptz/pid_axis.hpp), on offsets in frame sizes.
inline constexpr double kp = 6.0;
inline constexpr double ki = 1.0;
inline constexpr double kd = 0.6;
inline constexpr double dead_band = 0.03;
inline constexpr double integral_limit = 0.3;
inline constexpr double max_slew_per_s = 3.0;
// The virtual camera (core/ptz/virtual_ptz.hpp).
inline constexpr double wide_fov = 0.5;
inline constexpr double max_pan_speed = 0.5;
inline constexpr double max_tilt_speed = 0.5;
inline constexpr double sim_max_zoom_speed = 0.35;
inline constexpr double acceleration = 3.0;
} // namespace ptz

namespace relay {
/// The seed's rate: one frame per second per viewer unless asked otherwise.
inline constexpr double viewer_fps = 1.0;
inline constexpr int jpeg_quality = 80;
inline constexpr int max_viewers_per_camera = 100;
inline constexpr int max_viewers = 1000;
/// Every 10th frame to disk, as the seed's Durable Object did.
inline constexpr int persist_every = 10;
inline constexpr const char* persist_dir = "data/relay";
inline constexpr int retry_after_s = 5;
inline constexpr int snapshot_timeout_ms = 5000;
} // namespace relay

namespace detector {
/// Shipped model (trained by scripts/train_detector.py).
inline constexpr const char* model = "models/argus-sky.onnx";
/// The shipped model's input: the real footage's native 640x512, since
/// objects of 3-15 px vanish in any downscaled frame.
inline constexpr int input_width = 640;
inline constexpr int input_height = 512;
/// Minimum class score of a reported detection. Chosen for the shipped
/// model on the tune split: from 0.25 to 0.3, drone precision 0.40 -> 0.51
/// for recall 0.93 -> 0.92 (docs/benchmarks.md §8, tuning figures).
inline constexpr float conf_threshold = 0.3f;
/// IoU above which NMS suppresses a same-class box.
inline constexpr float nms_threshold = 0.45f;
/// OpenCV worker threads, process-wide: set once (use_opencv_threads).
inline constexpr int threads = 1;
/// Crop classifier that gives each detection a second opinion on its class
/// ("" for none; scripts/train_classifier.py). With it, drone IDF1 on the
/// tune split rose from 0.65 to 0.72 and false drone tracks fell from 2.9
/// to 1.5 per minute (docs/benchmarks.md §8.3, tuning figures; decisions
/// 0005, 0006).
inline constexpr const char* classifier = "models/argus-sky-cls.onnx";
/// Largest model POST /models/upload accepts (the shipped ones are under
/// 1 MB; YOLOv8n-sized exports are ~12 MB).
inline constexpr size_t max_model_bytes = 32 * 1024 * 1024;
/// The classifier replaces a detection's class only when it gives that
/// class less than this probability. Replacing always (1) lost the distant
/// drones of three tune videos to "airplane"; below 0.05 they keep most of
/// their drone boxes (decision 0006).
inline constexpr float classifier_keep_prob = 0.05f;
/// At most this many detections of a frame (the highest scores) get the
/// classifier's opinion; the rest keep the detector's class. Each costs
/// about 1.5 ms (docs/benchmarks.md §8.3): the cap bounds a cluttered
/// frame at ~12 ms. The tune split never has more than 7 in a frame.
inline constexpr int classifier_max_boxes = 8;
/// Whether the motion stage damps detections where nothing moved. On the
/// tune split it cut false drone tracks per minute from 3.9 to 2.9 and
/// raised drone IDF1 from 0.63 to 0.65 (docs/benchmarks.md §8, tuning
/// figures; decision 0004).
inline constexpr bool motion_enabled = true;
/// Score factor of such a still detection: 0.5 puts the shipped model's
/// typical true score (0.4) under the tracker's first-stage threshold
/// (0.35) but above its low-score one (0.1).
inline constexpr float still_score_factor = 0.5f;
} // namespace detector

namespace models {
/// How long a DETECTOR may take to load a model (activation, shadow
/// start); loading a model of a few MB takes 0.05-0.5 s.
inline constexpr auto load_timeout = std::chrono::seconds(60);
/// How long the gateway waits for the MODELS actor: a trial load, then
/// every detector's load.
inline constexpr auto request_timeout = std::chrono::seconds(90);
/// Shadow mode runs the candidate on every Nth frame by default.
inline constexpr int32_t shadow_sample_every = 5;
/// The request body limit of POST /models/upload is
/// detector.max_model_bytes plus this (the names part and the framing).
inline constexpr size_t upload_overhead_bytes = 1024 * 1024;
} // namespace models

namespace store {
/// Track-history database file (relative to the working directory).
inline constexpr const char* path = "data/argus.db";
/// Days an ended track is kept (per camera: cameras[].retain_days).
inline constexpr double retain_days = 7;
/// Days a PTZ audit record is kept.
inline constexpr double ptz_commands_retain_days = 7;
/// PTZ audit records waiting for the disk beyond this are shed (and
/// counted): at the highest command rate, minutes of an outage.
inline constexpr size_t max_pending_ptz_commands = 10000;
/// At most one sample per track this often (plus significant changes).
inline constexpr int64_t sample_interval_ms = 1000;
/// A batch is committed this often...
inline constexpr int flush_interval_ms = 250;
/// ...or as soon as it holds this many samples.
inline constexpr size_t batch_max_samples = 5000;
/// Samples waiting for the disk beyond this are shed (and counted).
inline constexpr size_t max_pending_samples = 50000;
/// How often expired tracks are deleted.
inline constexpr int expire_interval_ms = 60000;
/// Rows one expiry step deletes (short write locks, no VACUUM).
inline constexpr int expire_batch = 500;
/// Wait before retrying a failed write or reopening a broken database.
inline constexpr int retry_ms = 2000;
/// Deadline of a query on the track history.
inline constexpr auto query_timeout = std::chrono::seconds(4);
} // namespace store

namespace frames {
/// Bytes of encoded JPEG frames the shared cache keeps.
inline constexpr int64_t cache_bytes = 256LL * 1024 * 1024;
/// Chunk byte buffers each clip keeps for reuse.
inline constexpr size_t max_chunks = 4;
/// JPEG quality when a request names none.
inline constexpr int quality = 90;
/// Requests a /ws/frames client may have waiting; older ones are dropped
/// (superseded) when a newer one arrives.
inline constexpr size_t lifo_depth = 8;
/// Frames a /ws/frames client has requested from clips at once.
inline constexpr int max_in_flight = 4;
/// Messages a /ws/frames client may have handed to its socket unwritten.
inline constexpr int max_unwritten = 16;
/// Deadline of opening and indexing a clip (reads the whole object).
inline constexpr auto open_timeout = std::chrono::seconds(120);
/// Deadline of one chunk read.
inline constexpr auto io_timeout = std::chrono::seconds(30);
/// Deadline of one decode pass.
inline constexpr auto decode_timeout = std::chrono::seconds(30);
/// Deadline of one frame request (queueing + load + decode).
inline constexpr auto frame_timeout = std::chrono::seconds(60);
/// S3 ranged-read timeout.
inline constexpr int s3_timeout_ms = 10000;
} // namespace frames

namespace mqtt {
/// The broker's port (mqtt.port).
inline constexpr int port = 1883;
/// Topics start with this (mqtt.topic_prefix).
inline constexpr const char* topic_prefix = "argus";
/// MQTT client id (mqtt.client_id).
inline constexpr const char* client_id = "argus";
/// Seconds between argus/stats messages (and between looks for sessions).
inline constexpr double stats_interval_s = 10;
/// Seconds between retained argus/<camera>/tracks updates (latest wins).
inline constexpr double tracks_interval_s = 1;
/// Reconnect waits, from min doubling to max (with jitter).
inline constexpr int retry_min_ms = 500;
inline constexpr int retry_max_ms = 30000;
/// MQTT keep-alive, seconds.
inline constexpr int keepalive_s = 30;
/// A command payload longer than this is refused unparsed.
inline constexpr size_t max_command_bytes = 256;
/// Commands awaiting a session's or PTZ's answer; more are refused.
inline constexpr size_t max_pending_commands = 64;
/// How long stopping waits for the broker to take "offline".
inline constexpr auto stop_timeout = std::chrono::milliseconds(2000);
} // namespace mqtt

} // namespace argus::defaults
