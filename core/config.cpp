// SPDX-License-Identifier: Apache-2.0
#include "core/config.hpp"

#include "core/text.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <yaml-cpp/yaml.h>

namespace argus {

std::string models_dir_of(const detector_config& d) {
  if (!d.models_dir.empty())
    return d.models_dir;
  auto slash = d.model.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : d.model.substr(0, slash);
}

namespace {

/// Thrown inside the parser only; parse_config turns it into a caf::error.
struct config_error {
  std::string message;
};

[[noreturn]] void fail(const std::string& key, const std::string& what) {
  throw config_error{key + ": " + what};
}

/// The problems found so far by the parse running on this thread. A bad
/// value is noted and parsing goes on, so one answer names every invalid
/// key (PATCH /settings lists them all); a structural problem (a section
/// that is not a mapping) throws and ends only its own section.
thread_local std::vector<std::string>* noted = nullptr;

/// Records `key: what` and goes on; the key keeps its default.
void note(const std::string& key, const std::string& what) {
  if (!noted)
    fail(key, what);
  noted->push_back(key + ": " + what);
}

/// Runs one section's parser; a problem that ends it is noted.
template <class F> void section(F&& parse) {
  try {
    parse();
  } catch (const config_error& e) {
    noted->push_back(e.message);
  } catch (const YAML::Exception& e) {
    noted->push_back(std::string("YAML: ") + e.what());
  }
}

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

/// The keys of `section` in config_key_table().
const std::vector<std::string>& known_keys(const std::string& section) {
  for (auto& s : config_key_table())
    if (s.path == section)
      return s.keys;
  // A parser asked for a section the table lacks: a bug, not a user error.
  fail(section, "missing from config_key_table()");
}

/// Rejects keys that `section` of the key table does not list, naming the
/// first one by its `path` (e.g. section "cameras[]", path "cameras[2]").
void check_keys(const YAML::Node& node, const std::string& path,
                const std::string& section) {
  if (!node.IsMap())
    fail(path.empty() ? "<root>" : path, "must be a mapping");
  auto& known = known_keys(section);
  for (auto it = node.begin(); it != node.end(); ++it) {
    auto key = it->first.as<std::string>();
    if (std::find(known.begin(), known.end(), key) == known.end())
      note(join(path, key), "unknown key");
  }
}

/// @returns false when the key is there but not a T (noted).
template <class T>
bool read(const YAML::Node& node, const std::string& path, const char* key,
          T& out, const char* expect) {
  auto child = node[key];
  if (!child)
    return true;
  try {
    out = child.as<T>();
    return true;
  } catch (const YAML::Exception&) {
    note(join(path, key), std::string("must be ") + expect);
    return false;
  }
}

/// @returns false when the value is no number or out of range (noted).
bool read_num(const YAML::Node& n, const std::string& p, const char* key,
              double& out, double lo, double hi) {
  if (!read(n, p, key, out, "a number"))
    return false;
  // Written so NaN (YAML .nan) fails too: it compares false both ways, and
  // an integer setting would then be converted from it (undefined).
  if (!(out >= lo && out <= hi)) {
    note(join(p, key), fmt::format("must be in [{}, {}]", lo, hi));
    return false;
  }
  return true;
}

/// `out` changes only to a valid value.
template <class T>
void read_range(const YAML::Node& n, const std::string& p, const char* key,
                T& out, double lo, double hi) {
  double v = double(out);
  if (!read_num(n, p, key, v, lo, hi))
    return;
  if (std::is_integral<T>::value && v != double(int64_t(v)))
    return note(join(p, key), "must be an integer");
  out = T(v);
}

void parse_server(const YAML::Node& n, server_config& s) {
  const std::string p = "server";
  check_keys(n, p, p);
  if (n["listen"]) {
    config tmp;
    std::string hp;
    read(n, p, "listen", hp, "a string HOST:PORT");
    if (auto err = apply_listen(tmp, hp))
      fail("server.listen", error_detail(err));
    s.host = tmp.server.host;
    s.port = tmp.server.port;
  }
  read_range(n, p, "io_threads", s.io_threads, 1, 64);
  read_range(n, p, "max_body_bytes", s.max_body_bytes, 256, 64 << 20);
  read_range(n, p, "max_ws_message_bytes", s.max_ws_message_bytes, 64,
             16 << 20);
  read_range(n, p, "max_ws_clients", s.max_ws_clients, 1, 100000);
  read_range(n, p, "client_max_queued_events", s.client_max_queued_events, 1,
             1 << 20);
  read(n, p, "web_root", s.web_root, "a string");
  read_range(n, p, "settings_writes_per_minute", s.settings_writes_per_minute,
             1, 6000);
  read_range(n, p, "settings_backups", s.settings_backups, 0, 100);
}

void parse_motion(const YAML::Node& n, motion_config& m) {
  const std::string p = "detector.motion";
  check_keys(n, p, p);
  read(n, p, "enabled", m.enabled, "a boolean");
  read_range(n, p, "still_score_factor", m.still_score_factor, 0.0, 1.0);
  read_range(n, p, "work_width", m.params.work_width, 32, 4096);
  read_range(n, p, "diff_threshold", m.params.diff_threshold, 1, 255);
  read_range(n, p, "min_area", m.params.min_area, 1, 1 << 20);
  read_range(n, p, "max_regions", m.params.max_regions, 1, 1024);
}

void parse_detector(const YAML::Node& n, detector_config& d) {
  const std::string p = "detector";
  check_keys(n, p, p);
  read(n, p, "model", d.model, "a string");
  read(n, p, "names", d.names, "a string");
  read_range(n, p, "input_width", d.input_width, 32, 4096);
  read_range(n, p, "input_height", d.input_height, 32, 4096);
  if (d.input_width % 32)
    fail("detector.input_width", "input size must be a multiple of 32");
  if (d.input_height % 32)
    fail("detector.input_height", "input size must be a multiple of 32");
  read(n, p, "layout", d.layout, "a string");
  if (d.layout != "auto" && d.layout != "yolov8" && d.layout != "yolov5")
    fail("detector.layout", "must be one of auto, yolov8, yolov5");
  read_range(n, p, "conf_threshold", d.conf_threshold, 0.0, 1.0);
  read_range(n, p, "nms_threshold", d.nms_threshold, 0.0, 1.0);
  read_range(n, p, "threads", d.threads, 1, 64);
  read(n, p, "classifier", d.classifier, "a string");
  read_range(n, p, "classifier_keep_prob", d.classifier_keep_prob, 0.0, 1.0);
  read_range(n, p, "classifier_max_boxes", d.classifier_max_boxes, 1, 1024);
  read(n, p, "models_dir", d.models_dir, "a string");
  read_range(n, p, "max_model_bytes", d.max_model_bytes, 1024, 1 << 30);
  if (n["motion"])
    parse_motion(n["motion"], d.motion);
}

void parse_tracker(const YAML::Node& n, tracker_params& t) {
  const std::string p = "tracker";
  check_keys(n, p, p);
  read_range(n, p, "track_high_thresh", t.track_high_thresh, 0.0, 1.0);
  read_range(n, p, "track_low_thresh", t.track_low_thresh, 0.0, 1.0);
  read_range(n, p, "new_track_thresh", t.new_track_thresh, 0.0, 1.0);
  read_range(n, p, "match_thresh", t.match_thresh, 0.0, 1.0);
  read_range(n, p, "second_match_thresh", t.second_match_thresh, 0.0, 1.0);
  read_range(n, p, "unconfirmed_match_thresh", t.unconfirmed_match_thresh, 0.0,
             1.0);
  read_range(n, p, "track_buffer", t.track_buffer, 1, 10000);
  read_range(n, p, "frame_rate", t.frame_rate, 1, 1000);
  read(n, p, "fuse_score", t.fuse_score, "a boolean");
  read(n, p, "class_aware", t.class_aware, "a boolean");
  read_range(n, p, "match_buffer", t.match_buffer, 0.0, 2.0);
  read_range(n, p, "birth_buffer", t.birth_buffer, 0.0, 2.0);
  read_range(n, p, "min_hits", t.min_hits, 1, 100);
  if (t.track_low_thresh > t.track_high_thresh)
    fail("tracker.track_low_thresh", "must not exceed track_high_thresh");
}

void parse_session(const YAML::Node& n, session_config& s) {
  const std::string p = "session";
  check_keys(n, p, p);
  read_range(n, p, "publish_hz", s.publish_hz, 0.1, 120);
  read_range(n, p, "confirm_hits", s.confirm_hits, 1, 1000);
  read_range(n, p, "end_after_ms", s.end_after_ms, 1, 3600 * 1000);
  read_range(n, p, "update_min_conf_gain", s.update_min_conf_gain, 0.0, 1.0);
  read_range(n, p, "stats_window", s.stats_window, 10, 100000);
}

void parse_store(const YAML::Node& n, store_config& s) {
  const std::string p = "store";
  check_keys(n, p, p);
  read(n, p, "enabled", s.enabled, "a boolean");
  read(n, p, "path", s.path, "a string");
  if (s.enabled && s.path.empty())
    fail("store.path", "must not be empty (set store.enabled: false instead)");
  read_range(n, p, "retain_days", s.retain_days, 0.0, 36500.0);
  read_range(n, p, "ptz_commands_retain_days", s.ptz_commands_retain_days, 0.0,
             36500.0);
  read_range(n, p, "sample_interval_ms", s.sample_interval_ms, 10, 3600000);
  read_range(n, p, "flush_interval_ms", s.flush_interval_ms, 10, 60000);
  read_range(n, p, "batch_max_samples", s.batch_max_samples, 1, 1000000);
  read_range(n, p, "max_pending_samples", s.max_pending_samples, 1, 10000000);
  read_range(n, p, "expire_interval_ms", s.expire_interval_ms, 100, 86400000);
  read_range(n, p, "expire_batch", s.expire_batch, 1, 100000);
  read_range(n, p, "retry_ms", s.retry_ms, 10, 600000);
}

void parse_frames(const YAML::Node& n, frames_config& f) {
  const std::string p = "frames";
  check_keys(n, p, p);
  read(n, p, "enabled", f.enabled, "a boolean");
  read_range(n, p, "cache_mb", f.cache_mb, 1, 1024 * 1024);
  read_range(n, p, "max_chunks", f.max_chunks, 1, 1024);
  read_range(n, p, "lifo_depth", f.lifo_depth, 1, 4096);
  read(n, p, "s3_endpoint", f.s3_endpoint, "a string");
  read(n, p, "s3_region", f.s3_region, "a string");
  read_range(n, p, "s3_timeout_ms", f.s3_timeout_ms, 100, 600000);
  read(n, p, "sample_clip", f.sample_clip, "a boolean");
}

void parse_zone_points(const YAML::Node& n, const std::string& p,
                       zone_polygon& zone) {
  auto points = n["points"];
  auto key = join(p, "points");
  if (!points || !points.IsSequence())
    fail(key, "must be a list of [x, y] points");
  for (size_t i = 0; i < points.size(); ++i) {
    auto pt = points[i];
    if (!pt.IsSequence() || pt.size() != 2)
      fail(fmt::format("{}[{}]", key, i), "must be a pair [x, y]");
    norm_point out;
    try {
      out = {pt[0].as<double>(), pt[1].as<double>()};
    } catch (const YAML::Exception&) {
      fail(fmt::format("{}[{}]", key, i), "must be a pair of numbers");
    }
    zone.vertices.push_back(out);
  }
  if (auto problem = zone_problem(zone); !problem.empty())
    fail(key, problem);
}

void parse_zones(const YAML::Node& list, const std::string& p,
                 std::vector<zone_polygon>& zones) {
  if (!list.IsSequence())
    fail(p, "must be a list of {name, points}");
  for (size_t i = 0; i < list.size(); ++i) {
    auto zp = fmt::format("{}[{}]", p, i);
    check_keys(list[i], zp, "cameras[].ptz.autotrack.required_zones[]");
    zone_polygon zone;
    read(list[i], zp, "name", zone.name, "a string");
    if (zone.name.empty())
      fail(join(zp, "name"), "is required");
    parse_zone_points(list[i], zp, zone);
    zones.push_back(std::move(zone));
  }
}

void parse_pid(const YAML::Node& n, const std::string& p, pid_gains& g) {
  read_range(n, p, "kp", g.kp, 0.0, 20.0);
  read_range(n, p, "ki", g.ki, 0.0, 20.0);
  read_range(n, p, "kd", g.kd, 0.0, 20.0);
  read_range(n, p, "dead_band", g.dead_band, 0.0, 0.5);
  read_range(n, p, "integral_limit", g.integral_limit, 0.0, 1.0);
  read_range(n, p, "max_slew_per_s", g.max_slew_per_s, 0.01, 100.0);
}

void parse_autotrack(const YAML::Node& n, const std::string& p,
                     autotrack_settings& a) {
  check_keys(n, p, "cameras[].ptz.autotrack");
  read(n, p, "enabled", a.enabled, "a boolean");
  parse_pid(n, p, a.pan);
  a.tilt = a.pan; // one set of gains: offsets are in frame sizes both ways
  read(n, p, "invert_pan", a.invert_pan, "a boolean");
  read(n, p, "invert_tilt", a.invert_tilt, "a boolean");
  read_range(n, p, "target_coverage", a.target_coverage, 0.01, 1.0);
  read_range(n, p, "zoom_gain", a.zoom_gain, 0.0, 20.0);
  read_range(n, p, "zoom_dead_band", a.zoom_dead_band, 0.0, 1.0);
  read_range(n, p, "max_zoom_speed", a.max_zoom_speed, 0.0, 1.0);
  read_range(n, p, "zoom_travel_s", a.zoom_travel_s, 0.1, 120.0);
  read_range(n, p, "zoom_out_speed", a.zoom_out_speed, 0.0, 1.0);
  read_range(n, p, "zoom_out_ms", a.zoom_out_ms, 0, 600000);
  read_range(n, p, "return_after_ms", a.return_after_ms, 0, 3600000);
  read(n, p, "return_preset", a.return_preset, "a string");
  if (n["required_zones"])
    parse_zones(n["required_zones"], join(p, "required_zones"),
                a.required_zones);
}

void parse_sim(const YAML::Node& n, const std::string& p,
               virtual_ptz_limits& v) {
  check_keys(n, p, "cameras[].ptz.sim");
  read_range(n, p, "wide_fov", v.wide_fov, 0.05, 1.0);
  read_range(n, p, "max_pan_speed", v.max_pan_speed, 0.01, 10.0);
  read_range(n, p, "max_tilt_speed", v.max_tilt_speed, 0.01, 10.0);
  read_range(n, p, "max_zoom_speed", v.max_zoom_speed, 0.01, 10.0);
  read_range(n, p, "acceleration", v.acceleration, 0.1, 100.0);
}

/// `${NAME}` anywhere in `text` becomes environment variable NAME, so a
/// secret stays out of the file; an unset variable is a config error.
std::string expand_env(const std::string& text, const std::string& p) {
  std::string out;
  size_t pos = 0;
  while (true) {
    auto start = text.find("${", pos);
    if (start == std::string::npos)
      break;
    auto end = text.find('}', start);
    if (end == std::string::npos)
      fail(p, "has a '${' without its '}'");
    auto name = text.substr(start + 2, end - start - 2);
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    if (!value)
      fail(p, fmt::format("names environment variable '{}', which is not set",
                          name));
    out += text.substr(pos, start - pos);
    out += value;
    pos = end + 1;
  }
  return out + text.substr(pos);
}

void parse_onvif(const YAML::Node& n, const std::string& p, onvif_config& o) {
  check_keys(n, p, "cameras[].ptz.onvif");
  read(n, p, "address", o.address, "a string");
  if (!o.address.empty() && o.address.rfind("http://", 0) != 0
      && o.address.rfind("https://", 0) != 0)
    fail(join(p, "address"), "must be an http:// or https:// URL");
  read(n, p, "username", o.username, "a string");
  o.username = expand_env(o.username, join(p, "username"));
  read(n, p, "password", o.password, "a string");
  o.password = expand_env(o.password, join(p, "password"));
  read(n, p, "profile", o.profile, "a string");
  read_range(n, p, "timeout_ms", o.timeout_ms, 100, 30000);
  read_range(n, p, "retry_min_ms", o.retry_min_ms, 10, 600000);
  read_range(n, p, "retry_max_ms", o.retry_max_ms, 10, 3600000);
  if (o.retry_max_ms < o.retry_min_ms)
    fail(join(p, "retry_max_ms"), "must be >= retry_min_ms");
}

void parse_mqtt(const YAML::Node& n, mqtt_config& m) {
  const std::string p = "mqtt";
  check_keys(n, p, p);
  read(n, p, "host", m.host, "a string");
  read_range(n, p, "port", m.port, 1, 65535);
  read(n, p, "client_id", m.client_id, "a string");
  if (m.client_id.empty() || m.client_id.size() > 64)
    fail("mqtt.client_id", "must be 1 to 64 characters");
  read(n, p, "topic_prefix", m.topic_prefix, "a string");
  // Letters, digits, '_', '-' and inner '/': no wildcards (+, #) and no
  // empty levels, so every topic argus builds is a valid topic name.
  auto& t = m.topic_prefix;
  bool ok = !t.empty() && t.front() != '/' && t.back() != '/'
            && t.find("//") == std::string::npos
            && std::all_of(t.begin(), t.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '_'
                        || c == '-' || c == '/';
               });
  if (!ok)
    fail("mqtt.topic_prefix",
         "must be letters, digits, '_', '-' and inner '/' (no empty level)");
  read(n, p, "username", m.username, "a string");
  m.username = expand_env(m.username, join(p, "username"));
  read(n, p, "password", m.password, "a string");
  m.password = expand_env(m.password, join(p, "password"));
  read_range(n, p, "stats_interval_s", m.stats_interval_s, 0.2, 3600.0);
  read_range(n, p, "tracks_interval_s", m.tracks_interval_s, 0.1, 3600.0);
  read_range(n, p, "retry_min_ms", m.retry_min_ms, 10, 600000);
  read_range(n, p, "retry_max_ms", m.retry_max_ms, 10, 3600000);
  if (m.retry_max_ms < m.retry_min_ms)
    fail(join(p, "retry_max_ms"), "must be >= retry_min_ms");
}

void parse_ptz(const YAML::Node& n, const std::string& p, ptz_config& z) {
  check_keys(n, p, "cameras[].ptz");
  std::string backend = "none";
  read(n, p, "backend", backend, "a string");
  if (backend == "none")
    z.backend = ptz_backend::none;
  else if (backend == "sim")
    z.backend = ptz_backend::sim;
  else if (backend == "onvif")
    z.backend = ptz_backend::onvif;
  else
    fail(join(p, "backend"), "must be one of none, sim, onvif");
  read_range(n, p, "move_timeout_ms", z.move_timeout_ms, 200, 60000);
  read_range(n, p, "min_interval_ms", z.min_interval_ms, 0, 10000);
  double mag = z.autotrack.max_magnification;
  read_range(n, p, "max_magnification", mag, 1.0, 1000.0);
  if (n["autotrack"])
    parse_autotrack(n["autotrack"], join(p, "autotrack"), z.autotrack);
  if (n["sim"])
    parse_sim(n["sim"], join(p, "sim"), z.sim);
  if (n["onvif"])
    parse_onvif(n["onvif"], join(p, "onvif"), z.onvif);
  if (z.backend == ptz_backend::onvif && z.onvif.address.empty())
    fail(join(p, "onvif.address"), "is required with backend onvif");
  z.autotrack.max_magnification = mag;
  z.sim.max_magnification = mag;
  if (z.backend == ptz_backend::sim && !z.autotrack.return_preset.empty())
    fail(join(p, "autotrack.return_preset"),
         "the sim backend has no presets (leave it empty: home)");
}

camera_config parse_camera(const YAML::Node& n, const std::string& p) {
  check_keys(n, p, "cameras[]");
  camera_config c;
  read(n, p, "id", c.id, "a string");
  if (c.id.empty())
    fail(join(p, "id"), "is required");
  for (char ch : c.id)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-')
      fail(join(p, "id"), "may only contain letters, digits, '_' and '-'");
  std::string src = "synthetic";
  read(n, p, "source", src, "a string");
  if (src == "synthetic")
    c.source = source_kind::synthetic;
  else if (src == "file")
    c.source = source_kind::file;
  else if (src == "rtsp")
    c.source = source_kind::rtsp;
  else
    fail(join(p, "source"), "must be one of synthetic, file, rtsp");
  read(n, p, "url", c.url, "a string");
  if (c.source != source_kind::synthetic && c.url.empty())
    fail(join(p, "url"), "is required for file and rtsp sources");
  if (c.source == source_kind::rtsp && c.url.rfind("rtsp://", 0) != 0)
    fail(join(p, "url"), "must start with rtsp://");
  auto& s = c.synthetic;
  read_range(n, p, "width", s.width, 16, 8192);
  read_range(n, p, "height", s.height, 16, 8192);
  read_range(n, p, "fps", s.fps, 0.1, 240);
  read_range(n, p, "seed", s.seed, 0, 1e15);
  read_range(n, p, "drones", s.drones, 0, 100);
  read_range(n, p, "birds", s.birds, 0, 100);
  read_range(n, p, "occluders", s.occluders, 0, 20);
  read_range(n, p, "noise", s.noise, 0, 50);
  read_range(n, p, "read_timeout_ms", c.read_timeout_ms, 100, 600000);
  read_range(n, p, "retry_min_ms", c.retry_min_ms, 10, 600000);
  read_range(n, p, "retry_max_ms", c.retry_max_ms, 10, 3600000);
  read_range(n, p, "open_timeout_ms", c.open_timeout_ms, 100, 600000);
  read_range(n, p, "retry_factor", c.retry_factor, 1.0, 10.0);
  read_range(n, p, "retry_jitter", c.retry_jitter, 0.0, 0.9);
  read_range(n, p, "idle_grace_ms", c.idle_grace_ms, 0, 3600000);
  if (c.retry_max_ms < c.retry_min_ms)
    fail(p + ".retry_max_ms", "must be >= retry_min_ms");
  read(n, p, "realtime", c.realtime, "a boolean");
  if (n["retain_days"]) // absent: store.retain_days (sentinel -1)
    read_range(n, p, "retain_days", c.retain_days, 0.0, 36500.0);
  if (n["ptz"])
    parse_ptz(n["ptz"], join(p, "ptz"), c.ptz);
  return c;
}

void parse_relay(const YAML::Node& n, relay_config& r) {
  const std::string p = "relay";
  check_keys(n, p, p);
  read_range(n, p, "viewer_fps", r.viewer_fps, 0.01, 120.0);
  read_range(n, p, "jpeg_quality", r.jpeg_quality, 1, 100);
  read_range(n, p, "max_viewers_per_camera", r.max_viewers_per_camera, 1,
             100000);
  read_range(n, p, "max_viewers", r.max_viewers, 1, 100000);
  read_range(n, p, "persist_every", r.persist_every, 0, 1000000);
  read(n, p, "persist_dir", r.persist_dir, "a string");
  read_range(n, p, "retry_after_s", r.retry_after_s, 1, 3600);
  read_range(n, p, "snapshot_timeout_ms", r.snapshot_timeout_ms, 100, 60000);
  read(n, p, "encode_per_viewer", r.encode_per_viewer, "a boolean");
}

void parse_auth(const YAML::Node& n, auth_config& a) {
  check_keys(n, "auth", "auth");
  auto list = n["tokens"];
  if (!list)
    return;
  if (!list.IsSequence())
    fail("auth.tokens", "must be a list of {role, token}");
  for (size_t i = 0; i < list.size(); ++i) {
    auto p = fmt::format("auth.tokens[{}]", i);
    check_keys(list[i], p, "auth.tokens[]");
    std::string role, token;
    read(list[i], p, "role", role, "a string");
    read(list[i], p, "token", token, "a string");
    if (role != "viewer" && role != "controller" && role != "admin")
      fail(p + ".role", "must be viewer, controller or admin");
    if (token.size() < 16)
      fail(p + ".token", "must be at least 16 characters");
    a.tokens.emplace_back(role, token);
  }
}

void parse_logging(const YAML::Node& lg, config& cfg) {
  check_keys(lg, "logging", "logging");
  read(lg, "logging", "level", cfg.log_level, "a string");
  static const std::set<std::string> levels{"trace", "debug", "info",
                                            "warn",  "error", "off"};
  if (!levels.count(cfg.log_level))
    note("logging.level", "must be one of trace, debug, info, warn, error, "
                          "off");
  read(lg, "logging", "format", cfg.log_format, "a string");
  if (cfg.log_format != "text" && cfg.log_format != "json")
    note("logging.format", "must be text or json");
}

void parse_cameras(const YAML::Node& cams, std::vector<camera_config>& out) {
  if (!cams || !cams.IsSequence() || cams.size() == 0)
    return note("cameras", "must be a non-empty list");
  std::set<std::string> ids;
  for (size_t i = 0; i < cams.size(); ++i) {
    auto p = fmt::format("cameras[{}]", i);
    section([&] {
      auto cam = parse_camera(cams[i], p);
      if (!ids.insert(cam.id).second)
        fail(p + ".id", "duplicate camera id '" + cam.id + "'");
      out.push_back(std::move(cam));
    });
  }
}

config parse_root(const YAML::Node& root) {
  config cfg;
  if (!root || root.IsNull())
    fail("<root>", "the config is empty");
  check_keys(root, "", "");
  if (root["server"])
    section([&] { parse_server(root["server"], cfg.server); });
  if (auto lg = root["logging"])
    section([&] { parse_logging(lg, cfg); });
  if (root["detector"])
    section([&] { parse_detector(root["detector"], cfg.detector); });
  if (root["tracker"])
    section([&] { parse_tracker(root["tracker"], cfg.tracker); });
  if (root["session"])
    section([&] { parse_session(root["session"], cfg.session); });
  if (root["store"])
    section([&] { parse_store(root["store"], cfg.store); });
  if (root["frames"])
    section([&] { parse_frames(root["frames"], cfg.frames); });
  if (root["relay"])
    section([&] { parse_relay(root["relay"], cfg.relay); });
  if (root["auth"])
    section([&] { parse_auth(root["auth"], cfg.auth); });
  if (root["mqtt"])
    section([&] { parse_mqtt(root["mqtt"], cfg.mqtt); });
  parse_cameras(root["cameras"], cfg.cameras);
  if (cfg.detector.names.empty())
    cfg.detector.names = names_for_model(cfg.detector.model);
  return cfg;
}

/// Every problem of `yaml_text`, or none and the config.
config_check check_yaml(const std::string& yaml_text) {
  config_check out;
  noted = &out.errors;
  try {
    out.cfg = parse_root(YAML::Load(yaml_text));
  } catch (const config_error& e) {
    out.errors.push_back(e.message);
  } catch (const YAML::Exception& e) {
    out.errors.push_back(std::string("YAML syntax: ") + e.what());
  }
  noted = nullptr;
  if (!out.errors.empty())
    out.cfg.reset();
  return out;
}

} // namespace

