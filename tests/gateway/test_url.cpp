// SPDX-License-Identifier: Apache-2.0
#include "gateway/url.hpp"

#include <gtest/gtest.h>

using namespace argus;

namespace {

path_segments split_ok(const std::string& target) {
  path_segments out;
  path_error err;
  EXPECT_TRUE(split_path(target, out, err)) << target << ": " << err.detail;
  return out;
}

/// What the gateway does with a target: split it once (a malformed one
/// is no match), then match the segments against a route pattern.
bool matches(const std::string& target, const char* pattern,
             route_params& params) {
  path_segments segments;
  path_error err;
  return split_path(target, segments, err)
         && match_route_pattern(pattern, segments, params);
}

/// The id a "/ws/<kind>/{id}" route takes from `target`, if it matches.
bool ws_id(const std::string& target, const std::string& kind,
           std::string& id) {
  route_params params;
  auto pattern = "/ws/" + kind + "/{id}";
  if (!matches(target, pattern.c_str(), params))
    return false;
  id = params["id"];
  return true;
}

path_error split_bad(const std::string& target) {
  path_segments out;
  path_error err;
  EXPECT_FALSE(split_path(target, out, err)) << target;
  return err;
}

} // namespace

TEST(split_path, splits_on_slash_and_drops_the_query) {
  EXPECT_EQ(split_ok("/sessions/abc"), (path_segments{"sessions", "abc"}));
  EXPECT_EQ(split_ok("/sessions/abc?x=%2F&y=1"),
            (path_segments{"sessions", "abc"}));
  EXPECT_EQ(split_ok("/"), (path_segments{""}));
  EXPECT_EQ(split_ok("/sessions/"), (path_segments{"sessions", ""}));
  EXPECT_EQ(split_ok("/a//b"), (path_segments{"a", "", "b"}));
}

TEST(split_path, decodes_each_segment_once) {
  // The web client's encodeURIComponent of a session id with its time.
  EXPECT_EQ(
      split_ok("/sessions/session-cam_01-2026-01-02T18%3A30%3A07.382Z-1"),
      (path_segments{"sessions", "session-cam_01-2026-01-02T18:30:07.382Z-1"}));
  // An escaped '/' stays inside its segment: split first, decode after.
  EXPECT_EQ(split_ok("/tracks/cam_01%2F17/retain"),
            (path_segments{"tracks", "cam_01/17", "retain"}));
  EXPECT_EQ(split_ok("/tracks/cam_01%2f17"),
            (path_segments{"tracks", "cam_01/17"}));
  // Once only: "%252F" is the three characters "%2F", not a slash.
  EXPECT_EQ(split_ok("/tracks/cam_01%252F17"),
            (path_segments{"tracks", "cam_01%2F17"}));
  // '+' is a plus in a path (only forms turn it into a space).
  EXPECT_EQ(split_ok("/cameras/a+b%20c"), (path_segments{"cameras", "a+b c"}));
  // Raw and escaped UTF-8 decode to the same text.
  EXPECT_EQ(split_ok("/cameras/caf%C3%A9"), split_ok("/cameras/caf\xC3\xA9"));
}

TEST(split_path, refuses_what_does_not_decode_to_text) {
  struct {
    const char* target;
    const char* code;
    const char* detail;
  } cases[] = {
      {"/sessions/%", "invalid_argument", "malformed percent-escape"},
      {"/sessions/a%2", "invalid_argument", "malformed percent-escape"},
      {"/sessions/%G1", "invalid_argument", "malformed percent-escape"},
      {"/sessions/%%41", "invalid_argument", "malformed percent-escape"},
      {"/sessions/ok/%zz", "invalid_argument", "malformed percent-escape"},
      {"/%/sessions", "invalid_argument", "malformed percent-escape"},
      // A NUL would cut an id short wherever it reaches a C string.
      {"/sessions/a%00b", "invalid_argument", "NUL"},
      {"/sessions/%FF", "invalid_utf8", "not valid UTF-8"},
      {"/sessions/%C3", "invalid_utf8", "not valid UTF-8"},       // truncated
      {"/cameras/%C0%AF", "invalid_utf8", "not valid UTF-8"},     // overlong
      {"/sessions/%ED%A0%80", "invalid_utf8", "not valid UTF-8"}, // surrogate
      {"/tracks/ok/%F4%90%80%80", "invalid_utf8", "not valid UTF-8"},
  };
  for (auto& c : cases) {
    auto err = split_bad(c.target);
    EXPECT_EQ(err.code, c.code) << c.target;
    EXPECT_NE(err.detail.find(c.detail), std::string::npos) << err.detail;
  }
}

