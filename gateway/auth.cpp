// SPDX-License-Identifier: Apache-2.0
#include "gateway/auth.hpp"

#include "gateway/url.hpp"

namespace argus {

std::optional<role> authorize(const gateway_context& ctx,
                              const http_request& req, role required,
                              const responder& respond) {
  if (required == role::none || !ctx.auth || !ctx.auth->enabled())
    return role::admin;
  std::string query_token;
  query_params params;
  std::string query_error;
  if (parse_query(std::string(req.target()), params, query_error))
    for (auto& [k, v] : params)
      if (k == "access_token")
        query_token = v;
  auto header = req[http::field::authorization];
  role granted = role::none;
  auto verdict = ctx.auth->check(std::string_view(header.data(), header.size()),
                                 query_token, required, &granted);
  switch (verdict) {
  case bearer_auth::verdict::allowed:
    return granted;
  case bearer_auth::verdict::forbidden: {
    respond(error_response(req, http::status::forbidden, "forbidden",
                           std::string("this needs a ") + to_string(required)
                               + " token; yours is " + to_string(granted)));
    return std::nullopt;
  }
  case bearer_auth::verdict::missing:
  case bearer_auth::verdict::invalid: {
    bool missing = verdict == bearer_auth::verdict::missing;
    auto res = error_response(
        req, http::status::unauthorized, "unauthorized",
        missing ? "send Authorization: Bearer <token> (or ?access_token= on "
                  "WebSocket upgrades)"
                : "the bearer token is not valid");
    res.set(http::field::www_authenticate,
            missing ? R"(Bearer realm="argus")"
                    : R"(Bearer realm="argus", error="invalid_token")");
    respond(std::move(res));
    return std::nullopt;
  }
  }
  return std::nullopt;
}

} // namespace argus
