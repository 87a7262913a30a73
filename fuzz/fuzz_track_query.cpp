// SPDX-License-Identifier: Apache-2.0
// GET /tracks, GET /tracks/{id} and GET /ptz/commands parameters: the
// input is a query string, decoded by parse_query and validated by
// parse_track_query, parse_track_detail and parse_ptz_command_query; also
// the track-id check of /tracks/{id}.
#include "core/history/track_query.hpp"
#include "fuzz/support/fuzz_check.hpp"
#include "gateway/url.hpp"
#include "messages/error.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>

using namespace argus;

namespace {

bool name_ok(const std::string& v, const std::string& extra) {
  if (v.size() > 64)
    return false;
  for (unsigned char c : v)
    if (!std::isalnum(c)
        && extra.find(static_cast<char>(c)) == std::string::npos)
      return false;
  return true;
}

/// What every accepted page query (GET /tracks, GET /ptz/commands) holds:
/// a limit in range, a camera id of allowed characters, an ordered time
/// window and a whole cursor or none.
template <class Query> void check_page(const Query& q) {
  FUZZ_CHECK(q.limit >= 1 && q.limit <= max_track_page, "limit %d", q.limit);
  FUZZ_CHECK(name_ok(q.camera_id, "_-"), "camera_id with bad characters");
  FUZZ_CHECK(q.after == none_id || q.before == none_id || q.after < q.before,
             "after >= before accepted");
  FUZZ_CHECK((q.cursor_ts == none_id) == (q.cursor_seq == none_id),
             "half a cursor");
}

void check_query(const query_params& params) {
  auto q = parse_track_query(params);
  if (!q) {
    FUZZ_CHECK(q.error() == ec::invalid_argument,
               "parse_track_query failed with another error");
    return;
  }
  check_page(*q);
  FUZZ_CHECK(q->min_score == -1 || (q->min_score >= 0 && q->min_score <= 1),
             "min_score %f", q->min_score);
  FUZZ_CHECK(q->in_progress >= -1 && q->in_progress <= 1, "in_progress");
  FUZZ_CHECK(q->confirmed >= -1 && q->confirmed <= 1, "confirmed");
  FUZZ_CHECK(name_ok(q->label, "_-. "), "label with bad characters accepted");
}

void check_ptz_query(const query_params& params) {
  auto q = parse_ptz_command_query(params);
  if (!q) {
    FUZZ_CHECK(q.error() == ec::invalid_argument,
               "parse_ptz_command_query failed with another error");
    return;
  }
  check_page(*q);
  // It accepts exactly the GET /tracks parameters it shares with them.
  for (auto& [k, v] : params)
    FUZZ_CHECK(k == "camera_id" || k == "after" || k == "before" || k == "limit"
                   || k == "cursor",
               "unknown parameter accepted");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  query_params params;
  std::string error;
  if (parse_query("/tracks?" + in, params, error)) {
    check_query(params);
    check_ptz_query(params);
    auto detail = parse_track_detail(params);
    if (detail)
      FUZZ_CHECK(*detail >= 0 && *detail <= 100000, "max_samples %d", *detail);
  }
  int64_t n = 0;
  if (parse_decimal(in, n))
    FUZZ_CHECK(n >= 0 && std::to_string(n).size() <= in.size(),
               "parse_decimal gave %lld", static_cast<long long>(n));
  if (valid_track_id(in)) {
    auto slash = in.rfind('/');
    FUZZ_CHECK(slash != std::string::npos && slash > 0
                   && name_ok(in.substr(0, slash), "_-"),
               "bad track id accepted");
  }
  return 0;
}