TEST(split_path, quotes_at_most_a_prefix_of_a_long_segment) {
  auto err = split_bad("/sessions/" + std::string(10000, 'x') + "%");
  EXPECT_EQ(err.code, "invalid_argument");
  EXPECT_LT(err.detail.size(), 200u);
}

TEST(route_patterns, decode_one_segment_ids) {
  std::string id;
  EXPECT_TRUE(ws_id("/ws/sessions/s-T18%3A30%3A07Z-1?x=1", "sessions", id));
  EXPECT_EQ(id, "s-T18:30:07Z-1");
  EXPECT_TRUE(ws_id("/ws/sessions/a%2Fb", "sessions", id));
  EXPECT_EQ(id, "a/b");
  EXPECT_FALSE(ws_id("/ws/sessions/%zz", "sessions", id));
  EXPECT_TRUE(ws_id("/ws/cameras/cam%5F01?fps=2", "cameras", id));
  EXPECT_EQ(id, "cam_01");
  EXPECT_FALSE(ws_id("/ws/cameras/", "cameras", id));
  EXPECT_FALSE(ws_id("/ws/cameras/a/b", "cameras", id));
  EXPECT_FALSE(ws_id("/ws/sessions/a", "cameras", id));
  EXPECT_TRUE(ws_id("/ws/frames/x", "frames", id));
  EXPECT_EQ(id, "x");
  EXPECT_FALSE(ws_id("/ws/frames", "frames", id));
  EXPECT_FALSE(ws_id("/ws/framesx/y", "frames", id));
  EXPECT_TRUE(ws_id("/ws/sessions/abc?x=1", "sessions", id));
  EXPECT_EQ(id, "abc");
  EXPECT_FALSE(ws_id("/ws/sessions/", "sessions", id));
  EXPECT_FALSE(ws_id("/ws/sessions/a/b", "sessions", id));
  EXPECT_FALSE(ws_id("/sessions/a", "sessions", id));
}

TEST(route_patterns, match_literals_exactly) {
  route_params params;
  EXPECT_TRUE(matches("/healthz", "/healthz", params));
  EXPECT_TRUE(matches("/healthz?x=1", "/healthz", params));
  EXPECT_FALSE(matches("/healthz/", "/healthz", params));
  EXPECT_FALSE(matches("/healthzz", "/healthz", params));
  EXPECT_FALSE(matches("/", "/healthz", params));
  EXPECT_TRUE(matches("/cameras/c1/latest.jpg",
                      "/cameras/{camera_id}/latest.jpg", params));
  EXPECT_EQ(params["camera_id"], "c1");
  EXPECT_EQ(params["other"], "");
  EXPECT_FALSE(matches("/cameras/c1/latest.png",
                       "/cameras/{camera_id}/latest.jpg", params));
}

TEST(route_patterns, rest_parameters_take_raw_or_escaped_slashes) {
  route_params params;
  EXPECT_TRUE(matches("/tracks/cam_01/17", "/tracks/{track_id+}", params));
  EXPECT_EQ(params["track_id"], "cam_01/17");
  EXPECT_TRUE(matches("/tracks/cam_01%2F17", "/tracks/{track_id+}", params));
  EXPECT_EQ(params["track_id"], "cam_01/17");
  EXPECT_TRUE(matches("/tracks/cam_01/17/retain", "/tracks/{track_id+}/retain",
                      params));
  EXPECT_EQ(params["track_id"], "cam_01/17");
  // The rest parameter needs one segment; the literal after it is kept.
  EXPECT_FALSE(matches("/tracks/retain", "/tracks/{track_id+}/retain", params));
  EXPECT_FALSE(matches("/tracks", "/tracks/{track_id+}", params));
  EXPECT_FALSE(
      matches("/tracks/a/b/keep", "/tracks/{track_id+}/retain", params));
  // An empty segment is handed on: the handler says why it is no track id.
  EXPECT_TRUE(matches("/tracks/", "/tracks/{track_id+}", params));
  EXPECT_EQ(params["track_id"], "");
}

TEST(split_path, refuses_targets_that_are_not_paths) {
  for (auto target : {"healthz", "", "?x=1", "http://127.0.0.1/healthz", "*"}) {
    auto err = split_bad(target);
    EXPECT_EQ(err.code, "invalid_argument") << target;
    EXPECT_FALSE(err.detail.empty());
  }
}
