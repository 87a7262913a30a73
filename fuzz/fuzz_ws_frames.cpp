// SPDX-License-Identifier: Apache-2.0
// /ws/frames: client messages into the real frames endpoint and FRAME
// CLIENT actor (parse_frame_command, LIFO requests, notices) against a stub
// clip manager and clip. Messages are separated by "\n--\n"; an input that
// starts with "viewer:" runs with a viewer token. Every message must get
// at least one notice, and every notice must be one of
// schemas/frame_server_message.schema.json's types and error codes.
#include "fuzz/support/fuzz_check.hpp"
#include "fuzz/support/gateway_harness.hpp"
#include "fuzz/support/schema_codes.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

using namespace argus;
using namespace argus::fuzz;
using nlohmann::json;

namespace {

const std::set<std::string>& error_codes() {
  static const auto codes
      = schema_error_codes("frame_server_message.schema.json");
  return codes;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  default_flags(argc, argv);
  gateway_harness::get();
  FUZZ_CHECK(!error_codes().empty(), "no error codes in the schema");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::set<std::string> types{
      "frame",   "error",       "clip_registered", "chunks_registered",
      "dropped", "request_done"};
  std::string in(reinterpret_cast<const char*>(data), size);
  auto granted = role::controller;
  if (in.rfind("viewer:", 0) == 0) {
    granted = role::viewer;
    in.erase(0, 7);
  }
  auto messages = split_messages(in, 8);
  auto t = run_ws(ws_kind::frames, granted, messages, messages.size());
  for (auto& text : t.texts) {
    auto j = json::parse(text);
    auto type = j.at("type").get<std::string>();
    FUZZ_CHECK(types.count(type), "unknown notice type: %s", text.c_str());
    FUZZ_CHECK(j.contains("request_id") && j["request_id"].is_string(),
               "notice without request_id: %s", text.c_str());
    if (type == "error")
      FUZZ_CHECK(error_codes().count(j.at("error").get<std::string>()),
                 "error code not in the schema: %s", text.c_str());
  }
  return 0;
}