const std::vector<config_section>& config_key_table() {
  static const std::vector<config_section> table{
      {"",
       {"server", "logging", "detector", "tracker", "session", "store",
        "frames", "relay", "auth", "mqtt", "cameras"}},
      {"server",
       {"listen", "io_threads", "max_body_bytes", "max_ws_message_bytes",
        "max_ws_clients", "client_max_queued_events", "web_root",
        "settings_writes_per_minute", "settings_backups"}},
      {"logging", {"level", "format"}},
      {"detector",
       {"model", "names", "input_width", "input_height", "layout",
        "conf_threshold", "nms_threshold", "threads", "classifier",
        "classifier_keep_prob", "classifier_max_boxes", "models_dir",
        "max_model_bytes", "motion"}},
      {"detector.motion",
       {"enabled", "still_score_factor", "work_width", "diff_threshold",
        "min_area", "max_regions"}},
      {"tracker",
       {"track_high_thresh", "track_low_thresh", "new_track_thresh",
        "match_thresh", "second_match_thresh", "unconfirmed_match_thresh",
        "track_buffer", "frame_rate", "fuse_score", "class_aware",
        "match_buffer", "birth_buffer", "min_hits"}},
      {"session",
       {"publish_hz", "confirm_hits", "end_after_ms", "update_min_conf_gain",
        "stats_window"}},
      {"store",
       {"enabled", "path", "retain_days", "ptz_commands_retain_days",
        "sample_interval_ms", "flush_interval_ms", "batch_max_samples",
        "max_pending_samples", "expire_interval_ms", "expire_batch",
        "retry_ms"}},
      {"frames",
       {"enabled", "cache_mb", "max_chunks", "lifo_depth", "s3_endpoint",
        "s3_region", "s3_timeout_ms", "sample_clip"}},
      {"relay",
       {"viewer_fps", "jpeg_quality", "max_viewers_per_camera", "max_viewers",
        "persist_every", "persist_dir", "retry_after_s", "snapshot_timeout_ms",
        "encode_per_viewer"}},
      {"auth", {"tokens"}},
      {"mqtt",
       {"host", "port", "client_id", "topic_prefix", "username", "password",
        "stats_interval_s", "tracks_interval_s", "retry_min_ms",
        "retry_max_ms"}},
      {"auth.tokens[]", {"role", "token"}},
      {"cameras[]",
       {"id",
        "source",
        "url",
        "width",
        "height",
        "fps",
        "seed",
        "drones",
        "birds",
        "occluders",
        "noise",
        "read_timeout_ms",
        "open_timeout_ms",
        "retry_min_ms",
        "retry_max_ms",
        "retry_factor",
        "retry_jitter",
        "idle_grace_ms",
        "realtime",
        "retain_days",
        "ptz"}},
      {"cameras[].ptz",
       {"backend", "move_timeout_ms", "min_interval_ms", "max_magnification",
        "autotrack", "sim", "onvif"}},
      {"cameras[].ptz.autotrack",
       {"enabled", "kp", "ki", "kd", "dead_band", "integral_limit",
        "max_slew_per_s", "invert_pan", "invert_tilt", "target_coverage",
        "zoom_gain", "zoom_dead_band", "max_zoom_speed", "zoom_travel_s",
        "zoom_out_speed", "zoom_out_ms", "return_after_ms", "return_preset",
        "required_zones"}},
      {"cameras[].ptz.autotrack.required_zones[]", {"name", "points"}},
      {"cameras[].ptz.sim",
       {"wide_fov", "max_pan_speed", "max_tilt_speed", "max_zoom_speed",
        "acceleration"}},
      {"cameras[].ptz.onvif",
       {"address", "username", "password", "profile", "timeout_ms",
        "retry_min_ms", "retry_max_ms"}},
  };
  return table;
}

