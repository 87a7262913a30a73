// SPDX-License-Identifier: Apache-2.0
#include "core/logging.hpp"

#include "core/text.hpp"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace argus {

namespace {

thread_local const log_ctx* current_ctx = nullptr;

/// `tp` as 2026-01-01T12:00:00.123Z.
std::string iso_utc_ms(spdlog::log_clock::time_point tp) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(tp.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms / 1000);
  auto frac = static_cast<int>(ms % 1000);
  if (frac < 0) { // before 1970: floor, not truncate
    frac += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", frac);
  return buf;
}

/// Level names as `logging.level` spells them ("warn", not spdlog's
/// "warning").
const char* level_name(spdlog::level::level_enum lvl) {
  switch (lvl) {
  case spdlog::level::trace:
    return "trace";
  case spdlog::level::debug:
    return "debug";
  case spdlog::level::info:
    return "info";
  case spdlog::level::warn:
    return "warn";
  case spdlog::level::err:
    return "error";
  case spdlog::level::critical:
    return "critical";
  default:
    return "off";
  }
}

} // namespace

log_scope::log_scope(const log_ctx& ctx) : saved_(current_ctx) {
  current_ctx = &ctx;
}

log_scope::~log_scope() {
  current_ctx = saved_;
}

const log_ctx* current_log_ctx() {
  return current_ctx;
}

const char* to_string(log_format x) {
  return x == log_format::json ? "json" : "text";
}

bool parse_log_format(std::string_view text, log_format& out) {
  if (text == "text")
    out = log_format::text;
  else if (text == "json")
    out = log_format::json;
  else
    return false;
  return true;
}

void json_log_formatter::format(const spdlog::details::log_msg& msg,
                                spdlog::memory_buf_t& dest) {
  // nlohmann keeps keys sorted; the order of a JSON object carries no
  // meaning, and collectors index by name.
  nlohmann::json line{
      {"ts", iso_utc_ms(msg.time)},
      {"level", level_name(msg.level)},
      {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
      {"thread", msg.thread_id},
      {"msg", std::string(msg.payload.data(), msg.payload.size())}};
  if (auto* ctx = current_ctx) {
    if (!ctx->request_id.empty())
      line["request_id"] = ctx->request_id;
    if (!ctx->session_id.empty())
      line["session_id"] = ctx->session_id;
    if (!ctx->camera_id.empty())
      line["camera_id"] = ctx->camera_id;
  }
  auto text = dump_json(line);
  text.push_back('\n');
  dest.append(text.data(), text.data() + text.size());
}

std::unique_ptr<spdlog::formatter> json_log_formatter::clone() const {
  return std::make_unique<json_log_formatter>();
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (unsigned char c : id)
    if (c < 0x20 || c > 0x7e)
      return false;
  return true;
}

std::string new_request_id() {
  // One generator per thread: io threads make ids without a lock.
  thread_local std::mt19937_64 gen{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  auto x = gen();
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, x >>= 4)
    out[size_t(i)] = hex[x & 0xf];
  return out;
}

void setup_logging(const std::string& level, log_format format) {
  // Replace a logger of an earlier set-up (tests set up more than once).
  spdlog::drop("argus");
  if (format == log_format::json) {
    // No colours: a collector reads the bytes as they are.
    auto logger = spdlog::stderr_logger_mt("argus");
    logger->set_formatter(std::make_unique<json_log_formatter>());
    spdlog::set_default_logger(std::move(logger));
  } else {
    spdlog::set_default_logger(spdlog::stderr_color_mt("argus"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }
  spdlog::set_level(spdlog::level::from_str(level));
}

} // namespace argus
