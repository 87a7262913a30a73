// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/analytics/byte_tracker.hpp"
#include "core/analytics/motion_stage.hpp"
#include "core/defaults.hpp"
#include "core/ptz/autotrack.hpp"
#include "core/ptz/virtual_ptz.hpp"
#include "core/video/synthetic_scene.hpp"

#include <caf/expected.hpp>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace argus {

/// Where frames come from.
enum class source_kind { synthetic, file, rtsp };

/// One camera of the config file.
/// Which PTZ backend drives a camera (cameras[].ptz.backend).
enum class ptz_backend { none, sim, onvif };

/// A camera's PTZ controller (cameras[].ptz).
/// How argus reaches an ONVIF PTZ device (backend onvif).
struct onvif_config {
  /// The device service: http://host[:port][/onvif/device_service]. Every
  /// request goes to this host and port, whatever addresses the device
  /// names in its answers.
  std::string address;
  std::string username;
  /// `${NAME}` takes the value of environment variable NAME; never logged
  /// or shown by GET /settings.
  std::string password;
  /// The media profile to steer; empty: the first profile with a PTZ
  /// configuration.
  std::string profile;
  /// Each SOAP call's limit, connecting included.
  int timeout_ms = defaults::ptz::onvif_timeout_ms;
  /// Reconnect waits: from min to max, doubling.
  int retry_min_ms = defaults::ptz::onvif_retry_min_ms;
  int retry_max_ms = defaults::ptz::onvif_retry_max_ms;
};

struct ptz_config {
  ptz_backend backend = ptz_backend::none;
  /// The Timeout of each continuous move; resent at half of it.
  int move_timeout_ms = defaults::ptz::move_timeout_ms;
  /// At most one move per this interval.
  int min_interval_ms = defaults::ptz::min_interval_ms;
  /// The controller; `autotrack.max_magnification` is ptz.max_magnification.
  autotrack_settings autotrack;
  /// The virtual camera (backend sim); `sim.max_magnification` is
  /// ptz.max_magnification too.
  virtual_ptz_limits sim;
  /// The device (backend onvif).
  onvif_config onvif;
};

struct camera_config {
  std::string id;
  source_kind source = source_kind::synthetic;
  /// File path or rtsp:// URL (file and rtsp sources).
  std::string url;
  /// Synthetic scene parameters (synthetic source; width/height/fps also
  /// describe the expected size of other sources for GET /cameras).
  synthetic_params synthetic;
  int read_timeout_ms = defaults::camera::read_timeout_ms;
  /// Connecting and probing (waits for a keyframe of a live stream).
  int open_timeout_ms = defaults::camera::open_timeout_ms;
  int retry_min_ms = defaults::camera::retry_min_ms;
  int retry_max_ms = defaults::camera::retry_max_ms;
  /// Each reconnect wait is this many times the previous one.
  double retry_factor = defaults::camera::retry_factor;
  /// Spread of each wait: ± this fraction.
  double retry_jitter = defaults::camera::retry_jitter;
  /// Decoding goes on this long after the last consumer leaves.
  int idle_grace_ms = defaults::camera::idle_grace_ms;
  /// Pace file sources at their frame rate (false: as fast as possible).
  bool realtime = true;
  /// Days this camera's ended tracks are kept; < 0: store.retain_days.
  double retain_days = -1;
  ptz_config ptz;
};

/// The detection stage's use of motion (detector.motion).
struct motion_config {
  /// Run the motion stage and damp detections where nothing moved.
  bool enabled = defaults::detector::motion_enabled;
  /// Score factor of a detection that overlaps no moving region.
  float still_score_factor = defaults::detector::still_score_factor;
  motion_params params;
};

/// Detector settings.
struct detector_config {
  std::string model = defaults::detector::model;
  /// Class names, one per line; defaults to the model path with .names.
  std::string names;
  int input_width = defaults::detector::input_width;
  int input_height = defaults::detector::input_height;
  /// "auto", "yolov8" ([1,4+C,N]) or "yolov5" ([1,N,5+C]).
  std::string layout = "auto";
  float conf_threshold = defaults::detector::conf_threshold;
  float nms_threshold = defaults::detector::nms_threshold;
  int threads = defaults::detector::threads;
  /// Crop classifier ONNX model (names: its path with .names); empty: the
  /// detector's own classes are kept.
  std::string classifier = defaults::detector::classifier;
  /// A detection keeps its class unless the classifier gives that class
  /// less than this probability (0: never relabel, 1: always).
  float classifier_keep_prob = defaults::detector::classifier_keep_prob;
  /// At most this many detections a frame (highest scores) are classified.
  int classifier_max_boxes = defaults::detector::classifier_max_boxes;
  motion_config motion;
  /// The model catalog's directory (GET/POST /models); empty: the
  /// directory of `model` (see models_dir_of).
  std::string models_dir;
  /// Largest model an upload may carry.
  size_t max_model_bytes = defaults::detector::max_model_bytes;
  /// Measure the camera's own motion from the pixels of frames that carry
  /// no PTZ view (core/video/global_motion). Not a config key: the
  /// registry sets it for a camera with a PTZ (cameras[].ptz.backend).
  bool ego_motion = false;
};

