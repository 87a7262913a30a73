// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/onvif_client.hpp"

#include "messages/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace argus::onvif {

namespace {

caf::error failure(const std::string& text) {
  return caf::make_error(ec::ptz_device_failed, text);
}

/// The device answered and said no. Once connected, that is the command's
/// failure, not the link's; while connecting, the session failed.
caf::error refusal(bool connected, const std::string& text) {
  return caf::make_error(
      connected ? ec::ptz_command_refused : ec::ptz_device_failed, text);
}

/// The configured address's device service: a bare http://host[:port]
/// gets ONVIF's well-known path.
std::string device_service(const std::string& address) {
  auto scheme = address.find("://");
  auto path = address.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos || path + 1 == address.size())
    return address.substr(0, path) + "/onvif/device_service";
  return address;
}

std::string tokens_of(const std::vector<profile>& profiles) {
  std::string out;
  for (auto& p : profiles)
    out += (out.empty() ? "" : ", ") + p.token;
  return out.empty() ? "none" : out;
}

} // namespace

client::client(onvif_config cfg, client_io io)
    : cfg_(std::move(cfg)), io_(std::move(io)) {}

double client::to_device(double v, const range& r) {
  v = std::clamp(std::isfinite(v) ? v : 0.0, -1.0, 1.0);
  // Generic spaces are symmetric; a device's own range may not be, so each
  // sign maps onto its side of zero (and zero stays zero).
  return v >= 0 ? v * std::max(r.max, 0.0) : -v * std::min(r.min, 0.0);
}

double client::from_device(double v, const range& r, bool unit) {
  double span = r.max - r.min;
  double u = span > 0 ? (v - r.min) / span : 0.5;
  u = std::clamp(u, 0.0, 1.0);
  return unit ? u : 2 * u - 1;
}

caf::expected<std::string> client::call(const std::string& url,
                                        const std::string& op,
                                        const std::string& body, bool sign) {
  credentials who;
  if (sign)
    who = {cfg_.username, cfg_.password};
  auto request
      = envelope(body, who, io_.nonce(), io_.unix_now_ms() + clock_offset_ms_);
  last_fault_.reset();
  auto reply = io_.post(url, action_uri(op), request);
  if (!reply.error.empty()) {
    lost_connection_ = true;
    connected_ = false;
    return failure(
        fmt::format("{}: no answer from {} ({})", op, url, reply.error));
  }
  if (auto f = find_fault(reply.body)) {
    last_fault_ = f;
    auto text = fmt::format("{}: {}", op, describe(*f));
    if (f->subcode.find("NotAuthorized") != std::string::npos)
      text += " (check ptz.onvif.username and password)";
    return refusal(connected_, text);
  }
  if (reply.status == 401 || reply.status == 403)
    return refusal(connected_,
                   fmt::format("{}: HTTP {} from {} (check ptz.onvif.username "
                               "and password)",
                               op, reply.status, url));
  if (reply.status < 200 || reply.status >= 300)
    return refusal(connected_,
                   fmt::format("{}: HTTP {} from {}", op, reply.status, url));
  return std::move(reply.body);
}

caf::error client::connect() {
  connected_ = false;
  lost_connection_ = false;
  presets_read_ = false;
  auto device = device_service(cfg_.address);
  // The digest's Created must be on the device's clock, which may be far
  // off ours; GetSystemDateAndTime answers without credentials.
  clock_offset_ms_ = 0;
  auto clock = call(device, "GetSystemDateAndTime",
                    request::get_system_date_and_time(), false);
  if (!clock && lost_connection_)
    return std::move(clock.error());
  if (clock)
    if (auto device_ms = parse_system_date_and_time(*clock))
      clock_offset_ms_ = *device_ms - io_.unix_now_ms();
  if (auto err = find_services())
    return err;
  if (auto err = choose_profile())
    return err;
  options_ = {};
  if (!ptz_configuration_.empty()) {
    auto opts = call(ptz_url_, "GetConfigurationOptions",
                     request::get_configuration_options(ptz_configuration_));
    if (!opts && lost_connection_)
      return std::move(opts.error());
    // A device that cannot describe its ranges gets the generic ones.
    if (opts)
      if (auto parsed = parse_configuration_options(*opts))
        options_ = *parsed;
  }
  connected_ = true;
  auto pose = read_status();
  if (!pose && lost_connection_)
    return std::move(pose.error());
  return {};
}

caf::error client::find_services() {
  auto device = device_service(cfg_.address);
  services found;
  auto caps = call(device, "GetCapabilities", request::get_capabilities());
  if (!caps && lost_connection_)
    return std::move(caps.error());
  if (caps) {
    auto parsed = parse_capabilities(*caps);
    if (!parsed)
      return std::move(parsed.error());
    found = *parsed;
  }
  if (found.ptz.empty()) {
    // ONVIF 2.x devices may only answer GetServices.
    auto list = call(device, "GetServices", request::get_services());
    if (!list)
      return caps ? failure("GetCapabilities names no PTZ service")
                  : std::move(caps.error());
    auto parsed = parse_services(*list);
    if (!parsed)
      return std::move(parsed.error());
    found = *parsed;
  }
  if (found.ptz.empty())
    return failure("the device has no PTZ service");
  media_url_ = pin_to(device, found.media.empty() ? device : found.media);
  ptz_url_ = pin_to(device, found.ptz);
  return {};
}