std::string names_for_model(const std::string& model_path) {
  auto dot = model_path.rfind('.');
  auto slash = model_path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return model_path + ".names";
  return model_path.substr(0, dot) + ".names";
}

namespace {

/// A float setting as the decimal it was written as: 0.3, not the
/// 0.30000001192092896 its widening to double would show.
double as_written(float v) {
  return std::strtod(fmt::format("{}", v).c_str(), nullptr);
}

nlohmann::json server_json(const server_config& s) {
  return {{"listen", fmt::format("{}:{}", s.host, s.port)},
          {"io_threads", s.io_threads},
          {"max_body_bytes", s.max_body_bytes},
          {"max_ws_message_bytes", s.max_ws_message_bytes},
          {"max_ws_clients", s.max_ws_clients},
          {"client_max_queued_events", s.client_max_queued_events},
          {"web_root", s.web_root},
          {"settings_writes_per_minute", s.settings_writes_per_minute},
          {"settings_backups", s.settings_backups}};
}

nlohmann::json motion_json(const motion_config& m) {
  return {{"enabled", m.enabled},
          {"still_score_factor", as_written(m.still_score_factor)},
          {"work_width", m.params.work_width},
          {"diff_threshold", m.params.diff_threshold},
          {"min_area", m.params.min_area},
          {"max_regions", m.params.max_regions}};
}

nlohmann::json detector_json(const detector_config& d) {
  return {{"model", d.model},
          {"names", d.names},
          {"input_width", d.input_width},
          {"input_height", d.input_height},
          {"layout", d.layout},
          {"conf_threshold", as_written(d.conf_threshold)},
          {"nms_threshold", as_written(d.nms_threshold)},
          {"threads", d.threads},
          {"classifier", d.classifier},
          {"classifier_keep_prob", as_written(d.classifier_keep_prob)},
          {"classifier_max_boxes", d.classifier_max_boxes},
          {"models_dir", models_dir_of(d)},
          {"max_model_bytes", d.max_model_bytes},
          {"motion", motion_json(d.motion)}};
}

nlohmann::json tracker_json(const tracker_params& t) {
  return {{"track_high_thresh", as_written(t.track_high_thresh)},
          {"track_low_thresh", as_written(t.track_low_thresh)},
          {"new_track_thresh", as_written(t.new_track_thresh)},
          {"match_thresh", as_written(t.match_thresh)},
          {"second_match_thresh", as_written(t.second_match_thresh)},
          {"unconfirmed_match_thresh", as_written(t.unconfirmed_match_thresh)},
          {"track_buffer", t.track_buffer},
          {"frame_rate", t.frame_rate},
          {"fuse_score", t.fuse_score},
          {"class_aware", t.class_aware},
          {"match_buffer", as_written(t.match_buffer)},
          {"birth_buffer", as_written(t.birth_buffer)},
          {"min_hits", t.min_hits}};
}

nlohmann::json session_json(const session_config& s) {
  return {{"publish_hz", s.publish_hz},
          {"confirm_hits", s.confirm_hits},
          {"end_after_ms", s.end_after_ms},
          {"update_min_conf_gain", s.update_min_conf_gain},
          {"stats_window", s.stats_window}};
}

nlohmann::json store_json(const store_config& s) {
  return {{"enabled", s.enabled},
          {"path", s.path},
          {"retain_days", s.retain_days},
          {"ptz_commands_retain_days", s.ptz_commands_retain_days},
          {"sample_interval_ms", s.sample_interval_ms},
          {"flush_interval_ms", s.flush_interval_ms},
          {"batch_max_samples", s.batch_max_samples},
          {"max_pending_samples", s.max_pending_samples},
          {"expire_interval_ms", s.expire_interval_ms},
          {"expire_batch", s.expire_batch},
          {"retry_ms", s.retry_ms}};
}

nlohmann::json frames_json(const frames_config& f) {
  return {{"enabled", f.enabled},
          {"cache_mb", f.cache_mb},
          {"max_chunks", f.max_chunks},
          {"lifo_depth", f.lifo_depth},
          {"s3_endpoint", f.s3_endpoint},
          {"s3_region", f.s3_region},
          {"s3_timeout_ms", f.s3_timeout_ms},
          {"sample_clip", f.sample_clip}};
}

nlohmann::json relay_json(const relay_config& r) {
  return {{"viewer_fps", r.viewer_fps},
          {"jpeg_quality", r.jpeg_quality},
          {"max_viewers_per_camera", r.max_viewers_per_camera},
          {"max_viewers", r.max_viewers},
          {"persist_every", r.persist_every},
          {"persist_dir", r.persist_dir},
          {"retry_after_s", r.retry_after_s},
          {"snapshot_timeout_ms", r.snapshot_timeout_ms},
          {"encode_per_viewer", r.encode_per_viewer}};
}

/// A set secret shows as the marker; an unset one as "".
std::string secret(const std::string& value, bool hide) {
  return hide && !value.empty() ? redaction_marker : value;
}

/// Tokens are secrets: only their roles are shown.
nlohmann::json auth_json(const auth_config& a, bool hide) {
  auto tokens = nlohmann::json::array();
  for (auto& [role, token] : a.tokens)
    tokens.push_back(
        {{"role", role}, {"token", hide ? redaction_marker : token}});
  return {{"tokens", std::move(tokens)}};
}

/// The password is a secret: "***" when set.
nlohmann::json mqtt_json(const mqtt_config& m, bool hide) {
  return {{"host", m.host},
          {"port", m.port},
          {"client_id", m.client_id},
          {"topic_prefix", m.topic_prefix},
          {"username", m.username},
          {"password", secret(m.password, hide)},
          {"stats_interval_s", m.stats_interval_s},
          {"tracks_interval_s", m.tracks_interval_s},
          {"retry_min_ms", m.retry_min_ms},
          {"retry_max_ms", m.retry_max_ms}};
}

nlohmann::json zones_json(const std::vector<zone_polygon>& zones) {
  auto out = nlohmann::json::array();
  for (auto& z : zones) {
    auto points = nlohmann::json::array();
    for (auto& v : z.vertices)
      points.push_back({v.x, v.y});
    out.push_back({{"name", z.name}, {"points", std::move(points)}});
  }
  return out;
}

nlohmann::json ptz_json(const ptz_config& z, bool hide) {
  auto& a = z.autotrack;
  auto& g = a.pan;
  auto& v = z.sim;
  auto& o = z.onvif;
  return {{"backend", to_string(z.backend)},
          {"move_timeout_ms", z.move_timeout_ms},
          {"min_interval_ms", z.min_interval_ms},
          {"max_magnification", a.max_magnification},
          {"autotrack",
           {{"enabled", a.enabled},
            {"kp", g.kp},
            {"ki", g.ki},
            {"kd", g.kd},
            {"dead_band", g.dead_band},
            {"integral_limit", g.integral_limit},
            {"max_slew_per_s", g.max_slew_per_s},
            {"invert_pan", a.invert_pan},
            {"invert_tilt", a.invert_tilt},
            {"target_coverage", a.target_coverage},
            {"zoom_gain", a.zoom_gain},
            {"zoom_dead_band", a.zoom_dead_band},
            {"max_zoom_speed", a.max_zoom_speed},
            {"zoom_travel_s", a.zoom_travel_s},
            {"zoom_out_speed", a.zoom_out_speed},
            {"zoom_out_ms", a.zoom_out_ms},
            {"return_after_ms", a.return_after_ms},
            {"return_preset", a.return_preset},
            {"required_zones", zones_json(a.required_zones)}}},
          {"sim",
           {{"wide_fov", v.wide_fov},
            {"max_pan_speed", v.max_pan_speed},
            {"max_tilt_speed", v.max_tilt_speed},
            {"max_zoom_speed", v.max_zoom_speed},
            {"acceleration", v.acceleration}}},
          {"onvif",
           {{"address", o.address},
            {"username", o.username},
            {"password", secret(o.password, hide)},
            {"profile", o.profile},
            {"timeout_ms", o.timeout_ms},
            {"retry_min_ms", o.retry_min_ms},
            {"retry_max_ms", o.retry_max_ms}}}};
}

nlohmann::json camera_json(const camera_config& c, bool hide) {
  auto& s = c.synthetic;
  nlohmann::json j{{"id", c.id},
                   {"source", to_string(c.source)},
                   {"url", hide ? redact_url_password(c.url) : c.url},
                   {"width", s.width},
                   {"height", s.height},
                   {"fps", s.fps},
                   {"seed", s.seed},
                   {"drones", s.drones},
                   {"birds", s.birds},
                   {"occluders", s.occluders},
                   {"noise", s.noise},
                   {"read_timeout_ms", c.read_timeout_ms},
                   {"open_timeout_ms", c.open_timeout_ms},
                   {"retry_min_ms", c.retry_min_ms},
                   {"retry_max_ms", c.retry_max_ms},
                   {"retry_factor", c.retry_factor},
                   {"retry_jitter", c.retry_jitter},
                   {"idle_grace_ms", c.idle_grace_ms},
                   {"realtime", c.realtime},
                   {"ptz", ptz_json(c.ptz, hide)}};
  // Unset (-1) means store.retain_days: left out, as in the file.
  if (c.retain_days >= 0)
    j["retain_days"] = c.retain_days;
  return j;
}

} // namespace

