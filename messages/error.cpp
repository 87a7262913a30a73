// SPDX-License-Identifier: Apache-2.0
#include "messages/error.hpp"

#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace argus {

const char* to_string(ec code) {
  switch (code) {
  case ec::no_error:
    return "no_error";
  case ec::unknown_camera:
    return "unknown_camera";
  case ec::unknown_session:
    return "unknown_session";
  case ec::unknown_target:
    return "unknown_target";
  case ec::invalid_argument:
    return "invalid_argument";
  case ec::invalid_config:
    return "invalid_config";
  case ec::source_failed:
    return "source_failed";
  case ec::model_failed:
    return "model_failed";
  case ec::shutting_down:
    return "shutting_down";
  case ec::unknown_track:
    return "unknown_track";
  case ec::store_unavailable:
    return "store_unavailable";
  case ec::unknown_clip:
    return "unknown_clip";
  case ec::clip_conflict:
    return "clip_conflict";
  case ec::unknown_frame:
    return "unknown_frame";
  case ec::source_not_found:
    return "source_not_found";
  case ec::source_denied:
    return "source_denied";
  case ec::source_unavailable:
    return "source_unavailable";
  case ec::unsupported_clip:
    return "unsupported_clip";
  case ec::decode_failed:
    return "decode_failed";
  case ec::camera_disconnected:
    return "camera_disconnected";
  case ec::no_frame:
    return "no_frame";
  case ec::internal_error:
    return "internal_error";
  case ec::invalid_utf8:
    return "invalid_utf8";
  case ec::no_ptz:
    return "no_ptz";
  case ec::ptz_device_failed:
    return "ptz_device_failed";
  case ec::persist_failed:
    return "persist_failed";
  case ec::no_config_file:
    return "no_config_file";
  case ec::forbidden:
    return "forbidden";
  case ec::unknown_model:
    return "unknown_model";
  case ec::model_exists:
    return "model_exists";
  case ec::ptz_command_refused:
    return "ptz_command_refused";
  case ec::model_active:
    return "model_active";
  case ec::ec_count:
    break;
  }
  return "unknown_error";
}

caf::atom_value error_category() {
  return caf::atom("argus");
}

std::string error_detail(const caf::error& err) {
  const auto& ctx = err.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0))
    return ctx.get_as<std::string>(0);
  return ctx.empty() ? std::string{} : to_string(ctx);
}

std::string wire_code(const caf::error& err) {
  if (err.category() == error_category())
    return to_string(static_cast<ec>(err.code()));
  if (err == caf::sec::request_timeout)
    return "timeout";
  return "internal_error";
}

std::string render(const caf::error& err) {
  if (!err)
    return "no error";
  std::string name;
  if (err.category() == error_category())
    name = to_string(static_cast<ec>(err.code()));
  else if (err.category() == caf::atom("system"))
    name = caf::to_string(static_cast<caf::sec>(err.code()));
  else
    name = caf::to_string(err);
  auto detail = error_detail(err);
  return detail.empty() ? name : name + ": " + detail;
}

} // namespace argus
