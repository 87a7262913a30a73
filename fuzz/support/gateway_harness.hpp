// SPDX-License-Identifier: Apache-2.0
// The gateway in-process, without sockets: a real caf::actor_system, the
// real route() and WebSocket endpoints, and stub actors behind the typed
// interfaces (registry, sessions, clips, track history, relays). The stubs
// answer instantly and echo client-chosen ids into their error details the
// way the real actors do, so every byte the gateway turns into a reply is
// exercised; what the real actors do with a valid request is the actor
// tests' business, not the fuzzer's (a real registry would start a camera
// and a detector per session and make each input cost seconds).
#pragma once

#include "gateway/beast.hpp"
#include "gateway/context.hpp"
#include "gateway/ws_session.hpp"

#include <memory>
#include <string>
#include <vector>

namespace argus::fuzz {

/// Tokens of the locked context (auth on), one per role.
inline constexpr const char* viewer_token = "fuzz-viewer-token-0001";
inline constexpr const char* controller_token = "fuzz-controller-token-0001";
inline constexpr const char* admin_token = "fuzz-admin-token-0001";

/// Ids the stubs know; anything else gets the real actors' "unknown" error.
inline constexpr const char* known_camera = "cam1";
inline constexpr const char* known_session = "session-cam1-fuzz";
inline constexpr const char* known_clip = "clip1";

/// The process-wide actor system and two gateway contexts: `open` (no
/// tokens) and `locked` (bearer tokens). Created on first use and never
/// destroyed: the stubs live as long as the process, and the actor
/// system's destructor would wait for them forever.
struct gateway_harness {
  static gateway_harness& get();

  caf::actor_system* sys = nullptr;
  /// The stub session the registry hands out for known_session.
  session_actor session;
  std::shared_ptr<gateway_context> open;
  std::shared_ptr<gateway_context> locked;
};

/// Called from LLVMFuzzerInitialize of every target that runs actors:
/// adds -detect_leaks=0 unless the command line sets it. Actors end
/// asynchronously after an input, so mallocs and frees never balance per
/// input and libFuzzer would run a full leak scan after every one (30x
/// slower); LeakSanitizer still checks the whole run at exit.
void default_flags(int* argc, char*** argv);

/// Parses raw request bytes the way http_session does (same limits).
/// @returns false when Beast rejects them (the session answers 400 and
/// never reaches route()).
bool parse_request(const std::string& bytes, size_t body_limit,
                   http_request& out);

/// Runs route() and waits for its response. Fails the run if route()
/// answers twice or not at all within the harness deadline (a request the
/// server never answers hangs its client).
http_response route_and_wait(const std::shared_ptr<gateway_context>& ctx,
                             const http_request& req);

/// What every REST response must satisfy whatever the request was: no 500
/// (stubs never fail, so a 500 is the gateway's own fault), a JSON body
/// that parses (errors as {"error","detail"} strings), and headers Beast
/// can serialize.
void check_response(const http_response& res);

/// What every WebSocket text message must satisfy: a JSON object with a
/// string "type" (valid UTF-8 by construction of the parse).
void check_ws_text(const std::string& text);

/// Splits a fuzz input into WebSocket messages at "\n--\n" (never inside
/// a JSON document), at most `max_messages`.
std::vector<std::string> split_messages(const std::string& input,
                                        size_t max_messages);

/// Which endpoint a WebSocket run talks to.
enum class ws_kind { session, frames, camera };

/// The outcome of one WebSocket run.
struct ws_transcript {
  std::vector<std::string> texts;
  size_t binaries = 0;
  bool closed = false;
};

/// Opens a fresh endpoint of `kind` on a fake connection (granted
/// `granted`), delivers `messages` one at a time as the real ws_session
/// does (text when valid UTF-8, else binary: Beast closes a text frame
/// with invalid UTF-8 before argus sees it), waiting after each for
/// resume_read() or close(), then waits for `min_texts` text messages.
/// Fails the run when the endpoint stalls or sends an invalid message.
ws_transcript run_ws(ws_kind kind, role granted,
                     const std::vector<std::string>& messages,
                     size_t min_texts);

} // namespace argus::fuzz
