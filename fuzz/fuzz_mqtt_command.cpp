// SPDX-License-Identifier: Apache-2.0
// MQTT command messages (core/mqtt/mqtt_bridge_core.cpp): anyone who may
// publish to the broker controls both the topic and the payload. The input
// is "<topic>\n<payload>"; the topic is tried as sent and under the
// default prefix, so the fuzzer reaches the payload parsers quickly.
#include "core/defaults.hpp"
#include "core/mqtt/mqtt_bridge_core.hpp"
#include "fuzz/support/fuzz_check.hpp"

#include <cstdint>
#include <set>
#include <string>

using namespace argus;

namespace {

void check(const mqtt_topics& topics, const std::set<std::string>& cameras,
           const std::string& topic, const std::string& payload) {
  auto cmd = parse_mqtt_command(topics, cameras, topic, payload);
  if (cmd.kind == mqtt_command::invalid) {
    FUZZ_CHECK(!cmd.error.empty() && !cmd.detail.empty(),
               "an invalid command without its error");
    FUZZ_CHECK(cmd.camera_id.empty() || cameras.count(cmd.camera_id),
               "an error on an unknown camera's topic");
    return;
  }
  FUZZ_CHECK(cameras.count(cmd.camera_id), "a command for an unknown camera");
  FUZZ_CHECK(payload.size() <= defaults::mqtt::max_command_bytes,
             "an oversized payload accepted");
  FUZZ_CHECK(
      topic == topics.prefix() + "/" + cmd.camera_id + "/target/set"
          || topic == topics.prefix() + "/" + cmd.camera_id + "/target/clear"
          || topic == topics.prefix() + "/" + cmd.camera_id + "/autotrack/set",
      "a command from a topic that is none");
  if (cmd.kind == mqtt_command::set_target)
    FUZZ_CHECK(payload.find(std::to_string(cmd.target_id)) != std::string::npos,
               "target id %lld not in the payload",
               static_cast<long long>(cmd.target_id));
  if (cmd.kind == mqtt_command::autotrack)
    FUZZ_CHECK(payload.find(cmd.enable ? "ON" : "OFF") != std::string::npos,
               "autotrack value not in the payload");
  auto wire = cmd.to_client_command();
  if (cmd.kind == mqtt_command::autotrack)
    FUZZ_CHECK(wire.kind == client_command::invalid,
               "autotrack became a session command");
  else
    FUZZ_CHECK(wire.kind != client_command::invalid, "lost a session command");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  auto topic = in.substr(0, nl);
  auto payload = nl == std::string::npos ? std::string() : in.substr(nl + 1);
  static const mqtt_topics topics{"argus"};
  static const std::set<std::string> cameras{"cam1", "ptz-1", "a_b"};
  check(topics, cameras, topic, payload);
  check(topics, cameras, "argus/" + topic, payload);
  return 0;
}
