// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/beast.hpp"
#include "gateway/context.hpp"

#include <functional>
#include <memory>
#include <string>

namespace argus {

/// Delivers one HTTP response back to its connection (thread-safe).
using responder = std::function<void(http_response)>;

/// Routes one REST request through the route table (gateway/routes.cpp):
/// authorizes it, answers 400/404/405/426 itself or calls the endpoint's
/// handler, so `respond` runs exactly once (from whatever thread the
/// answer arrives on).
void route(const std::shared_ptr<gateway_context>& ctx, const http_request& req,
           responder respond, const std::string& peer = {});

/// A JSON response with the request's version and keep-alive.
http_response json_response(const http_request& req, http::status status,
                            std::string body);

/// A JSON error response {"error": code, "detail": detail}.
http_response error_response(const http_request& req, http::status status,
                             const std::string& code,
                             const std::string& detail);

/// The HTTP status and wire code of an actor error.
http::status status_of(const caf::error& err);
std::string code_of(const caf::error& err);

/// Answers a request later, from any thread, keeping only what the
/// response needs (the request itself is gone by then).
struct deferred_reply {
  unsigned version = 11;
  bool keep_alive = false;
  responder respond;

  void json(http::status status, std::string body) const;
  /// A response without a body (204 No Content).
  void empty(http::status status) const;
  void error(http::status status, const std::string& code,
             const std::string& detail) const;
  /// The actor error mapped by status_of/code_of.
  void error(const caf::error& err) const;
  /// 405 for `req`'s method, with the Allow header RFC 9110 requires
  /// naming the methods the resource takes ("GET, DELETE").
  void method_not_allowed(const http_request& req,
                          const std::string& allow) const;
};

/// A deferred_reply for `req`.
deferred_reply defer_reply(const http_request& req, responder respond);

} // namespace argus
