// SPDX-License-Identifier: Apache-2.0
// What an ONVIF device answers is untrusted bytes: every parser of
// core/ptz/onvif_soap on the input as a whole, then the client's connect
// sequence and one command of each kind with the input cut at NUL bytes
// into the successive answers (HTTP 200, or 400 for a part starting with
// '!'). Positions must come out in argus's ranges, ranges ordered, and no
// exception may escape.
#include "core/ptz/onvif_client.hpp"
#include "fuzz/support/fuzz_check.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace argus;
using namespace argus::onvif;

namespace {

void check_pose(const ptz_pose& p) {
  FUZZ_CHECK(std::isfinite(p.pan) && p.pan >= -1 && p.pan <= 1, "pan %f",
             p.pan);
  FUZZ_CHECK(std::isfinite(p.tilt) && p.tilt >= -1 && p.tilt <= 1, "tilt %f",
             p.tilt);
  FUZZ_CHECK(std::isfinite(p.zoom) && p.zoom >= 0 && p.zoom <= 1, "zoom %f",
             p.zoom);
}

void parse_all(const std::string& xml) {
  (void)find_fault(xml);
  (void)parse_capabilities(xml);
  (void)parse_services(xml);
  (void)parse_profiles(xml);
  (void)parse_status(xml);
  (void)parse_system_date_and_time(xml);
  (void)parse_presets(xml);
  if (auto o = parse_configuration_options(xml)) {
    for (auto* r : {&o->pan_velocity, &o->tilt_velocity, &o->zoom_velocity,
                    &o->pan_position, &o->tilt_position, &o->zoom_position})
      FUZZ_CHECK(r->min <= r->max, "range [%f, %f]", r->min, r->max);
    FUZZ_CHECK(o->timeout_min_ms <= o->timeout_max_ms, "timeout range");
  }
  if (auto d = parse_duration(xml))
    FUZZ_CHECK(*d >= 0, "negative duration");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  parse_all(in);
  std::vector<std::string> answers;
  size_t start = 0;
  while (start <= in.size()) {
    auto end = in.find('\0', start);
    if (end == std::string::npos)
      end = in.size();
    answers.push_back(in.substr(start, end - start));
    start = end + 1;
  }
  size_t next = 0;
  client_io io;
  io.post
      = [&](const std::string& url, const std::string&, const std::string&) {
          FUZZ_CHECK(url.rfind("http://127.0.0.1:1/", 0) == 0,
                     "a request left the configured address: %s", url.c_str());
          http_reply r;
          if (next >= answers.size()) {
            r.error = "no more answers";
            return r;
          }
          auto a = answers[next++];
          r.status = !a.empty() && a[0] == '!' ? 400 : 200;
          r.body = a;
          return r;
        };
  io.nonce = [] { return std::string("0123456789abcdef"); };
  io.unix_now_ms = [] { return int64_t{1700000000000}; };
  onvif_config cfg;
  cfg.address = "http://127.0.0.1:1/onvif/device_service";
  cfg.username = "admin";
  cfg.password = "pw";
  client c{cfg, io};
  if (c.connect())
    return 0;
  using kind = ptz_command::kind;
  for (auto what :
       {kind::none, kind::move, kind::stop, kind::home, kind::preset}) {
    ptz_command cmd;
    cmd.what = what;
    cmd.pan = 0.7;
    cmd.tilt = -0.3;
    cmd.zoom = 0.2;
    cmd.timeout_ms = 2000;
    cmd.preset = "P001";
    if (auto pose = c.execute(cmd))
      check_pose(*pose);
  }
  return 0;
}
