// SPDX-License-Identifier: Apache-2.0
// Log set-up and structured logs: `logging.format: text|json`, and the ids
// (request, session, camera) a line is about.
#pragma once

#include <memory>
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>
#include <utility>

namespace argus {

/// What a log line is about; empty fields are left out of the line. The
/// JSON format writes them as `request_id`, `session_id`, `camera_id`.
struct log_ctx {
  std::string request_id;
  std::string session_id;
  std::string camera_id;
};

/// Makes `ctx` the calling thread's log context until the scope ends, then
/// restores the one before. Only a pointer is kept: `ctx` must outlive the
/// scope. Set per call or per handler, never per actor: CAF runs an actor's
/// handlers on whichever scheduler thread is free.
class log_scope {
public:
  explicit log_scope(const log_ctx& ctx);
  ~log_scope();
  log_scope(const log_scope&) = delete;
  log_scope& operator=(const log_scope&) = delete;

private:
  const log_ctx* saved_;
};

/// The calling thread's log context (null outside any log_scope).
const log_ctx* current_log_ctx();

/// Logs one line with `ctx` as its context: the helper actors use, so a
/// line carries its session and camera whatever thread runs the handler.
/// spdlog formats on the calling thread (no async logger), so the context
/// is in place while the formatter runs.
template <class... Ts>
void log_with(const log_ctx& ctx, spdlog::level::level_enum level,
              spdlog::format_string_t<Ts...> fmt, Ts&&... xs) {
  if (!spdlog::should_log(level))
    return;
  log_scope scope{ctx};
  spdlog::log(level, fmt, std::forward<Ts>(xs)...);
}

/// How log lines are written.
enum class log_format {
  /// `2026-01-01T12:00:00.123 info  text`, for people.
  text,
  /// One JSON object per line, for collectors.
  json,
};

/// "text" or "json".
const char* to_string(log_format x);

/// Parses "text" or "json"; false for anything else.
bool parse_log_format(std::string_view text, log_format& out);

/// Writes each record as one JSON object on one line: `ts` (ISO-8601 UTC
/// with milliseconds and `Z`), `level`, `logger`, `thread`, `msg`, and the
/// thread's log context (`request_id`, `session_id`, `camera_id`) where
/// set. Strings go through dump_json(): quotes and control characters are
/// escaped and invalid UTF-8 becomes U+FFFD, so every line parses.
class json_log_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

/// Whether a client's `X-Request-Id` may be used as this request's id:
/// 1 to 64 printable ASCII characters (no controls, nothing that could
/// split a log line or a header).
bool valid_request_id(std::string_view id);

/// A new request id: 16 random hex digits (64 bits), unique enough to find
/// one request's lines among a day's.
std::string new_request_id();

/// Makes the default logger ("argus", on stderr) with `format` and the
/// lowest `level` ("trace" ... "off") logged.
void setup_logging(const std::string& level, log_format format);

} // namespace argus
