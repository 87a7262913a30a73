// SPDX-License-Identifier: Apache-2.0
// The only place argus turns its typed messages into JSON and back.
#pragma once

#include "actors/wire.hpp"
#include "messages/settings_types.hpp"
#include "messages/types.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace argus {

/// Schema name of the seed-001 contract.
inline constexpr const char* metadata_schema = "drone-ptz-metadata/1";

/// A tick exactly as seed 001's contract names it, plus what `ext` opts
/// into (wire_ext::timing: `published_unix_ms`). The `ptz` block is left
/// out when the camera has no PTZ controller: the contract's control_mode
/// is one of onvif/octagon/sim and the block is optional.
nlohmann::json to_json(const metadata_tick& x, wire_extensions ext = 0);
nlohmann::json to_json(const track_event& x);
nlohmann::json to_json(const command_reply& x);
nlohmann::json to_json(const session_status& x);
nlohmann::json to_json(const camera_info& x);

/// Wire text shared by every receiver (encoded once).
text_ptr share(const nlohmann::json& j);
nlohmann::json to_json(const stored_track& x);
nlohmann::json to_json(const track_page& x);
nlohmann::json to_json(const store_status& x);
/// The samples of GET /tracks/{id}.
nlohmann::json samples_json(const std::vector<stored_sample>& samples);

/// Parses one client WebSocket message. Never throws: malformed input comes
/// back as kind == invalid with the error code for the reply
/// (invalid_json, invalid_command, unknown_command, target_id_must_be_int).
client_command parse_command(const std::string& text);

/// Adds the extensions named in one `ext` query value (comma-separated,
/// e.g. "timing") to `out`. @returns false with `error` naming the first
/// unknown name and the known ones.
bool parse_extensions(const std::string& names, wire_extensions& out,
                      std::string& error);

/// The JSON wire codec the actors use through wire_codec.
class json_wire_codec : public wire_codec {
public:
  text_ptr encode(const metadata_tick& x, wire_extensions ext) const override;
  text_ptr encode(const track_event& x) const override;
  text_ptr encode(const command_reply& x) const override;
  text_ptr encode_stats(const session_status& x,
                        int64_t ts_unix_ms) const override;
};

/// The `stats` extension message (schemas/session_stats.schema.json).
nlohmann::json session_stats_json(const session_status& x, int64_t ts_unix_ms);

/// A REST error body: {"error": code, "detail": detail}.
std::string error_body(const std::string& code, const std::string& detail);

/// PATCH /settings, persist and reload: {changed, applied,
/// restart_required, persisted[, path, backup]}; a dry run (validate):
/// {valid, errors, changed, applied, restart_required}.
nlohmann::json settings_outcome_json(const settings_outcome& out, bool dry_run);

/// A refused change: 400 {error: "invalid_config", detail, errors}.
nlohmann::json settings_error_json(const settings_outcome& out);

} // namespace argus
