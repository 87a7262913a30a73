// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/bearer_auth.hpp"
#include "gateway/router.hpp"

#include <optional>

namespace argus {

/// Checks the request's bearer token (Authorization header, or the
/// `access_token` query parameter browsers use for WebSockets). @returns
/// the granted role (admin when auth is off), or answers 401 (no or
/// unknown token, with WWW-Authenticate) / 403 (role too low) through
/// `respond` and returns none.
std::optional<role> authorize(const gateway_context& ctx,
                              const http_request& req, role required,
                              const responder& respond);

} // namespace argus