/// Per-session analytics settings.
struct session_config {
  double publish_hz = defaults::session::publish_hz;
  int confirm_hits = defaults::session::confirm_hits;
  int64_t end_after_ms = defaults::session::end_after_ms;
  double update_min_conf_gain = defaults::session::update_min_conf_gain;
  size_t stats_window = defaults::session::stats_window;
};

/// Track-history settings.
struct store_config {
  /// false: no database; tracks are only streamed live.
  bool enabled = true;
  std::string path = defaults::store::path;
  double retain_days = defaults::store::retain_days;
  /// Days a PTZ audit record (GET /ptz/commands) is kept.
  double ptz_commands_retain_days = defaults::store::ptz_commands_retain_days;
  int64_t sample_interval_ms = defaults::store::sample_interval_ms;
  int flush_interval_ms = defaults::store::flush_interval_ms;
  size_t batch_max_samples = defaults::store::batch_max_samples;
  size_t max_pending_samples = defaults::store::max_pending_samples;
  int expire_interval_ms = defaults::store::expire_interval_ms;
  int expire_batch = defaults::store::expire_batch;
  int retry_ms = defaults::store::retry_ms;
};

/// Gateway settings.
struct server_config {
  std::string host = defaults::server::host;
  uint16_t port = defaults::server::port;
  int io_threads = defaults::server::io_threads;
  size_t max_body_bytes = defaults::server::max_body_bytes;
  size_t max_ws_message_bytes = defaults::server::max_ws_message_bytes;
  int max_ws_clients = defaults::server::max_ws_clients;
  size_t client_max_queued_events = defaults::client::max_queued_events;
  /// Directory of the web page (served at /), empty: none.
  std::string web_root = "web";
  /// Writes (PATCH, persist, reload) one client may make to /settings a
  /// minute; more are answered 429 with Retry-After.
  int settings_writes_per_minute = defaults::server::settings_writes_per_minute;
  /// Timestamped copies of the config file kept when /settings persists.
  int settings_backups = defaults::server::settings_backups;
  /// Requests a /ws/frames client may have waiting (frames.lifo_depth).
  size_t frames_lifo_depth = 8;
};

/// H.265 frame-server settings. S3 credentials come from AWS_ACCESS_KEY_ID /
/// AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), never from the file.
struct frames_config {
  bool enabled = true;
  int64_t cache_mb = defaults::frames::cache_bytes / (1024 * 1024);
  int64_t max_chunks = static_cast<int64_t>(defaults::frames::max_chunks);
  int64_t lifo_depth = static_cast<int64_t>(defaults::frames::lifo_depth);
  /// Empty: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS itself.
  std::string s3_endpoint;
  /// Empty: AWS_REGION / AWS_DEFAULT_REGION, else us-east-1.
  std::string s3_region;
  int64_t s3_timeout_ms = defaults::frames::s3_timeout_ms;
  /// Encode a sample clip at start-up and register it as "sample" (demo).
  bool sample_clip = false;
};

/// The camera relay (GET /cameras/{id}/latest.jpg, /ws/cameras/{id}).
struct relay_config {
  /// Frames per second a viewer gets unless it asks (?fps=) for another.
  double viewer_fps = defaults::relay::viewer_fps;
  /// JPEG quality of relayed frames.
  int jpeg_quality = defaults::relay::jpeg_quality;
  int max_viewers_per_camera = defaults::relay::max_viewers_per_camera;
  int max_viewers = defaults::relay::max_viewers;
  /// Write the newest JPEG to `persist_dir` every N encoded frames (0: never).
  int persist_every = defaults::relay::persist_every;
  std::string persist_dir = defaults::relay::persist_dir;
  /// Retry-After (seconds) when a viewer is refused.
  int retry_after_s = defaults::relay::retry_after_s;
  /// How long latest.jpg waits for a first frame of an idle camera.
  int snapshot_timeout_ms = defaults::relay::snapshot_timeout_ms;
  /// Benchmark baseline only: encode once per viewer instead of once per
  /// frame (the naive design docs/benchmarks.md compares against).
  bool encode_per_viewer = false;
};

