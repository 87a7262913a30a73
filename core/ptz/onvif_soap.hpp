// SPDX-License-Identifier: Apache-2.0
// ONVIF over SOAP 1.2 without I/O: the request envelopes argus sends
// (with a WS-Security UsernameToken) and the parts of the answers it reads.
// Parsing matches elements by local name, so any namespace prefix a camera
// picks works. Decision 0011 says why this is ours and not libonvif.
#pragma once

#include <caf/expected.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace argus::onvif {

/// The WS-Security UsernameToken digest: base64(sha1(nonce + created +
/// password)), `nonce` as raw bytes.
std::string password_digest(const std::string& nonce,
                            const std::string& created,
                            const std::string& password);

/// Unix milliseconds as xs:dateTime in UTC ("2026-11-30T20:13:42.123Z").
std::string utc_timestamp(int64_t unix_ms);

/// Milliseconds as an xs:duration ("PT1.5S"), and back ("PT1M2.5S"; hours
/// and minutes count; days and larger units are refused).
std::string duration(int64_t ms);
std::optional<int64_t> parse_duration(const std::string& text);

/// Who signs the requests; an empty username sends no Security header.
struct credentials {
  std::string username;
  std::string password;
};

/// A SOAP 1.2 envelope around `body` with a UsernameToken (PasswordDigest)
/// made from `nonce` (raw bytes) at `created_unix_ms` (the device's clock).
std::string envelope(const std::string& body, const credentials& who,
                     const std::string& nonce, int64_t created_unix_ms);

/// Request bodies. Tokens are XML-escaped.
namespace request {
std::string get_system_date_and_time();
std::string get_capabilities();
std::string get_services();
std::string get_profiles();
std::string get_configuration_options(const std::string& configuration_token);
std::string get_status(const std::string& profile);
/// Velocities in the device's velocity space; a zero `zoom` with
/// `with_zoom` false leaves the lens out of the move.
std::string continuous_move(const std::string& profile, double pan, double tilt,
                            bool with_zoom, double zoom, int64_t timeout_ms);
std::string stop(const std::string& profile, bool pan_tilt, bool zoom);
std::string goto_home_position(const std::string& profile);
std::string get_presets(const std::string& profile);
std::string goto_preset(const std::string& profile, const std::string& preset);
std::string absolute_move(const std::string& profile, double pan, double tilt,
                          bool with_zoom, double zoom);
} // namespace request

/// The SOAP action URI of an operation of the device, media or PTZ service.
std::string action_uri(const std::string& operation);

/// A SOAP 1.2 Fault: "env:Sender", "ter:NotAuthorized", "…".
struct fault {
  std::string code;
  std::string subcode;
  std::string reason;
};

/// "ter:NotAuthorized: Sender not authorized (env:Sender)".
std::string describe(const fault& f);

/// The fault in a response, if it is one (a body that does not parse is no
/// fault; the parsers below report it).
std::optional<fault> find_fault(const std::string& xml);

/// Service addresses from GetCapabilities or GetServices.
struct services {
  std::string media;
  std::string ptz;
};

caf::expected<services> parse_capabilities(const std::string& xml);
caf::expected<services> parse_services(const std::string& xml);

/// A media profile and the PTZ configuration it carries (empty when the
/// profile has none).
struct profile {
  std::string token;
  std::string ptz_configuration;
};

caf::expected<std::vector<profile>> parse_profiles(const std::string& xml);

/// A closed interval of one axis.
struct range {
  double min = -1;
  double max = 1;
};

/// What GetConfigurationOptions says the head can do. Absent spaces keep
/// ONVIF's generic defaults; `has_zoom` is false when the head has no
/// continuous zoom.
struct ptz_options {
  range pan_velocity;
  range tilt_velocity;
  range zoom_velocity;
  bool has_zoom = false;
  range pan_position;
  range tilt_position;
  range zoom_position{0, 1};
  /// The Timeout a ContinuousMove may carry; 0: not stated.
  int64_t timeout_min_ms = 0;
  int64_t timeout_max_ms = 0;
};

caf::expected<ptz_options> parse_configuration_options(const std::string& xml);

/// GetStatus: position in the device's position space, and whether any
/// axis moves.
struct status {
  bool has_pan_tilt = false;
  double pan = 0;
  double tilt = 0;
  bool has_zoom = false;
  double zoom = 0;
  bool moving = false;
};

caf::expected<status> parse_status(const std::string& xml);

/// The device's clock from GetSystemDateAndTime, as Unix milliseconds.
caf::expected<int64_t> parse_system_date_and_time(const std::string& xml);

struct preset {
  std::string token;
  std::string name;
};

caf::expected<std::vector<preset>> parse_presets(const std::string& xml);

/// `xaddr` with its scheme, host and port replaced by those of `base`
/// (path and query kept): argus talks to the configured address only,
/// whatever host a device names in its answers.
std::string pin_to(const std::string& base, const std::string& xaddr);

} // namespace argus::onvif
