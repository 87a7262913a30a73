// SPDX-License-Identifier: Apache-2.0
#include "core/models/multipart.hpp"
#include "messages/error.hpp"

#include <gtest/gtest.h>

using namespace argus;

namespace {

std::string body_of(const std::string& b,
                    std::vector<std::pair<std::string, std::string>> parts) {
  std::string out;
  for (auto& [headers, body] : parts)
    out += "--" + b + "\r\n" + headers + "\r\n\r\n" + body + "\r\n";
  return out + "--" + b + "--\r\n";
}

} // namespace

TEST(multipart, boundary_from_content_type) {
  EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*multipart_boundary("Multipart/Form-Data;boundary=\"a b;c\""),
            "a b;c");
  EXPECT_FALSE(multipart_boundary("application/json"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"\""));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary="
                                  + std::string(71, 'x')));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"open"));
}

TEST(multipart, parses_a_file_and_a_text_part) {
  std::string onnx("\x08\x07\x00\r\n--not-it\r\n", 16);
  auto body = body_of(
      "XyZ", {{"Content-Disposition: form-data; name=\"file\"; "
               "filename=\"m.onnx\"\r\nContent-Type: application/octet-stream",
               onnx},
              {"content-disposition: form-data; name=names", "drone\nbird\n"}});
  auto parts = parse_multipart(body, "XyZ");
  ASSERT_TRUE(parts) << error_detail(parts.error());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "file");
  EXPECT_EQ((*parts)[0].filename, "m.onnx");
  EXPECT_EQ((*parts)[0].content_type, "application/octet-stream");
  EXPECT_EQ((*parts)[0].body, onnx);
  EXPECT_EQ((*parts)[1].name, "names");
  EXPECT_EQ((*parts)[1].filename, "");
  EXPECT_EQ((*parts)[1].body, "drone\nbird\n");
}

TEST(multipart, accepts_a_preamble_and_an_empty_body) {
  auto body = "preamble\r\n--b\r\nContent-Disposition: form-data; "
              "name=\"x\"\r\n\r\n\r\n--b--";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, "");
  auto none = parse_multipart("--b--\r\n", "b");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(multipart, refuses_what_would_hide_a_truncated_upload) {
  auto full = body_of(
      "b", {{"Content-Disposition: form-data; name=\"f\"", "payload"}});
  // No closing delimiter: the upload was cut.
  auto cut = full.substr(0, full.find("payload") + 4);
  auto r = parse_multipart(cut, "b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), ec::invalid_argument);
  EXPECT_NE(error_detail(r.error()).find("closing delimiter"),
            std::string::npos);
  EXPECT_FALSE(parse_multipart("no delimiter here", "b"));
  EXPECT_FALSE(parse_multipart(full, ""));
  // Headers that never end.
  EXPECT_FALSE(parse_multipart("--b\r\nContent-Disposition: form-data", "b"));
}

TEST(multipart, every_part_needs_a_named_form_data_disposition) {
  EXPECT_FALSE(
      parse_multipart(body_of("b", {{"Content-Type: text/plain", "x"}}), "b"));
  EXPECT_FALSE(parse_multipart(
      body_of("b", {{"Content-Disposition: attachment; name=\"f\"", "x"}}),
      "b"));
  EXPECT_FALSE(parse_multipart(
      body_of("b", {{"Content-Disposition: form-data", "x"}}), "b"));
  EXPECT_FALSE(parse_multipart(
      body_of("b", {{"Content-Disposition: form-data; name=\"f", "x"}}), "b"));
  EXPECT_FALSE(parse_multipart(body_of("b", {{"no colon", "x"}}), "b"));
  // A part with no headers at all.
  EXPECT_FALSE(parse_multipart("--b\r\n\r\nx\r\n--b--", "b"));
}

TEST(multipart, limits_the_number_of_parts) {
  std::vector<std::pair<std::string, std::string>> many(
      9, {"Content-Disposition: form-data; name=\"p\"", "x"});
  EXPECT_FALSE(parse_multipart(body_of("b", many), "b"));
  many.resize(8);
  EXPECT_TRUE(parse_multipart(body_of("b", many), "b"));
}