caf::error client::choose_profile() {
  auto answer = call(media_url_, "GetProfiles", request::get_profiles());
  if (!answer)
    return std::move(answer.error());
  auto profiles = parse_profiles(*answer);
  if (!profiles)
    return std::move(profiles.error());
  auto wanted = std::find_if(profiles->begin(), profiles->end(), [&](auto& p) {
    return cfg_.profile.empty() ? !p.ptz_configuration.empty()
                                : p.token == cfg_.profile;
  });
  if (wanted == profiles->end())
    return failure(cfg_.profile.empty()
                       ? fmt::format("no media profile has a PTZ configuration "
                                     "(profiles: {})",
                                     tokens_of(*profiles))
                       : fmt::format("no media profile '{}' (profiles: {})",
                                     cfg_.profile, tokens_of(*profiles)));
  profile_ = wanted->token;
  ptz_configuration_ = wanted->ptz_configuration;
  return {};
}

caf::expected<ptz_pose> client::read_status() {
  auto answer = call(ptz_url_, "GetStatus", request::get_status(profile_));
  if (!answer)
    return std::move(answer.error());
  auto st = parse_status(*answer);
  if (!st)
    return std::move(st.error());
  if (st->has_pan_tilt) {
    pose_.known = true;
    pose_.pan = from_device(st->pan, options_.pan_position, false);
    pose_.tilt = from_device(st->tilt, options_.tilt_position, false);
  }
  if (st->has_zoom)
    pose_.zoom = from_device(st->zoom, options_.zoom_position, true);
  pose_.moving = st->moving;
  return pose_;
}

int64_t client::clamp_timeout(int64_t ms) const {
  if (options_.timeout_max_ms > 0)
    ms = std::clamp(ms, options_.timeout_min_ms, options_.timeout_max_ms);
  return ms;
}

ptz_pose client::moved(bool moving) const {
  auto pose = pose_;
  pose.moving = moving;
  return pose;
}

caf::expected<ptz_pose> client::go_home() {
  auto home = call(ptz_url_, "GotoHomePosition",
                   request::goto_home_position(profile_));
  if (home)
    return moved(true);
  // A head without a home position (ter:NoHomePosition, or no such
  // operation) goes to the centre of its range, wide; any other failure is
  // the command's.
  auto subcode = last_fault_ ? last_fault_->subcode : std::string{};
  if (subcode.find("NoHomePosition") == std::string::npos
      && subcode.find("NotSupported") == std::string::npos)
    return std::move(home.error());
  auto& o = options_;
  auto centre
      = call(ptz_url_, "AbsoluteMove",
             request::absolute_move(
                 profile_, (o.pan_position.min + o.pan_position.max) / 2,
                 (o.tilt_position.min + o.tilt_position.max) / 2, o.has_zoom,
                 o.zoom_position.min));
  if (!centre)
    return caf::make_error(
        centre.error().code() == static_cast<uint8_t>(ec::ptz_command_refused)
            ? ec::ptz_command_refused
            : ec::ptz_device_failed,
        fmt::format("{}; AbsoluteMove to the centre failed too: {}",
                    render(home.error()), render(centre.error())));
  return moved(true);
}

caf::expected<ptz_pose> client::go_to_preset(const std::string& preset) {
  if (!presets_read_) {
    auto answer = call(ptz_url_, "GetPresets", request::get_presets(profile_));
    if (!answer)
      return std::move(answer.error());
    auto parsed = parse_presets(*answer);
    if (!parsed)
      return std::move(parsed.error());
    presets_ = std::move(*parsed);
    presets_read_ = true;
  }
  // Config names a preset by token or by its name on the device.
  auto it = std::find_if(presets_.begin(), presets_.end(), [&](auto& p) {
    return p.token == preset || p.name == preset;
  });
  if (it == presets_.end())
    return failure(fmt::format("the device has no preset '{}' ({} presets)",
                               preset, presets_.size()));
  auto answer
      = call(ptz_url_, "GotoPreset", request::goto_preset(profile_, it->token));
  if (!answer)
    return std::move(answer.error());
  return moved(true);
}

caf::expected<ptz_pose> client::execute(const ptz_command& cmd) {
  lost_connection_ = false;
  if (!connected_)
    return failure("not connected");
  using kind = ptz_command::kind;
  switch (cmd.what) {
  case kind::none:
    return read_status();
  case kind::move: {
    auto& o = options_;
    bool zooming = o.has_zoom;
    auto body = request::continuous_move(
        profile_, to_device(cmd.pan, o.pan_velocity),
        to_device(cmd.tilt, o.tilt_velocity), zooming,
        to_device(cmd.zoom, o.zoom_velocity), clamp_timeout(cmd.timeout_ms));
    auto answer = call(ptz_url_, "ContinuousMove", body);
    if (!answer)
      return std::move(answer.error());
    return moved(cmd.pan != 0 || cmd.tilt != 0 || cmd.zoom != 0);
  }
  case kind::stop: {
    auto answer = call(ptz_url_, "Stop",
                       request::stop(profile_, true, options_.has_zoom));
    if (!answer)
      return std::move(answer.error());
    return moved(false);
  }
  case kind::home:
    return go_home();
  case kind::preset:
    return go_to_preset(cmd.preset);
  }
  return failure("unknown command kind");
}

} // namespace argus::onvif
