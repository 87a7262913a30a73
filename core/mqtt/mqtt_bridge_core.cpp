// SPDX-License-Identifier: Apache-2.0
#include "core/mqtt/mqtt_bridge_core.hpp"

#include "core/defaults.hpp"
#include "core/text.hpp"

#include <charconv>

namespace argus {

namespace {

constexpr std::string_view set_target_suffix = "/target/set";
constexpr std::string_view clear_target_suffix = "/target/clear";
constexpr std::string_view autotrack_suffix = "/autotrack/set";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size()
         && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view text) {
  auto space
      = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  return text;
}

mqtt_command invalid(std::string camera, const char* code, std::string detail) {
  mqtt_command c;
  c.camera_id = std::move(camera);
  c.error = code;
  c.detail = std::move(detail);
  return c;
}

} // namespace

std::vector<std::string> mqtt_topics::command_filters() const {
  return {prefix_ + "/+/target/set", prefix_ + "/+/target/clear",
          prefix_ + "/+/autotrack/set"};
}

client_command mqtt_command::to_client_command() const {
  client_command cmd;
  if (kind == set_target) {
    cmd.kind = client_command::set_target;
    cmd.target_id = target_id;
  } else if (kind == clear_target) {
    cmd.kind = client_command::clear_target;
  } else {
    cmd.error = error;
    cmd.detail = detail;
  }
  return cmd;
}

mqtt_command parse_mqtt_command(const mqtt_topics& topics,
                                const std::set<std::string>& cameras,
                                std::string_view topic,
                                std::string_view payload) {
  auto head = topics.prefix() + "/";
  if (topic.substr(0, head.size()) != head)
    return invalid("", "unknown_command",
                   "topic '" + quote_prefix(topic, 128) + "' is no command");
  auto rest = topic.substr(head.size());
  mqtt_command::kind_t kind = mqtt_command::invalid;
  std::string_view suffix;
  for (auto [k, s] :
       {std::pair{mqtt_command::set_target, set_target_suffix},
        std::pair{mqtt_command::clear_target, clear_target_suffix},
        std::pair{mqtt_command::autotrack, autotrack_suffix}})
    if (ends_with(rest, s)) {
      kind = k;
      suffix = s;
    }
  if (kind == mqtt_command::invalid || rest.size() == suffix.size())
    return invalid("", "unknown_command",
                   "topic '" + quote_prefix(topic, 128) + "' is no command");
  auto camera = std::string(rest.substr(0, rest.size() - suffix.size()));
  if (!cameras.count(camera))
    return invalid("", "unknown_camera",
                   "no camera with id '" + quote_prefix(camera, 64) + "'");
  if (payload.size() > defaults::mqtt::max_command_bytes)
    return invalid(camera, "payload_too_large",
                   "a command payload is at most "
                       + std::to_string(defaults::mqtt::max_command_bytes)
                       + " bytes");
  auto value = trim(payload);
  mqtt_command cmd;
  cmd.camera_id = camera;
  if (kind == mqtt_command::clear_target) {
    cmd.kind = kind;
    return cmd;
  }
  if (kind == mqtt_command::autotrack) {
    if (value != "ON" && value != "OFF")
      return invalid(camera, "invalid_argument",
                     "autotrack/set takes ON or OFF, got '"
                         + quote_prefix(value, 32) + "'");
    cmd.kind = kind;
    cmd.enable = value == "ON";
    return cmd;
  }
  // JSON's integer grammar, as the WebSocket's target_id: -?(0|[1-9][0-9]*).
  auto digits = value.substr(!value.empty() && value.front() == '-' ? 1 : 0);
  if (digits.size() > 1 && digits.front() == '0')
    return invalid(camera, "target_id_must_be_int",
                   "target/set needs an integer track id without leading "
                   "zeros, got '"
                       + quote_prefix(value, 32) + "'");
  int64_t id = 0;
  auto first = value.data();
  auto last = value.data() + value.size();
  auto [end, err] = std::from_chars(first, last, id);
  if (value.empty() || err != std::errc() || end != last)
    return invalid(camera, "target_id_must_be_int",
                   "target/set needs an integer track id, got '"
                       + quote_prefix(value, 32) + "'");
  cmd.kind = kind;
  cmd.target_id = id;
  return cmd;
}

bool latest_ticks::put(const std::string& camera, text_ptr text) {
  auto& s = slots_[camera];
  bool replaced = s.changed;
  s.text = std::move(text);
  s.changed = true;
  return replaced;
}

std::vector<std::pair<std::string, text_ptr>> latest_ticks::take_changed() {
  std::vector<std::pair<std::string, text_ptr>> out;
  for (auto& [camera, s] : slots_)
    if (s.changed && s.text) {
      s.changed = false;
      out.emplace_back(camera, s.text);
    }
  return out;
}

void latest_ticks::mark_all_changed() {
  for (auto& [camera, s] : slots_)
    s.changed = true;
}

} // namespace argus
