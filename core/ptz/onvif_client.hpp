// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/config.hpp"
#include "core/ptz/onvif_soap.hpp"
#include "messages/ptz_types.hpp"

#include <caf/expected.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace argus::onvif {

/// One HTTP exchange: the status and body, or `error` (no answer at all:
/// refused, timed out, reset).
struct http_reply {
  long status = 0;
  std::string body;
  std::string error;
};

/// POSTs a SOAP `body` to `url` with SOAP action `action` and returns what
/// came back. Blocking; the actor that owns the client runs detached.
using transport = std::function<http_reply(const std::string& url,
                                           const std::string& action,
                                           const std::string& body)>;

/// What the client needs from outside: the wire, fresh nonces and the
/// wall clock (injected so tests are exact).
struct client_io {
  transport post;
  std::function<std::string()> nonce;
  std::function<int64_t()> unix_now_ms;
};

/// The ONVIF PTZ client of one device, without I/O of its own: connects
/// (device clock, services, profile, velocity and timeout ranges) and turns
/// argus's normalized commands into ContinuousMove, Stop, GotoHomePosition
/// (AbsoluteMove to the centre where a device has no home), GotoPreset and
/// GetStatus calls. Every request goes to the configured host and port.
class client {
public:
  client(onvif_config cfg, client_io io);

  /// Runs the connect sequence; a failure leaves the client disconnected.
  caf::error connect();
  bool connected() const { return connected_; }
  /// Forgets the connection (the next command connects again).
  void disconnect() { connected_ = false; }

  /// Runs `cmd` (kind none: GetStatus only) and returns the pose after it:
  /// the one GetStatus read for kind none, the last known one otherwise.
  /// An error with `lost_connection()` true means the device did not answer
  /// at all; the client is then disconnected.
  caf::expected<ptz_pose> execute(const ptz_command& cmd);
  bool lost_connection() const { return lost_connection_; }

  const ptz_options& options() const { return options_; }
  const std::string& profile_token() const { return profile_; }
  /// Device clock minus ours, from GetSystemDateAndTime.
  int64_t clock_offset_ms() const { return clock_offset_ms_; }

  /// argus's velocity in [-1, 1] in the device's velocity range.
  static double to_device(double v, const range& r);
  /// A device position in `r` as argus's [-1, 1] (pan, tilt) or [0, 1]
  /// (zoom, `unit` true).
  static double from_device(double v, const range& r, bool unit);

private:
  caf::expected<std::string> call(const std::string& url, const std::string& op,
                                  const std::string& body, bool sign = true);
  caf::error find_services();
  caf::error choose_profile();
  caf::expected<ptz_pose> read_status();
  caf::expected<ptz_pose> go_home();
  caf::expected<ptz_pose> go_to_preset(const std::string& preset);
  int64_t clamp_timeout(int64_t ms) const;
  ptz_pose moved(bool moving) const;

  onvif_config cfg_;
  client_io io_;
  bool connected_ = false;
  bool lost_connection_ = false;
  /// The fault of the last call that got one (reset by every call).
  std::optional<fault> last_fault_;
  int64_t clock_offset_ms_ = 0;
  std::string media_url_;
  std::string ptz_url_;
  std::string profile_;
  std::string ptz_configuration_;
  ptz_options options_;
  std::vector<preset> presets_;
  bool presets_read_ = false;
  ptz_pose pose_;
};

} // namespace argus::onvif
