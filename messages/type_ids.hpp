// SPDX-License-Identifier: Apache-2.0
// The one type-ID block of argus: every message type and atom, in a fixed
// order. Appending is safe; reordering changes IDs across the middleman.
#pragma once

#include "messages/frame_types.hpp"
#include "messages/model_types.hpp"
#include "messages/ptz_types.hpp"
#include "messages/settings_types.hpp"
#include "messages/store_types.hpp"
#include "messages/types.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/type_id.hpp>
#include <memory>
#include <string>
#include <vector>

namespace argus {

/// Encoded wire text shared by every client a message fans out to.
using text_ptr = std::shared_ptr<const std::string>;

} // namespace argus

CAF_BEGIN_TYPE_ID_BLOCK(argus, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(argus, (argus::pixel_box))
  CAF_ADD_TYPE_ID(argus, (argus::norm_box))
  CAF_ADD_TYPE_ID(argus, (argus::truth_box))
  CAF_ADD_TYPE_ID(argus, (argus::detection))
  CAF_ADD_TYPE_ID(argus, (argus::detection_set))
  CAF_ADD_TYPE_ID(argus, (argus::track_state))
  CAF_ADD_TYPE_ID(argus, (argus::track_set))
  CAF_ADD_TYPE_ID(argus, (argus::tick_track))
  CAF_ADD_TYPE_ID(argus, (argus::ptz_telemetry))
  CAF_ADD_TYPE_ID(argus, (argus::metadata_tick))
  CAF_ADD_TYPE_ID(argus, (argus::track_summary))
  CAF_ADD_TYPE_ID(argus, (argus::track_event))
  CAF_ADD_TYPE_ID(argus, (argus::client_command))
  CAF_ADD_TYPE_ID(argus, (argus::command_reply))
  CAF_ADD_TYPE_ID(argus, (argus::camera_info))
  CAF_ADD_TYPE_ID(argus, (argus::session_info))
  CAF_ADD_TYPE_ID(argus, (argus::session_status))
  CAF_ADD_TYPE_ID(argus, (argus::camera_status))
  CAF_ADD_TYPE_ID(argus, (std::vector<argus::detection>))
  CAF_ADD_TYPE_ID(argus, (std::vector<argus::track_state>))
  CAF_ADD_TYPE_ID(argus, (std::vector<argus::camera_info>))
  CAF_ADD_TYPE_ID(argus, (argus::track_sample))
  CAF_ADD_TYPE_ID(argus, (argus::session_record))
  CAF_ADD_TYPE_ID(argus, (argus::store_update))
  CAF_ADD_TYPE_ID(argus, (argus::store_status))
  CAF_ADD_TYPE_ID(argus, (argus::track_query))
  CAF_ADD_TYPE_ID(argus, (argus::stored_sample))
  CAF_ADD_TYPE_ID(argus, (argus::stored_track))
  CAF_ADD_TYPE_ID(argus, (argus::track_page))
  CAF_ADD_TYPE_ID(argus, (argus::clip_source))
  CAF_ADD_TYPE_ID(argus, (argus::clip_info))
  CAF_ADD_TYPE_ID(argus, (argus::frame_key))
  CAF_ADD_TYPE_ID(argus, (argus::decode_report))
  CAF_ADD_TYPE_ID(argus, (argus::frame_command))
  CAF_ADD_TYPE_ID(argus, (std::vector<argus::clip_info>))
  CAF_ADD_TYPE_ID(argus, (argus::relay_status))
  CAF_ADD_TYPE_ID(argus, (std::vector<argus::relay_status>))
  CAF_ADD_TYPE_ID(argus, (argus::ptz_command))
  CAF_ADD_TYPE_ID(argus, (argus::ptz_pose))
  CAF_ADD_TYPE_ID(argus, (argus::ptz_observation))
  CAF_ADD_TYPE_ID(argus, (argus::ptz_status))
  CAF_ADD_TYPE_ID(argus, (argus::ptz_command_record))
  CAF_ADD_TYPE_ID(argus, (argus::ptz_command_query))
  CAF_ADD_TYPE_ID(argus, (argus::ptz_command_page))
  CAF_ADD_TYPE_ID(argus, (argus::mqtt_message))
  CAF_ADD_TYPE_ID(argus, (argus::mqtt_link))
  CAF_ADD_TYPE_ID(argus, (argus::settings_request))
  CAF_ADD_TYPE_ID(argus, (argus::settings_outcome))
  CAF_ADD_TYPE_ID(argus, (argus::config_ptr))
  CAF_ADD_TYPE_ID(argus, (argus::model_info))
  CAF_ADD_TYPE_ID(argus, (std::vector<argus::model_info>))
  CAF_ADD_TYPE_ID(argus, (argus::model_spec))
  CAF_ADD_TYPE_ID(argus, (argus::model_upload))
  CAF_ADD_TYPE_ID(argus, (argus::shadow_report))

  CAF_ADD_ATOM(argus, argus::atom, subscribe, "subscribe")
  CAF_ADD_ATOM(argus, argus::atom, unsubscribe, "unsubscrib")
  CAF_ADD_ATOM(argus, argus::atom, status, "status")
  CAF_ADD_ATOM(argus, argus::atom, next, "next")
  CAF_ADD_ATOM(argus, argus::atom, tick, "tick")
  CAF_ADD_ATOM(argus, argus::atom, event, "event")
  CAF_ADD_ATOM(argus, argus::atom, reply, "reply")
  CAF_ADD_ATOM(argus, argus::atom, written, "written")
  CAF_ADD_ATOM(argus, argus::atom, closed, "closed")
  CAF_ADD_ATOM(argus, argus::atom, close, "close")
  CAF_ADD_ATOM(argus, argus::atom, evicted, "evicted")
  CAF_ADD_ATOM(argus, argus::atom, list, "list")
  CAF_ADD_ATOM(argus, argus::atom, create, "create")
  CAF_ADD_ATOM(argus, argus::atom, get, "get")
  CAF_ADD_ATOM(argus, argus::atom, remove, "remove")
  CAF_ADD_ATOM(argus, argus::atom, ready, "ready")
  CAF_ADD_ATOM(argus, argus::atom, flush, "flush")
  CAF_ADD_ATOM(argus, argus::atom, expire, "expire")
  CAF_ADD_ATOM(argus, argus::atom, retain, "retain")
  CAF_ADD_ATOM(argus, argus::atom, query, "query")
  CAF_ADD_ATOM(argus, argus::atom, open, "open")
  CAF_ADD_ATOM(argus, argus::atom, load, "load")
  CAF_ADD_ATOM(argus, argus::atom, prefetch, "prefetch")
  CAF_ADD_ATOM(argus, argus::atom, index, "index")
  CAF_ADD_ATOM(argus, argus::atom, watch, "watch")
  CAF_ADD_ATOM(argus, argus::atom, reinit, "reinit")
  CAF_ADD_ATOM(argus, argus::atom, latest, "latest")
  CAF_ADD_ATOM(argus, argus::atom, idle, "idle")
  CAF_ADD_ATOM(argus, argus::atom, join, "join")
  CAF_ADD_ATOM(argus, argus::atom, leave, "leave")
  CAF_ADD_ATOM(argus, argus::atom, replace, "replace")
  CAF_ADD_ATOM(argus, argus::atom, shutdown, "shutdown")
  CAF_ADD_ATOM(argus, argus::atom, stage, "stage")
  CAF_ADD_ATOM(argus, argus::atom, enable, "enable")
  CAF_ADD_ATOM(argus, argus::atom, home, "home")
  CAF_ADD_ATOM(argus, argus::atom, poll, "poll")
  CAF_ADD_ATOM(argus, argus::atom, publish, "publish")
  CAF_ADD_ATOM(argus, argus::atom, configure, "configure")
  CAF_ADD_ATOM(argus, argus::atom, activate, "activate")
  CAF_ADD_ATOM(argus, argus::atom, shadow, "shadow")
  CAF_ADD_ATOM(argus, argus::atom, reset, "reset")

CAF_END_TYPE_ID_BLOCK(argus)

// Decoded frames and pre-encoded wire text are shared immutable buffers
// between local actors. Serializing them is undefined behaviour, so no
// interface carrying them may ever be published through the middleman.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(argus::frame_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(argus::text_ptr)
// A configuration shared by the SETTINGS actor: local only.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(argus::config_ptr)
// Frame-server payloads hold shared immutable buffers (indexes, chunk and
// JPEG bytes): local only, like frames.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(argus::clip_index_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(argus::encoded_frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(argus::decode_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(argus::relay_frame)