nlohmann::json config_to_json(const config& cfg, secrets shown) {
  bool hide = shown == secrets::hidden;
  auto cameras = nlohmann::json::array();
  for (auto& cam : cfg.cameras)
    cameras.push_back(camera_json(cam, hide));
  return {{"server", server_json(cfg.server)},
          {"logging", {{"level", cfg.log_level}, {"format", cfg.log_format}}},
          {"detector", detector_json(cfg.detector)},
          {"tracker", tracker_json(cfg.tracker)},
          {"session", session_json(cfg.session)},
          {"store", store_json(cfg.store)},
          {"frames", frames_json(cfg.frames)},
          {"relay", relay_json(cfg.relay)},
          {"auth", auth_json(cfg.auth, hide)},
          {"mqtt", mqtt_json(cfg.mqtt, hide)},
          {"cameras", std::move(cameras)}};
}

std::string redact_url_password(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos)
    return url;
  auto host_start = scheme + 3;
  auto authority_end = url.find_first_of("/?#", host_start);
  if (authority_end == std::string::npos)
    authority_end = url.size();
  auto at = url.rfind('@', authority_end);
  if (at == std::string::npos || at < host_start)
    return url;
  auto colon = url.find(':', host_start);
  if (colon == std::string::npos || colon > at)
    return url;
  return url.substr(0, colon + 1) + redaction_marker + url.substr(at);
}

