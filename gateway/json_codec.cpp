// SPDX-License-Identifier: Apache-2.0
#include "gateway/json_codec.hpp"

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
  return std::make_shared<const std::string>(j.dump());
}

json to_json(const metadata_tick& x) {
  json tracks = json::array();
  for (auto& t : x.tracks)
    tracks.push_back({{"id", t.id},
                      {"label", t.label},
                      {"conf", t.conf},
                      {"bbox", box_json(t.bbox)}});
  return {
      {"schema", metadata_schema},
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
      {"ptz",
       {{"control_mode", x.ptz.control_mode},
        {"active", x.ptz.active},
        {"cmd",
         {{"pan", x.ptz.pan}, {"tilt", x.ptz.tilt}, {"zoom", x.ptz.zoom}}}}},
      {"tracks", std::move(tracks)},
      {"published_unix_ms", static_cast<double>(x.published_unix_us) / 1000.0}};
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
  if (!x.ok) {
    json j{{"type", "error"}, {"error", x.error}};
    if (!x.detail.empty())
      j["detail"] = x.detail;
    if (!x.command.empty())
      j["command"] = x.command;
    return j;
  }
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

text_ptr json_wire_codec::encode(const metadata_tick& x) const {
  return share(to_json(x));
}

text_ptr json_wire_codec::encode(const track_event& x) const {
  return share(to_json(x));
}

text_ptr json_wire_codec::encode(const command_reply& x) const {
  return share(to_json(x));
}

std::string error_body(const std::string& code, const std::string& detail) {
  return json{{"error", code}, {"detail", detail}}.dump();
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
  return {{"state", x.state},
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
          {"thread_cpu_ms", x.thread_cpu_ms}};
}

} // namespace argus
