// SPDX-License-Identifier: Apache-2.0
// /ws/sessions/{id}: client messages into the real session endpoint and
// CLIENT actor (parse_command, the forbidden check, the reply queue) on
// a fake connection. Messages are separated by "\n--\n"; an input that
// starts with "viewer:" runs with a viewer token (commands forbidden),
// else with a controller token. Every reply must follow
// schemas/command_reply.schema.json and answer its own command, in order.
#include "core/text.hpp"
#include "fuzz/support/fuzz_check.hpp"
#include "fuzz/support/gateway_harness.hpp"
#include "fuzz/support/schema_codes.hpp"
#include "gateway/json_codec.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

using namespace argus;
using namespace argus::fuzz;
using nlohmann::json;

namespace {

const std::set<std::string>& error_codes() {
  static const auto codes = schema_error_codes("command_reply.schema.json");
  return codes;
}

/// The reply must be exactly one of the schema's three closed forms and
/// answer `msg` (sent as text when `text`).
void check_reply(const std::string& reply, const std::string& msg, bool text,
                 role granted) {
  auto j = json::parse(reply);
  auto type = j.at("type").get<std::string>();
  auto cmd = text ? parse_command(msg) : client_command{};
  bool forbidden = granted < role::controller && cmd.error.empty() && text;
  if (type == "error") {
    FUZZ_CHECK(j.size() == 3 && j.at("detail").is_string(),
               "error reply shape: %s", reply.c_str());
    auto code = j.at("error").get<std::string>();
    FUZZ_CHECK(error_codes().count(code), "error code '%s' not in the schema",
               code.c_str());
    if (forbidden)
      FUZZ_CHECK(code == "forbidden", "expected forbidden, got %s",
                 reply.c_str());
    else if (cmd.kind == client_command::invalid)
      FUZZ_CHECK(code == (text ? cmd.error : "invalid_command"),
                 "reply %s does not answer %s", reply.c_str(), msg.c_str());
    else
      FUZZ_CHECK(cmd.kind == client_command::set_target
                     && code == "unknown_target",
                 "a valid command got %s", reply.c_str());
    return;
  }
  FUZZ_CHECK(type == "ack" && !forbidden, "unexpected reply %s", reply.c_str());
  if (cmd.kind == client_command::set_target)
    FUZZ_CHECK(j.size() == 3 && j.at("command") == "set_target_id"
                   && j.at("target_id") == cmd.target_id,
               "ack %s does not answer %s", reply.c_str(), msg.c_str());
  else
    FUZZ_CHECK(cmd.kind == client_command::clear_target && j.size() == 2
                   && j.at("command") == "clear_target",
               "ack %s does not answer %s", reply.c_str(), msg.c_str());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  default_flags(argc, argv);
  gateway_harness::get();
  FUZZ_CHECK(!error_codes().empty(), "no error codes in the schema");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto granted = role::controller;
  if (in.rfind("viewer:", 0) == 0) {
    granted = role::viewer;
    in.erase(0, 7);
  }
  auto messages = split_messages(in, 8);
  auto t = run_ws(ws_kind::session, granted, messages, messages.size());
  if (t.closed)
    return 0;
  FUZZ_CHECK(t.texts.size() == messages.size(), "%zu replies to %zu commands",
             t.texts.size(), messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    bool text = valid_utf8(messages[i]);
    check_reply(t.texts[i], messages[i], text, granted);
  }
  return 0;
}