const char* to_string(source_kind kind) {
  switch (kind) {
  case source_kind::synthetic:
    return "synthetic";
  case source_kind::file:
    return "file";
  case source_kind::rtsp:
    return "rtsp";
  }
  return "unknown";
}

const char* to_string(ptz_backend backend) {
  switch (backend) {
  case ptz_backend::none:
    return "none";
  case ptz_backend::sim:
    return "sim";
  case ptz_backend::onvif:
    return "onvif";
  }
  return "unknown";
}

caf::error apply_listen(config& cfg, const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return caf::make_error(ec::invalid_config,
                           "expected HOST:PORT, got '" + host_port + "'");
  auto port_text = host_port.substr(colon + 1);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size())
      port = -1;
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    return caf::make_error(ec::invalid_config,
                           "port must be 0..65535, got '" + port_text + "'");
  cfg.server.host = host_port.substr(0, colon);
  cfg.server.port = uint16_t(port);
  return caf::none;
}

config_check check_config(const std::string& yaml_text) {
  return check_yaml(yaml_text);
}

caf::expected<config> parse_config(const std::string& yaml_text) {
  auto checked = check_yaml(yaml_text);
  if (checked.cfg)
    return std::move(*checked.cfg);
  std::string all;
  for (auto& e : checked.errors)
    all += (all.empty() ? "" : "; ") + e;
  return caf::make_error(ec::invalid_config, all);
}

caf::expected<config> load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return caf::make_error(ec::invalid_config, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str());
}

} // namespace argus
