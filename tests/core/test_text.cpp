// SPDX-License-Identifier: Apache-2.0
#include "core/text.hpp"

#include <gtest/gtest.h>

using namespace argus;

TEST(text, valid_utf8_accepts_text_and_rejects_malformed_sequences) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("cam_01/17"));
  EXPECT_TRUE(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x81"));
  EXPECT_FALSE(valid_utf8("/nope\xbf"));        // lone continuation byte
  EXPECT_FALSE(valid_utf8("\xc3"));             // truncated sequence
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));         // overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));     // UTF-16 surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
  EXPECT_FALSE(valid_utf8(std::string("a\xff", 2)));
}

TEST(text, dump_json_replaces_invalid_utf8_instead_of_throwing) {
  nlohmann::json j{{"detail", "no session '\xbf'"}};
  // The library's own dump() throws type_error.316 here: that exception
  // used to terminate the server.
  EXPECT_THROW(j.dump(), nlohmann::json::type_error);
  std::string out;
  ASSERT_NO_THROW(out = dump_json(j));
  EXPECT_EQ(out, "{\"detail\":\"no session '\xef\xbf\xbd'\"}");
  EXPECT_TRUE(valid_utf8(out));
}

TEST(text, quote_prefix_never_cuts_a_character_in_half) {
  std::string euro = "\xe2\x82\xac"; // 3 bytes
  std::string s = "ab" + euro + "cd";
  EXPECT_EQ(quote_prefix(s, 100), s);
  EXPECT_EQ(quote_prefix(s, 2), "ab");
  EXPECT_EQ(quote_prefix(s, 3), "ab");
  EXPECT_EQ(quote_prefix(s, 4), "ab");
  EXPECT_EQ(quote_prefix(s, 5), "ab" + euro);
  EXPECT_TRUE(valid_utf8(quote_prefix(s, 3)));
}
