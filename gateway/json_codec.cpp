// SPDX-License-Identifier: Apache-2.0
#include "gateway/json_codec.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace argus {

using nlohmann::json;

namespace {

json box_json(const norm_box& b) {
  return {{"x", b.x}, {"y", b.y}, {"w", b.w}, {"h", b.h}};
}

json id_or_null(int64_t v) {
  return v == none_id ? json(nullptr) : json(v);
}

json summary_json(const std::string& camera_id, const track_summary& s) {
  return {{"track_id", camera_id + "/" + std::to_string(s.id)},
          {"id", s.id},
          {"label", s.label},
          {"top_conf", s.top_conf},
          {"confirmed", s.confirmed},
          {"start_ts_unix_ms", s.start_ts_unix_ms},
          {"end_ts_unix_ms", id_or_null(s.end_ts_unix_ms)},
          {"zones", s.zones},
          {"best_bbox", box_json(s.best_bbox)}};
}

client_command invalid(const char* code, std::string detail) {
  client_command c;
  c.kind = client_command::invalid;
  c.error = code;
  c.detail = std::move(detail);
  return c;
}

} // namespace

text_ptr share(const json& j) {
  return std::make_shared<const std::string>(dump_json(j));
}

json to_json(const metadata_tick& x, wire_extensions ext) {
  json tracks = json::array();
  for (auto& t : x.tracks)
    tracks.push_back({{"id", t.id},
                      {"label", t.label},
                      {"conf", t.conf},
                      {"bbox", box_json(t.bbox)}});
  json j{{"schema", metadata_schema},
         {"type", "metadata_tick"},
         {"session_id", x.session_id},
         {"camera_id", x.camera_id},
         {"ts_unix_ms", x.ts_unix_ms},
         {"ts_mono_ms", x.ts_mono_ms},
         {"frame_index", x.frame_index},
         {"space", "source"},
         {"frame_size", {{"w", x.frame_w}, {"h", x.frame_h}}},
         {"selected_target_id", id_or_null(x.selected_target_id)},
         {"tracking_phase", x.tracking_phase},
         {"tracks", std::move(tracks)}};
  // Strict clients know only these modes; any other (argus' "none" for a
  // camera without PTZ) means there is no PTZ block to report.
  auto& mode = x.ptz.control_mode;
  if (mode == "onvif" || mode == "octagon" || mode == "sim")
    j["ptz"]
        = {{"control_mode", mode},
           {"active", x.ptz.active},
           {"cmd",
            {{"pan", x.ptz.pan}, {"tilt", x.ptz.tilt}, {"zoom", x.ptz.zoom}}}};
  if (ext & wire_ext::timing)
    j["published_unix_ms"] = static_cast<double>(x.published_unix_us) / 1000.0;
  return j;
}

json to_json(const track_event& x) {
  return {{"schema", metadata_schema},
          {"type", "track_event"},
          {"event", x.event},
          {"session_id", x.session_id},
          {"camera_id", x.camera_id},
          {"ts_unix_ms", x.ts_unix_ms},
          {"before",
           x.has_before ? summary_json(x.camera_id, x.before) : json(nullptr)},
          {"after", summary_json(x.camera_id, x.after)}};
}

json to_json(const command_reply& x) {
  // Exactly the forms of GUIDE §3: errors never name the command (replies
  // come in command order, which is what ties them together).
  if (!x.ok)
    return {{"type", "error"}, {"error", x.error}, {"detail", x.detail}};
  json j{{"type", "ack"}, {"command", x.command}};
  if (x.command == "set_target_id")
    j["target_id"] = x.target_id;
  return j;
}

json to_json(const session_status& x) {
  return {{"session_id", x.session_id},
          {"camera_id", x.camera_id},
          {"running", x.running},
          {"fps", x.fps},
          {"processing_latency_ms",
           {{"p50", x.latency_p50_ms}, {"p99", x.latency_p99_ms}}},
          {"detect_ms_p50", x.detect_p50_ms},
          {"frames_processed", x.frames_processed},
          {"frames_dropped", x.frames_dropped},
          {"last_frame_ts_unix_ms", id_or_null(x.last_frame_ts_unix_ms)},
          {"selected_target_id", id_or_null(x.selected_target_id)},
          {"tracking_phase", x.tracking_phase},
          {"active_tracks", x.active_tracks},
          {"clients", x.clients},
          {"clients_closed_slow", x.clients_closed_slow},
          {"events_published", x.events_published},
          {"camera_state", x.camera_state},
          {"last_error",
           x.last_error.empty() ? json(nullptr) : json(x.last_error)}};
}

json session_stats_json(const session_status& x, int64_t ts_unix_ms) {
  // The names of GET /stats' per-camera entry, so one dashboard reads both.
  return {{"type", "stats"},
          {"session_id", x.session_id},
          {"camera_id", x.camera_id},
          {"ts_unix_ms", ts_unix_ms},
          {"fps", x.fps},
          {"detection_latency_p50_ms", x.detect_p50_ms},
          {"latency_p50_ms", x.latency_p50_ms},
          {"latency_p99_ms", x.latency_p99_ms},
          {"frames_processed", x.frames_processed},
          {"frames_dropped", x.frames_dropped},
          {"active_tracks", x.active_tracks},
          {"clients", x.clients},
          {"tracking_phase", x.tracking_phase}};
}

json to_json(const camera_info& x) {
  return {{"camera_id", x.camera_id},
          {"source", x.source},
          {"width", x.width},
          {"height", x.height},
          {"fps", x.fps},
          {"session_id",
           x.session_id.empty() ? json(nullptr) : json(x.session_id)}};
}

