// SPDX-License-Identifier: Apache-2.0
// REST request bodies through route(): POST /sessions ({"camera_id"}),
// POST /clips (parse_clip_source), POST /tracks/{id}/retain ({"retain"})
// and POST /cameras/{id}/ptz/autotrack ({"enabled"}; the harness camera
// has no PTZ, so a valid body ends in 404 no_ptz after parsing). The first
// byte picks the endpoint; the rest is the body.
#include "fuzz/support/fuzz_check.hpp"
#include "fuzz/support/gateway_harness.hpp"
#include "gateway/frame_codec.hpp"

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
  if (size < 1)
    return 0;
  static const char* targets[]
      = {"/sessions", "/clips", "/tracks/cam1%2F1/retain",
         "/tracks/cam1/1/retain", "/cameras/cam1/ptz/autotrack"};
  constexpr int target_count = sizeof(targets) / sizeof(targets[0]);
  auto& h = gateway_harness::get();
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  http_request req{http::verb::post, targets[data[0] % target_count], 11};
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  auto res = route_and_wait(h.open, req);
  check_response(res);
  clip_source src;
  std::string why;
  bool ok = parse_clip_source(body, src, why);
  FUZZ_CHECK(ok || !why.empty(), "parse_clip_source failed without a reason");
  if (data[0] % target_count == 1 && ok && res.result_int() < 300) {
    // The stub registers whatever id it gets: the answer must name it.
    auto j = nlohmann::json::parse(res.body(), nullptr, false);
    FUZZ_CHECK(j.is_object() && j.value("clip_id", "") == src.clip_id,
               "registered clip answer does not name the clip: %s",
               res.body().c_str());
  }
  return 0;
}
