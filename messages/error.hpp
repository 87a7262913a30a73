// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <cstdint>
#include <string>

namespace argus {

/// Every error argus reports. Actors return these inside caf::error; only the
/// gateway maps them to HTTP statuses and WebSocket error codes.
enum class ec : uint8_t {
  /// Not an error.
  no_error = 0,
  /// The camera id is not configured.
  unknown_camera,
  /// The session id does not name a running session.
  unknown_session,
  /// set_target_id named no active track.
  unknown_target,
  /// A request parameter is malformed or out of range.
  invalid_argument,
  /// The configuration is invalid.
  invalid_config,
  /// A video source could not be opened or stopped delivering frames.
  source_failed,
  /// The detection model could not be loaded or run.
  model_failed,
  /// The server is shutting down and accepts no new work.
  shutting_down,
  /// The track id names no stored track.
  unknown_track,
  /// The track history database cannot be read or written right now.
  store_unavailable,
  /// The clip id names no registered clip.
  unknown_clip,
  /// The clip id is registered with a different URI.
  clip_conflict,
  /// No IRAP or frame of the clip starts at the requested byte offset, or
  /// the frame is not in that IRAP's chunk.
  unknown_frame,
  /// The stored object does not exist (S3 404, missing file).
  source_not_found,
  /// The object store refused access (S3 403, file permissions).
  source_denied,
  /// The object store did not answer in time, refused the connection or
  /// failed (5xx).
  source_unavailable,
  /// The clip is not H.265 in a supported container or pixel format.
  unsupported_clip,
  /// The bitstream could not be decoded into the requested frame.
  decode_failed,
  /// The camera's source is down; the camera retries with backoff.
  camera_disconnected,
  /// The camera has produced no frame yet (connecting, or idle and the
  /// snapshot wait ran out).
  no_frame,
  /// A bug: an exception escaped a handler. The request (or the actor)
  /// failed; the process keeps serving.
  internal_error,
  /// Client text (a path, a query, a body) is not valid UTF-8.
  invalid_utf8,
  /// The camera has no PTZ controller (cameras[].ptz.backend is none).
  no_ptz,
  /// The PTZ device could not be reached, refused a command (a SOAP fault,
  /// an HTTP error) or answered something argus cannot read.
  ptz_device_failed,
  /// The settings could not be written to the config file (full disk,
  /// permissions); the file is as it was.
  persist_failed,
  /// argus runs without a config file: nothing to persist or reload.
  no_config_file,
  /// The caller's role may not do this (writing secrets needs admin).
  forbidden,
  /// The model name names no model of the catalog (detector.models_dir).
  unknown_model,
  /// An upload would replace a model that exists already.
  model_exists,
  /// The model is active (or the shadow candidate) and cannot be deleted.
  model_active,
  /// The PTZ device answered a command of an established session with a
  /// refusal (a SOAP fault, an HTTP error status): it is reachable, the
  /// command failed.
  ptz_command_refused,
  /// Sentinel: number of codes.
  ec_count,
};

/// The code's stable snake_case name (used on the wire).
const char* to_string(ec code);

/// The atom under which argus registers its error category with CAF.
caf::atom_value error_category();

/// Renders an argus error for logs: "unknown_camera: cam_9".
std::string render(const caf::error& err);

/// The stable wire code of any error: an argus code's name, "timeout" for
/// a request that timed out, else "internal_error" (REST and WebSocket).
std::string wire_code(const caf::error& err);

/// Extracts the human-readable context string of an argus error.
std::string error_detail(const caf::error& err);

} // namespace argus

CAF_ERROR_CODE_ENUM(argus::ec, "argus")
