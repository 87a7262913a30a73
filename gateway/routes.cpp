// SPDX-License-Identifier: Apache-2.0
#include "gateway/routes.hpp"

#include "gateway/camera_routes.hpp"
#include "gateway/frame_routes.hpp"
#include "gateway/metrics_routes.hpp"
#include "gateway/model_routes.hpp"
#include "gateway/ptz_routes.hpp"
#include "gateway/service_routes.hpp"
#include "gateway/session_routes.hpp"
#include "gateway/settings_routes.hpp"
#include "gateway/track_routes.hpp"

#include <algorithm>

namespace argus {

namespace {

using verb = http::verb;

std::vector<api_route> make_route_table() {
  auto websocket = [](std::string_view pattern, ws_endpoint_kind kind) {
    return api_route{pattern, {{verb::get, role::viewer, nullptr}}, kind};
  };
  // Order matters only where two patterns can match one path: the
  // retain route comes before the track it ends in.
  return {
      {"/healthz",
       {{verb::get, role::none, get_healthz},
        {verb::head, role::none, get_healthz}}},
      {"/readyz", {{verb::get, role::none, get_readyz}}},
      {"/config", {{verb::get, role::admin, get_config}}},
      {"/settings",
       {{verb::get, role::controller, get_settings},
        {verb::patch, role::controller, patch_settings}}},
      {"/settings/validate",
       {{verb::post, role::controller, post_settings_validate}}},
      {"/settings/persist",
       {{verb::post, role::controller, post_settings_persist}}},
      {"/settings/reload",
       {{verb::post, role::controller, post_settings_reload}}},
      {"/settings/{section}",
       {{verb::get, role::controller, get_settings_section},
        {verb::patch, role::controller, patch_settings}}},
      {"/metrics", {{verb::get, role::viewer, get_metrics}}},
      {"/stats", {{verb::get, role::viewer, get_stats}}},
      {"/cameras", {{verb::get, role::viewer, get_cameras}}},
      {"/cameras/{camera_id}", {{verb::get, role::viewer, get_camera}}},
      {"/cameras/{camera_id}/latest.jpg",
       {{verb::get, role::viewer, get_camera_latest_jpeg}}},
      {"/cameras/{camera_id}/reinit",
       {{verb::post, role::controller, post_camera_reinit}}},
      {"/cameras/{camera_id}/ptz/autotrack",
       {{verb::post, role::controller, post_camera_ptz_autotrack}}},
      {"/cameras/{camera_id}/ptz/home",
       {{verb::post, role::controller, post_camera_ptz_home}}},
      {"/sessions", {{verb::post, role::controller, post_sessions}}},
      {"/sessions/{session_id}",
       {{verb::get, role::viewer, get_session},
        {verb::delete_, role::controller, delete_session}}},
      {"/sessions/{session_id}/tracks",
       {{verb::get, role::viewer, get_session_tracks}}},
      {"/tracks", {{verb::get, role::viewer, get_tracks}}},
      {"/tracks/{track_id+}/retain",
       {{verb::post, role::controller, post_track_retain}}},
      {"/tracks/{track_id+}",
       {{verb::get, role::viewer, get_track},
        {verb::delete_, role::controller, delete_track}}},
      {"/store", {{verb::get, role::viewer, get_store}}},
      {"/ptz/commands", {{verb::get, role::viewer, get_ptz_commands}}},
      {"/clips",
       {{verb::get, role::viewer, get_clips},
        {verb::post, role::controller, post_clips}}},
      {"/clips/{clip_id}", {{verb::get, role::viewer, get_clip}}},
      {"/clips/{clip_id}/index", {{verb::get, role::viewer, get_clip_index}}},
      {"/clips/{clip_id}/frame", {{verb::get, role::viewer, get_clip_frame}}},
      {"/models", {{verb::get, role::viewer, get_models}}},
      {"/models/upload", {{verb::post, model_upload_role, post_model_upload}}},
      {"/models/{name}",
       {{verb::get, role::viewer, get_model},
        {verb::delete_, role::controller, delete_model}}},
      {"/models/{name}/activate",
       {{verb::post, role::controller, post_model_activate}}},
      {"/models/{name}/shadow",
       {{verb::get, role::viewer, get_model_shadow},
        {verb::post, role::controller, post_model_shadow},
        {verb::delete_, role::controller, delete_model_shadow}}},
      websocket("/ws/sessions/{session_id}", ws_endpoint_kind::session),
      websocket("/ws/cameras/{camera_id}", ws_endpoint_kind::camera_viewer),
      websocket("/ws/frames", ws_endpoint_kind::frames),
  };
}

} // namespace

const route_operation* api_route::find(http::verb method) const {
  for (auto& op : operations)
    if (op.method == method)
      return &op;
  return nullptr;
}

std::string api_route::allow() const {
  std::string out;
  for (auto& op : operations)
    out += (out.empty() ? "" : ", ") + std::string(http::to_string(op.method));
  return out;
}

role api_route::lowest_role() const {
  auto lowest = role::admin;
  for (auto& op : operations)
    lowest = std::min(lowest, op.needs);
  return lowest;
}

const std::vector<api_route>& route_table() {
  static const auto table = make_route_table();
  return table;
}

const api_route* match_route(const path_segments& path, route_params& params) {
  for (auto& r : route_table())
    if (match_route_pattern(r.pattern, path, params))
      return &r;
  return nullptr;
}

} // namespace argus