client_command parse_command(const std::string& text) {
  auto j = json::parse(text, nullptr, /*allow_exceptions*/ false);
  if (j.is_discarded())
    return invalid("invalid_json", "message is not valid JSON");
  if (!j.is_object())
    return invalid("invalid_command", "command must be a JSON object");
  auto type = j.find("type");
  if (type == j.end() || !type->is_string())
    return invalid("invalid_command", "command needs a string 'type'");
  auto name = type->get<std::string>();
  client_command cmd;
  if (name == "clear_target") {
    cmd.kind = client_command::clear_target;
    return cmd;
  }
  if (name != "set_target_id")
    return invalid("unknown_command", "unknown command type '" + name + "'");
  auto id = j.find("target_id");
  if (id == j.end() || !(id->is_number_integer() || id->is_number_unsigned()))
    return invalid("target_id_must_be_int",
                   "set_target_id needs an integer 'target_id'");
  if (id->is_number_unsigned() && id->get<uint64_t>() > uint64_t(INT64_MAX))
    return invalid("target_id_must_be_int", "target_id out of range");
  cmd.kind = client_command::set_target;
  cmd.target_id = id->get<int64_t>();
  return cmd;
}

bool parse_extensions(const std::string& names, wire_extensions& out,
                      std::string& error) {
  static constexpr std::pair<const char*, wire_extensions> known[] = {
      {"timing", wire_ext::timing},
      {"stats", wire_ext::stats},
  };
  size_t begin = 0;
  while (true) {
    auto end = names.find(',', begin);
    auto name
        = names.substr(begin, end == std::string::npos ? end : end - begin);
    auto it = std::find_if(std::begin(known), std::end(known),
                           [&](const auto& k) { return name == k.first; });
    if (it == std::end(known)) {
      std::string list;
      for (auto& k : known)
        list += (list.empty() ? "" : ", ") + std::string(k.first);
      error = "unknown extension '" + quote_prefix(name, 64)
              + "' in ext (known: " + list + ")";
      return false;
    }
    out |= it->second;
    if (end == std::string::npos)
      return true;
    begin = end + 1;
  }
}

text_ptr json_wire_codec::encode(const metadata_tick& x,
                                 wire_extensions ext) const {
  return share(to_json(x, ext));
}

text_ptr json_wire_codec::encode(const track_event& x) const {
  return share(to_json(x));
}

text_ptr json_wire_codec::encode(const command_reply& x) const {
  return share(to_json(x));
}

json settings_outcome_json(const settings_outcome& out, bool dry_run) {
  json j{{"changed", out.changed},
         {"applied", out.applied},
         {"restart_required", out.restart_required}};
  if (dry_run) {
    j["valid"] = out.errors.empty();
    j["errors"] = out.errors;
  } else {
    j["persisted"] = out.persisted;
    if (out.persisted) {
      j["path"] = out.path;
      j["backup"] = out.backup.empty() ? json() : json(out.backup);
    }
  }
  return j;
}

json settings_error_json(const settings_outcome& out) {
  std::string detail;
  for (auto& e : out.errors)
    detail += (detail.empty() ? "" : "; ") + e;
  return {
      {"error", "invalid_config"}, {"detail", detail}, {"errors", out.errors}};
}

text_ptr json_wire_codec::encode_stats(const session_status& x,
                                       int64_t ts_unix_ms) const {
  return share(session_stats_json(x, ts_unix_ms));
}

std::string error_body(const std::string& code, const std::string& detail) {
  return dump_json(json{{"error", code}, {"detail", detail}});
}

json to_json(const stored_track& x) {
  json j{{"track_id", x.track_id},
         {"session_id", x.session_id},
         {"camera_id", x.camera_id},
         {"label", x.label},
         {"start_ts_unix_ms", x.start_ts_unix_ms},
         {"end_ts_unix_ms", id_or_null(x.end_ts_unix_ms)},
         {"in_progress", x.end_ts_unix_ms == none_id},
         {"top_score", x.top_score},
         {"best_bbox", box_json(x.best_bbox)},
         {"confirmed", x.confirmed},
         {"selected_as_target", x.selected},
         {"retain_indefinitely", x.retained},
         {"interrupted", x.interrupted},
         {"zones", x.zones},
         {"sample_count", x.sample_count}};
  return j;
}

json to_json(const track_page& x) {
  json tracks = json::array();
  for (auto& t : x.tracks)
    tracks.push_back(to_json(t));
  return {{"tracks", std::move(tracks)},
          {"next_cursor",
           x.next_cursor.empty() ? json(nullptr) : json(x.next_cursor)}};
}

json samples_json(const std::vector<stored_sample>& samples) {
  json out = json::array();
  for (auto& s : samples)
    out.push_back({{"ts_unix_ms", s.ts_unix_ms},
                   {"bbox", box_json(s.bbox)},
                   {"conf", s.conf},
                   {"velocity", {{"vx", s.vx}, {"vy", s.vy}}}});
  return out;
}

json to_json(const store_status& x) {
  return {{"state", to_string(x.state)},
          {"path", x.path},
          {"detail", x.detail},
          {"events_written", x.events_written},
          {"samples_written", x.samples_written},
          {"samples_shed", x.samples_shed},
          {"batches_committed", x.batches_committed},
          {"pending_events", x.pending_events},
          {"pending_samples", x.pending_samples},
          {"rows_expired", x.rows_expired},
          {"last_commit_unix_ms", id_or_null(x.last_commit_unix_ms)},
          {"interrupted_at_start", x.interrupted_at_start},
          {"thread_cpu_ms", x.thread_cpu_ms},
          {"ptz_commands_written", x.ptz_commands_written},
          {"ptz_commands_shed", x.ptz_commands_shed},
          {"ptz_commands_expired", x.ptz_commands_expired},
          {"write_errors", x.write_errors}};
}

} // namespace argus