/// Bearer tokens. None configured (and no ARGUS_TOKENS): open access.
struct auth_config {
  /// role:token pairs, from the config file and ARGUS_TOKENS.
  std::vector<std::pair<std::string, std::string>> tokens;
};

/// The MQTT bridge (actors/mqtt/bridge.hpp). Off while `host` is empty.
struct mqtt_config {
  /// The broker; empty (the default): no bridge.
  std::string host;
  int port = defaults::mqtt::port;
  std::string client_id = defaults::mqtt::client_id;
  /// Every topic starts with it: `<prefix>/available`, `<prefix>/<camera>/...`.
  std::string topic_prefix = defaults::mqtt::topic_prefix;
  /// Empty: anonymous. `${NAME}` takes environment variable NAME.
  std::string username;
  /// `${NAME}` takes environment variable NAME; never logged or shown.
  std::string password;
  double stats_interval_s = defaults::mqtt::stats_interval_s;
  double tracks_interval_s = defaults::mqtt::tracks_interval_s;
  /// Reconnect waits: from min to max, doubling (with jitter).
  int retry_min_ms = defaults::mqtt::retry_min_ms;
  int retry_max_ms = defaults::mqtt::retry_max_ms;
};

/// The whole argus configuration.
struct config {
  server_config server;
  relay_config relay;
  auth_config auth;
  std::string log_level = "info";
  /// logging.format: "text" (for people) or "json" (one object a line).
  std::string log_format = "text";
  detector_config detector;
  tracker_params tracker;
  session_config session;
  store_config store;
  frames_config frames;
  mqtt_config mqtt;
  std::vector<camera_config> cameras;
};

/// One mapping of the config file and the keys it accepts.
struct config_section {
  /// "" (the root), "server", "detector.motion", "cameras[]" (each element
  /// of the cameras list), "auth.tokens[]", ...
  std::string path;
  std::vector<std::string> keys;
};

/// Every mapping the loader reads and its keys: the one list unknown keys
/// are checked against. tests/core/test_config_schema.cpp holds it to
/// schemas/config.schema.json.
const std::vector<config_section>& config_key_table();

/// What a secret (token, password, the password in a camera URL) shows as.
inline constexpr const char* redaction_marker = "***";

/// Whether config_to_json shows secrets: never on the wire; `shown` only
/// to compare two configs inside argus.
enum class secrets { hidden, shown };

/// The running configuration in the shape of schemas/config.schema.json:
/// every key with its effective value (detector.names resolved, server.listen
/// as HOST:PORT), cameras[].retain_days only where set, and (hidden) tokens,
/// passwords and a camera URL's password as "***".
nlohmann::json config_to_json(const config& cfg,
                              secrets shown = secrets::hidden);

/// `rtsp://user:pass@host/x` as `rtsp://user:***@host/x`; other URLs as
/// they are.
std::string redact_url_password(const std::string& url);

/// A parse that names every problem (not only the first).
struct config_check {
  /// Set when `errors` is empty.
  std::optional<config> cfg;
  /// "cameras[0].fps: must be in [0.1, 240]", one per invalid key.
  std::vector<std::string> errors;
};

/// Parses YAML (or JSON) text and lists every invalid key.
config_check check_config(const std::string& yaml_text);

/// Parses YAML text. The error names every offending key, joined by "; ",
/// e.g. "cameras[1].fps: must be in [0.1, 240]". Unknown keys are errors
/// too.
caf::expected<config> parse_config(const std::string& yaml_text);

/// Reads and parses a config file.
caf::expected<config> load_config(const std::string& path);

/// The effective models directory: detector.models_dir, else the directory
/// of detector.model ("." when it has none).
std::string models_dir_of(const detector_config& d);

/// The names file a model implies when none is configured: the model path
/// with its extension replaced by `.names`.
std::string names_for_model(const std::string& model_path);

/// Parses "HOST:PORT" into the server section.
caf::error apply_listen(config& cfg, const std::string& host_port);

/// "synthetic", "file" or "rtsp".
const char* to_string(source_kind kind);

/// "none" or "sim".
const char* to_string(ptz_backend backend);

} // namespace argus
