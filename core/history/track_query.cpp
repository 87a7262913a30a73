// SPDX-License-Identifier: Apache-2.0
#include "core/history/track_query.hpp"

#include "core/history/track_db.hpp"
#include "messages/error.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <set>

namespace argus {

namespace {

/// Unix ms bounds accepted for after/before: 1970 .. 2100.
constexpr int64_t max_unix_ms = 4'102'444'800'000;
constexpr size_t max_name_chars = 64;

caf::error bad(const std::string& name, const std::string& why) {
  return caf::make_error(ec::invalid_argument, name + ": " + why);
}

bool name_chars_ok(const std::string& v, const char* extra) {
  if (v.empty() || v.size() > max_name_chars)
    return false;
  for (unsigned char c : v)
    // c != 0: strchr finds the terminating NUL of `extra`.
    if (!std::isalnum(c) && (c == 0 || !std::strchr(extra, c)))
      return false;
  return true;
}

caf::error parse_bool(const std::string& name, const std::string& v,
                      int32_t& out) {
  if (v == "true" || v == "1")
    out = 1;
  else if (v == "false" || v == "0")
    out = 0;
  else
    return bad(name, "must be true or false, got '" + v.substr(0, 32) + "'");
  return {};
}

caf::error parse_time(const std::string& name, const std::string& v,
                      int64_t& out) {
  if (!parse_decimal(v, out) || out > max_unix_ms)
    return bad(name, "must be unix milliseconds between 0 and "
                         + std::to_string(max_unix_ms));
  return {};
}

caf::error check_known(const query_params& params,
                       const std::set<std::string>& known) {
  std::set<std::string> seen;
  for (auto& [k, v] : params) {
    if (!known.count(k))
      return bad(k.substr(0, 64), "unknown parameter");
    if (!seen.insert(k).second)
      return bad(k, "given more than once");
  }
  return {};
}

caf::error apply(track_query& q, const std::string& k, const std::string& v) {
  if (k == "camera_id") {
    if (!name_chars_ok(v, "_-"))
      return bad(k, "must be 1-64 letters, digits, '_' or '-'");
    q.camera_id = v;
  } else if (k == "label") {
    if (!name_chars_ok(v, "_-. "))
      return bad(k, "must be 1-64 letters, digits, '_', '-', '.' or ' '");
    q.label = v;
  } else if (k == "after") {
    return parse_time(k, v, q.after);
  } else if (k == "before") {
    return parse_time(k, v, q.before);
  } else if (k == "min_score") {
    char* end = nullptr;
    errno = 0;
    bool plain = !v.empty() && v.size() <= 32
                 && v.find_first_not_of("0123456789.eE+-") == std::string::npos;
    double s = plain ? std::strtod(v.c_str(), &end) : NAN;
    if (errno || !end || *end != '\0' || !std::isfinite(s) || s < 0 || s > 1)
      return bad(k, "must be a number between 0 and 1");
    q.min_score = s;
  } else if (k == "in_progress") {
    return parse_bool(k, v, q.in_progress);
  } else if (k == "confirmed") {
    return parse_bool(k, v, q.confirmed);
  } else if (k == "limit") {
    int64_t n = 0;
    if (!parse_decimal(v, n) || n < 1 || n > max_track_page)
      return bad(k, "must be an integer between 1 and "
                        + std::to_string(max_track_page));
    q.limit = static_cast<int32_t>(n);
  } else if (k == "cursor") {
    if (!decode_cursor(v, q.cursor_ts, q.cursor_seq))
      return bad(k, "is not a cursor this server issued");
  }
  return {};
}

/// The parameters of `known` (a subset of GET /tracks') into a query.
caf::expected<track_query> parse_known(const query_params& params,
                                       const std::set<std::string>& known) {
  if (auto err = check_known(params, known))
    return err;
  track_query q;
  for (auto& [k, v] : params)
    if (auto err = apply(q, k, v))
      return err;
  if (q.after != none_id && q.before != none_id && q.after >= q.before)
    return bad("after", "must be less than before");
  return q;
}

} // namespace

bool parse_decimal(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > 19
      || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  errno = 0;
  out = std::strtoll(text.c_str(), nullptr, 10);
  return errno == 0;
}

caf::expected<track_query> parse_track_query(const query_params& params) {
  static const std::set<std::string> known{
      "camera_id",   "label",     "after", "before", "min_score",
      "in_progress", "confirmed", "limit", "cursor"};
  return parse_known(params, known);
}

caf::expected<ptz_command_query>
parse_ptz_command_query(const query_params& params) {
  // Each parameter means what it means for GET /tracks, on the command's
  // time instead of the track's start.
  static const std::set<std::string> known{"camera_id", "after", "before",
                                           "limit", "cursor"};
  auto t = parse_known(params, known);
  if (!t)
    return t.error();
  ptz_command_query q;
  q.camera_id = std::move(t->camera_id);
  q.after = t->after;
  q.before = t->before;
  q.limit = t->limit;
  q.cursor_ts = t->cursor_ts;
  q.cursor_seq = t->cursor_seq;
  return q;
}

caf::expected<int> parse_track_detail(const query_params& params) {
  if (auto err = check_known(params, {"samples", "max_samples"}))
    return err;
  int32_t with_samples = 1;
  int64_t max = 10000;
  for (auto& [k, v] : params) {
    if (k == "samples") {
      if (auto err = parse_bool(k, v, with_samples))
        return err;
    } else if (!parse_decimal(v, max) || max < 1 || max > 100000) {
      return bad(k, "must be an integer between 1 and 100000");
    }
  }
  return with_samples ? static_cast<int>(max) : 0;
}

bool valid_track_id(const std::string& id) {
  auto slash = id.rfind('/');
  if (slash == std::string::npos || slash == 0)
    return false;
  int64_t n = 0;
  return name_chars_ok(id.substr(0, slash), "_-")
         && parse_decimal(id.substr(slash + 1), n) && n > 0;
}

} // namespace argus
