// SPDX-License-Identifier: Apache-2.0
// /ws/cameras/{id}: the relay stream is server-to-client only, so every
// client message, text or binary, must be answered with one read_only
// error and reading must go on (the VIEWER behind it is untouched).
// Messages are separated by "\n--\n".
#include "fuzz/support/fuzz_check.hpp"
#include "fuzz/support/gateway_harness.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

using namespace argus;
using namespace argus::fuzz;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  default_flags(argc, argv);
  gateway_harness::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto messages = split_messages(in, 8);
  auto t = run_ws(ws_kind::camera, role::viewer, messages, messages.size());
  FUZZ_CHECK(!t.closed, "a client message closed the relay stream");
  size_t read_only = 0;
  for (auto& text : t.texts) {
    auto j = nlohmann::json::parse(text);
    if (j.at("type") == "error" && j.value("error", "") == "read_only")
      ++read_only;
  }
  FUZZ_CHECK(read_only == messages.size(),
             "%zu read_only errors for %zu messages", read_only,
             messages.size());
  return 0;
}
