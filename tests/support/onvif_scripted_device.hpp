// SPDX-License-Identifier: Apache-2.0
// An ONVIF device as a table of answers behind an onvif::client_io, for
// the client's unit tests and the device actor's tests.
#pragma once

#include "core/ptz/onvif_client.hpp"

#include <map>
#include <string>
#include <vector>

namespace argus::test {

/// A SOAP 1.2 envelope around `inner`.
inline std::string answer(const std::string& inner) {
  return "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" "
         "xmlns:tt=\"http://www.onvif.org/ver10/schema\"><env:Body>"
         + inner + "</env:Body></env:Envelope>";
}

inline std::string fault_answer(const std::string& subcode,
                                const std::string& reason) {
  return answer("<env:Fault><env:Code><env:Value>env:Sender</env:Value>"
                "<env:Subcode><env:Value>"
                + subcode
                + "</env:Value></env:Subcode></env:Code><env:Reason>"
                  "<env:Text xml:lang=\"en\">"
                + reason + "</env:Text></env:Reason></env:Fault>");
}

/// A device as a table: operation -> answer body (HTTP 200), plus what
/// each request looked like.
struct scripted_device {
  struct request {
    std::string url;
    std::string op;
    std::string body;
  };
  std::map<std::string, std::string> answers;
  std::map<std::string, std::string> faults;
  /// Operation -> an HTTP status and body that is no SOAP at all.
  std::map<std::string, std::pair<long, std::string>> raw;
  bool unreachable = false;
  std::vector<request> seen;
  int64_t device_clock_ms = 1700000000000;

  scripted_device() {
    answers["GetSystemDateAndTime"] = answer(
        "<R><tt:UTCDateTime><tt:Time><tt:Hour>22</tt:Hour><tt:Minute>13"
        "</tt:Minute><tt:Second>20</tt:Second></tt:Time><tt:Date><tt:Year>2023"
        "</tt:Year><tt:Month>11</tt:Month><tt:Day>14</tt:Day></tt:Date>"
        "</tt:UTCDateTime></R>");
    answers["GetCapabilities"] = answer(
        "<R><tt:Capabilities><tt:Media><tt:XAddr>http://10.1.2.3/media"
        "</tt:XAddr></tt:Media><tt:PTZ><tt:XAddr>http://10.1.2.3/ptz</tt:XAddr>"
        "</tt:PTZ></tt:Capabilities></R>");
    answers["GetProfiles"]
        = answer("<GetProfilesResponse><Profiles token=\"sub\"/><Profiles "
                 "token=\"main\">"
                 "<PTZConfiguration "
                 "token=\"ptzcfg\"/></Profiles></GetProfilesResponse>");
    answers["GetConfigurationOptions"] = answer(
        "<R><PTZConfigurationOptions><Spaces><ContinuousPanTiltVelocitySpace>"
        "<URI>http://www.onvif.org/ver10/tptz/PanTiltSpaces/"
        "VelocityGenericSpace"
        "</URI><XRange><Min>-0.5</Min><Max>0.5</Max></XRange><YRange><Min>-1"
        "</Min><Max>1</Max></YRange></ContinuousPanTiltVelocitySpace>"
        "<ContinuousZoomVelocitySpace><XRange><Min>-1</Min><Max>1</Max>"
        "</XRange></ContinuousZoomVelocitySpace><AbsolutePanTiltPositionSpace>"
        "<XRange><Min>0</Min><Max>1</Max></XRange><YRange><Min>0</Min><Max>1"
        "</Max></YRange></AbsolutePanTiltPositionSpace></Spaces><PTZTimeout>"
        "<Min>PT0S</Min><Max>PT1S</Max></PTZTimeout></PTZConfigurationOptions>"
        "</R>");
    answers["GetStatus"] = answer(
        "<R><PTZStatus><Position><PanTilt x=\"0.75\" y=\"0.5\"/><Zoom "
        "x=\"0.2\"/>"
        "</Position><MoveStatus><PanTilt>IDLE</PanTilt><Zoom>MOVING</Zoom>"
        "</MoveStatus></PTZStatus></R>");
    answers["GetPresets"] = answer(
        "<GetPresetsResponse><Preset token=\"7\"><Name>gate</Name></Preset>"
        "</GetPresetsResponse>");
    for (auto op : {"ContinuousMove", "Stop", "GotoHomePosition", "GotoPreset",
                    "AbsoluteMove"})
      answers[op] = answer("<R/>");
  }

  onvif::client_io io() {
    onvif::client_io out;
    out.post = [this](const std::string& url, const std::string& action,
                      const std::string& body) {
      auto op = action.substr(action.rfind('/') + 1);
      seen.push_back({url, op, body});
      onvif::http_reply r;
      if (unreachable) {
        r.error = "Connection refused";
        return r;
      }
      if (raw.count(op)) {
        r.status = raw[op].first;
        r.body = raw[op].second;
        return r;
      }
      if (faults.count(op)) {
        r.status = 400;
        r.body = faults[op];
        return r;
      }
      r.status = 200;
      r.body = answers.at(op);
      return r;
    };
    out.nonce = [] { return std::string("nonce-0123456789"); };
    out.unix_now_ms = [] { return int64_t{1600000000000}; };
    return out;
  }

  std::vector<std::string> ops() const {
    std::vector<std::string> out;
    for (auto& r : seen)
      out.push_back(r.op);
    return out;
  }
};

} // namespace argus::test
