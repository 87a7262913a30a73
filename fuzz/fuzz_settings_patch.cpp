// SPDX-License-Identifier: Apache-2.0
// PATCH /settings and POST /settings/validate: a JSON merge patch (the
// request body) against a running config holding secrets. Whatever the
// bytes: no exception escapes, a refused patch names why, an accepted one
// parses to a config whose view never shows a secret the patch did not
// write itself, and the redaction marker is never stored as a secret.
#include "core/settings/settings_core.hpp"
#include "core/text.hpp"
#include "fuzz/support/fuzz_check.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace argus;

namespace {

const char* running_yaml = R"(
mqtt: {host: broker, password: mqtt-secret-value}
auth: {tokens: [{role: admin, token: admin-secret-token-value}]}
cameras:
  - id: a
    source: rtsp
    url: rtsp://user:url-secret-value@10.0.0.5/s
    ptz: {backend: onvif, onvif: {address: "http://10.0.0.5", password: onvif-secret-value}}
  - {id: b, ptz: {backend: sim}}
)";

const char* secret_values[] = {"mqtt-secret-value", "admin-secret-token-value",
                               "url-secret-value", "onvif-secret-value"};

const char* sections[] = {"", "tracker", "cameras", "mqtt", "session", "auth"};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  static const auto base = settings_core::from_yaml(running_yaml);
  FUZZ_CHECK(static_cast<bool>(base), "the base config does not load");
  std::string section = sections[data[0] % std::size(sections)];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto patch = nlohmann::json::parse(body, nullptr, false);
  if (patch.is_discarded())
    return 0;
  // Normalized: JSON escapes cannot hide text the patch writes.
  const auto written = patch.dump();
  auto core = *base;
  (void)core.secrets_written(patch, section);
  auto p = core.propose_patch(patch, section);
  FUZZ_CHECK(p.valid() == p.outcome.errors.empty(),
             "valid() disagrees with the error list");
  if (!p.valid())
    return 0;
  core.accept(std::move(p));
  auto shown = dump_json(core.view());
  // The running config's secrets stay hidden unless the patch itself
  // wrote that text somewhere in plain sight (a synthetic camera's unused
  // "url" is the client's own text).
  for (auto* secret : secret_values)
    FUZZ_CHECK(written.find(secret) != std::string::npos
                   || shown.find(secret) == std::string::npos,
               "a secret is shown: %s", secret);
  auto& running = core.running();
  FUZZ_CHECK(running.mqtt.password != redaction_marker,
             "the marker was stored as the MQTT password");
  for (auto& cam : running.cameras)
    FUZZ_CHECK(cam.ptz.onvif.password != redaction_marker
                   && cam.url.find(std::string(":") + redaction_marker + "@")
                          == std::string::npos,
               "the marker was stored as camera %s's secret", cam.id.c_str());
  for (auto& [role, token] : running.auth.tokens)
    FUZZ_CHECK(token != redaction_marker, "the marker was stored as a token");
  return 0;
}
