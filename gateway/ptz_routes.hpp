// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"

#include <nlohmann/json.hpp>

namespace argus {

/// The `ptz` object of GET /cameras/{camera_id}.
nlohmann::json ptz_status_json(const ptz_status& st);

/// A command's kind and reason, with its velocity (move) or preset.
nlohmann::json ptz_command_json(const ptz_command& cmd);

/// One page of GET /ptz/commands (schemas/ptz_command_page.schema.json).
nlohmann::json ptz_command_page_json(const ptz_command_page& page);

/// Answers 200 with `camera` plus, for a PTZ camera, its controller's
/// state as `ptz` (GET /cameras/{camera_id}).
void reply_with_ptz(const std::shared_ptr<gateway_context>& ctx,
                    const std::string& camera_id, const deferred_reply& reply,
                    nlohmann::json camera);

/// POST /cameras/{camera_id}/ptz/autotrack {"enabled": bool}.
void post_camera_ptz_autotrack(const route_call& call);
/// POST /cameras/{camera_id}/ptz/home: to the return preset, or home.
void post_camera_ptz_home(const route_call& call);

} // namespace argus
