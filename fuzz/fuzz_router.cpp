// SPDX-License-Identifier: Apache-2.0
// Raw HTTP request bytes -> Beast's request parser (the limits
// http_session sets) -> route(), the whole REST surface in-process. The
// first input byte picks the context: odd = bearer tokens configured
// (auth checks on), even = open access.
#include "fuzz/support/fuzz_check.hpp"
#include "fuzz/support/gateway_harness.hpp"
#include "gateway/url.hpp"

#include <cstdint>
#include <string>

using namespace argus;
using namespace argus::fuzz;

namespace {

bool mentions_token(const std::string& raw) {
  for (auto* t : {viewer_token, controller_token, admin_token})
    if (raw.find(t) != std::string::npos)
      return true;
  return false;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  default_flags(argc, argv);
  gateway_harness::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  auto& h = gateway_harness::get();
  bool locked = data[0] & 1;
  auto& ctx = locked ? h.locked : h.open;
  std::string raw(reinterpret_cast<const char*>(data) + 1, size - 1);
  http_request req;
  if (!parse_request(raw, ctx->cfg.max_body_bytes, req))
    return 0;
  // Upgrades go to ws_session, never to route().
  if (websocket::is_upgrade(req))
    return 0;
  auto res = route_and_wait(ctx, req);
  check_response(res);
  if (locked && !mentions_token(raw)) {
    // Without a token only the probes and the page itself are open.
    // The probes are open however their path is escaped ("/%68ealthz").
    auto target = std::string(req.target());
    auto path = target.substr(0, target.find('?'));
    path_segments segments;
    path_error bad_path;
    bool probe = split_path(target, segments, bad_path) && segments.size() == 1
                 && (segments[0] == "healthz" || segments[0] == "readyz");
    bool open_path = probe
                     || (req.method() == http::verb::get
                         && ctx->web->find(path) != nullptr);
    FUZZ_CHECK(open_path || res.result() == http::status::unauthorized,
               "%s %s answered %d without a token",
               std::string(req.method_string()).c_str(), target.c_str(),
               res.result_int());
  }
  return 0;
}
