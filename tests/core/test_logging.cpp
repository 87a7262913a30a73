// SPDX-License-Identifier: Apache-2.0
#include "core/logging.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <regex>
#include <spdlog/sinks/ostream_sink.h>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace argus;

namespace {

/// A logger that writes JSON lines into a string stream.
struct captured {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;

  captured() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(std::make_unique<json_log_formatter>());
    logger->set_level(spdlog::level::trace);
  }

  /// Every line, each parsed (a line that does not parse fails the test).
  std::vector<nlohmann::json> lines() {
    std::vector<nlohmann::json> result;
    std::istringstream in(out.str());
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
      EXPECT_TRUE(j.is_object()) << line;
      result.push_back(j);
    }
    return result;
  }
};

} // namespace

TEST(json_log_formatter, one_object_per_line_with_the_base_fields) {
  captured c;
  c.logger->info("hello {}", 42);
  c.logger->warn("careful");
  c.logger->error("broken");
  c.logger->debug("detail");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["msg"], "hello 42");
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[1]["level"], "warn");
  EXPECT_EQ(lines[2]["level"], "error");
  EXPECT_EQ(lines[3]["level"], "debug");
  EXPECT_EQ(lines[0]["logger"], "test");
  EXPECT_TRUE(lines[0]["thread"].is_number_unsigned());
  std::regex iso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  for (auto& l : lines) {
    ASSERT_TRUE(l["ts"].is_string());
    EXPECT_TRUE(std::regex_match(l["ts"].get<std::string>(), iso)) << l;
    // No context, no context fields.
    EXPECT_FALSE(l.contains("request_id"));
    EXPECT_FALSE(l.contains("session_id"));
    EXPECT_FALSE(l.contains("camera_id"));
  }
}

TEST(json_log_formatter, timestamp_is_utc_with_milliseconds) {
  captured c;
  spdlog::details::log_msg msg("test", spdlog::level::info, "at a known time");
  // 2021-03-04T05:06:07.089Z
  msg.time
      = spdlog::log_clock::time_point(std::chrono::milliseconds(1614834367089));
  spdlog::memory_buf_t buf;
  json_log_formatter f;
  f.format(msg, buf);
  auto j = nlohmann::json::parse(std::string(buf.data(), buf.size()));
  EXPECT_EQ(j["ts"], "2021-03-04T05:06:07.089Z");
  ASSERT_GT(buf.size(), 0u);
  EXPECT_EQ(buf.data()[buf.size() - 1], '\n');
}

TEST(json_log_formatter, escapes_quotes_controls_and_invalid_utf8) {
  captured c;
  c.logger->info("quote \" backslash \\ newline \n tab \t bell \x07 end");
  c.logger->info("bad utf8 \xff\xfe and a cut \xe2\x82 here");
  c.logger->info("fine utf8 \xe2\x82\xac");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["msg"],
            "quote \" backslash \\ newline \n tab \t bell \x07 end");
  auto bad = lines[1]["msg"].get<std::string>();
  EXPECT_NE(bad.find("\xef\xbf\xbd"), std::string::npos) << bad; // U+FFFD
  EXPECT_EQ(bad.find('\xff'), std::string::npos);
  EXPECT_EQ(lines[2]["msg"], "fine utf8 \xe2\x82\xac");
  // The newline inside the message did not split the line.
  auto all = c.out.str();
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 3);
}

TEST(json_log_formatter, carries_the_threads_context_while_its_scope_lasts) {
  captured c;
  log_ctx request{"req-1", "", ""};
  log_ctx session{"", "session-cam_01-x", "cam_01"};
  {
    log_scope outer{request};
    c.logger->info("in a request");
    {
      log_scope inner{session};
      c.logger->info("in a session");
    }
    c.logger->info("back in the request");
  }
  c.logger->info("outside");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["request_id"], "req-1");
  EXPECT_FALSE(lines[0].contains("session_id"));
  EXPECT_EQ(lines[1]["session_id"], "session-cam_01-x");
  EXPECT_EQ(lines[1]["camera_id"], "cam_01");
  EXPECT_FALSE(lines[1].contains("request_id"));
  EXPECT_EQ(lines[2]["request_id"], "req-1");
  EXPECT_FALSE(lines[3].contains("request_id"));
  EXPECT_EQ(current_log_ctx(), nullptr);
}

TEST(json_log_formatter, context_is_per_thread) {
  captured c;
  log_ctx mine{"", "", "cam_main"};
  log_scope scope{mine};
  std::thread other([&] { c.logger->info("from another thread"); });
  other.join();
  c.logger->info("from this thread");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[0].contains("camera_id"));
  EXPECT_EQ(lines[1]["camera_id"], "cam_main");
}

TEST(json_log_formatter, escapes_context_values_too) {
  captured c;
  log_ctx odd{"id\"with\nodd\xff", "", ""};
  log_scope scope{odd};
  c.logger->info("x");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0]["request_id"].is_string());
}

TEST(log_with, sets_the_context_for_one_line) {
  captured c;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(c.logger);
  log_ctx cam{"", "", "cam_07"};
  log_with(cam, spdlog::level::warn, "camera {} failed", "cam_07");
  spdlog::info("after");
  spdlog::set_default_logger(previous);
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["camera_id"], "cam_07");
  EXPECT_EQ(lines[0]["level"], "warn");
  EXPECT_EQ(lines[0]["msg"], "camera cam_07 failed");
  EXPECT_FALSE(lines[1].contains("camera_id"));
}

TEST(log_format, parses_text_and_json_only) {
  log_format f = log_format::text;
  EXPECT_TRUE(parse_log_format("json", f));
  EXPECT_EQ(f, log_format::json);
  EXPECT_TRUE(parse_log_format("text", f));
  EXPECT_EQ(f, log_format::text);
  EXPECT_FALSE(parse_log_format("JSON", f));
  EXPECT_FALSE(parse_log_format("", f));
  EXPECT_STREQ(to_string(log_format::json), "json");
}

TEST(request_id, accepts_short_printable_ids_only) {
  EXPECT_TRUE(valid_request_id("abc-123"));
  EXPECT_TRUE(valid_request_id(std::string(64, 'x')));
  EXPECT_TRUE(valid_request_id("with space and {} \"quotes\""));
  EXPECT_FALSE(valid_request_id(""));
  EXPECT_FALSE(valid_request_id(std::string(65, 'x')));
  EXPECT_FALSE(valid_request_id("line\nbreak"));
  EXPECT_FALSE(valid_request_id("tab\there"));
  EXPECT_FALSE(valid_request_id("del\x7f"));
  EXPECT_FALSE(valid_request_id("utf8 \xe2\x82\xac"));
}

TEST(request_id, new_ids_are_16_hex_digits_and_differ) {
  auto a = new_request_id();
  auto b = new_request_id();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{16}")));
  EXPECT_TRUE(valid_request_id(a));
  EXPECT_NE(a, b);
}
