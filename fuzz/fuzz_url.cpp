// SPDX-License-Identifier: Apache-2.0
// The request target: percent_decode, parse_query, split_path and the
// WebSocket path matchers, the first code every HTTP request and upgrade
// reaches.
#include "core/text.hpp"
#include "fuzz/support/fuzz_check.hpp"
#include "gateway/camera_routes.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/router.hpp"
#include "gateway/url.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

using namespace argus;

namespace {

/// Escapes everything but unreserved bytes, so decoding gives `raw` back.
/// NUL stays raw: percent_decode refuses a decoded NUL by design.
std::string encode(const std::string& raw) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : raw) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'
        || c == 0) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void check_decode(const std::string& in, bool plus_is_space) {
  std::string out;
  if (!percent_decode(in, out, plus_is_space))
    return;
  FUZZ_CHECK(out.size() <= in.size(), "decoding grew the text");
  FUZZ_CHECK(std::count(out.begin(), out.end(), '\0')
                 == std::count(in.begin(), in.end(), '\0'),
             "a %%00 escape decoded to NUL");
  std::string again;
  FUZZ_CHECK(percent_decode(encode(out), again, plus_is_space) && again == out,
             "decode(encode(x)) != x");
}

/// Segments are decoded text (they end up in JSON replies and actor ids)
/// and splitting is lossless: escaping each segment again and joining
/// gives the same segments.
void check_split(const std::string& target) {
  path_segments segments;
  path_error error;
  if (!split_path(target, segments, error)) {
    FUZZ_CHECK(
        (error.code == "invalid_argument" || error.code == "invalid_utf8")
            && !error.detail.empty(),
        "split_path error '%s' without a detail", error.code.c_str());
    // The detail quotes the raw segment (maybe not UTF-8); what the
    // gateway sends with it must still be JSON text.
    auto body = error_body(error.code, error.detail);
    FUZZ_CHECK(valid_utf8(body), "error body is not UTF-8: %s", body.c_str());
    return;
  }
  auto path = target.substr(0, target.find('?'));
  FUZZ_CHECK(!path.empty() && path[0] == '/',
             "split_path took a target that is not a path");
  auto slashes = std::count(path.begin(), path.end(), '/') - 1;
  FUZZ_CHECK(segments.size() == static_cast<size_t>(slashes) + 1,
             "%zu segments for %ld slashes", segments.size(),
             static_cast<long>(slashes));
  std::string joined;
  for (auto& seg : segments) {
    // Raw NUL can only come from a caller, not from Beast's parser; only
    // an escaped one (%00) is refused.
    FUZZ_CHECK(valid_utf8(seg), "a segment is not UTF-8");
    joined += "/" + encode(seg);
  }
  path_segments again;
  FUZZ_CHECK(split_path(joined, again, error) && again == segments,
             "split_path is not stable under re-encoding");
  // A {name} parameter takes exactly one non-empty segment; a {name+}
  // one or more, joined back with '/'.
  route_params params;
  if (match_route_pattern("/ws/sessions/{id}", segments, params))
    FUZZ_CHECK(segments.size() == 3 && !params["id"].empty()
                   && params["id"] == segments[2],
               "WebSocket path matched with a bad id");
  if (match_route_pattern("/tracks/{id+}/retain", segments, params)) {
    std::string id = segments[1];
    for (size_t i = 2; i + 1 < segments.size(); ++i)
      id += "/" + segments[i];
    FUZZ_CHECK(segments.size() >= 3 && segments.back() == "retain"
                   && params["id"] == id,
               "rest parameter matched the wrong segments");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  check_decode(in, false);
  check_decode(in, true);
  check_split(in);
  query_params params;
  std::string error;
  if (!parse_query(in, params, error)) {
    FUZZ_CHECK(!error.empty(), "parse_query failed without saying why");
    return 0;
  }
  // Re-encoding the parameters and parsing them again must give the same
  // list: nothing is lost, reordered or merged.
  std::string target = "/p?";
  for (auto& [k, v] : params) {
    FUZZ_CHECK(!k.empty(), "empty parameter name accepted");
    target += encode(k) + "=" + encode(v) + "&";
  }
  query_params again;
  FUZZ_CHECK(parse_query(target, again, error) && again == params,
             "parse_query is not stable under re-encoding");
  return 0;
}
