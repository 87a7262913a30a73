// SPDX-License-Identifier: Apache-2.0
// The YAML config loader: parse_config on arbitrary text. An accepted
// config must hold what validation promises (finite numbers inside their
// ranges, unique well-formed camera ids), and each camera's session
// description (logged and stored by the registry) must serialize, and so
// must the whole running config (config_to_json).
#include "core/config.hpp"
#include "core/stored_json.hpp"
#include "core/text.hpp"
#include "fuzz/support/fuzz_check.hpp"
#include "messages/error.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

using namespace argus;

namespace {

void in_range(double v, double lo, double hi, const char* name) {
  FUZZ_CHECK(v >= lo && v <= hi, "%s = %f accepted outside [%f, %f]", name, v,
             lo, hi);
}

void check_config(const config& c) {
  FUZZ_CHECK(!c.cameras.empty(), "config without cameras accepted");
  std::set<std::string> ids;
  for (auto& cam : c.cameras) {
    FUZZ_CHECK(!cam.id.empty() && ids.insert(cam.id).second,
               "empty or duplicate camera id");
    for (unsigned char ch : cam.id)
      FUZZ_CHECK(std::isalnum(ch) || ch == '_' || ch == '-',
                 "bad camera id accepted");
    in_range(cam.synthetic.fps, 0.1, 240, "fps");
    in_range(cam.retry_factor, 1.0, 10.0, "retry_factor");
    in_range(cam.retry_jitter, 0.0, 0.9, "retry_jitter");
    FUZZ_CHECK(cam.retain_days == -1
                   || (cam.retain_days >= 0 && cam.retain_days <= 36500),
               "retain_days %f", cam.retain_days);
    FUZZ_CHECK(cam.retry_min_ms <= cam.retry_max_ms, "retry_min > retry_max");
    auto text = describe_session(c, cam);
    FUZZ_CHECK(!nlohmann::json::parse(text, nullptr, false).is_discarded(),
               "describe_session is not JSON: %s", text.c_str());
  }
  in_range(c.detector.conf_threshold, 0, 1, "conf_threshold");
  in_range(c.detector.nms_threshold, 0, 1, "nms_threshold");
  in_range(c.tracker.track_high_thresh, 0, 1, "track_high_thresh");
  in_range(c.tracker.track_low_thresh, 0, c.tracker.track_high_thresh,
           "track_low_thresh");
  in_range(c.tracker.match_buffer, 0, 2, "match_buffer");
  in_range(c.session.publish_hz, 0.1, 120, "publish_hz");
  in_range(c.session.update_min_conf_gain, 0, 1, "update_min_conf_gain");
  in_range(c.store.retain_days, 0, 36500, "store.retain_days");
  in_range(c.relay.viewer_fps, 0.01, 120, "viewer_fps");
  for (auto& [role, token] : c.auth.tokens)
    FUZZ_CHECK(token.size() >= 16, "short token accepted");
  // The running config as the settings API will show it: JSON text
  // whatever bytes the YAML strings held (dump_json never throws).
  auto shown = dump_json(config_to_json(c));
  FUZZ_CHECK(valid_utf8(shown), "config_to_json is not UTF-8 text");
  FUZZ_CHECK(!nlohmann::json::parse(shown, nullptr, false).is_discarded(),
             "config_to_json is not JSON");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto cfg = parse_config(text);
  if (!cfg) {
    FUZZ_CHECK(cfg.error() == ec::invalid_config,
               "parse_config failed with another error");
    return 0;
  }
  check_config(*cfg);
  return 0;
}
