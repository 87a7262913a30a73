// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <caf/expected.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace argus {

/// What a token allows; each role includes the ones before it.
/// viewer: read (GET, WebSocket subscriptions); controller: commands
/// (sessions, targets, reinit, clip registration); admin: settings.
enum class role { none = 0, viewer = 1, controller = 2, admin = 3 };

const char* to_string(role r);
/// "viewer", "controller" or "admin".
caf::expected<role> parse_role(std::string_view name);

struct token_grant {
  std::string token;
  role granted = role::viewer;
};

/// Parses ARGUS_TOKENS: "role:token,role:token" (no spaces in tokens).
caf::expected<std::vector<token_grant>> parse_token_list(std::string_view text);

/// Bearer-token checks for every endpoint. Tokens are kept only as SHA-256
/// digests and compared with CRYPTO_memcmp against every configured token,
/// so neither a token's content nor its length shows in the timing; tokens
/// are never logged. With no tokens configured, everything is allowed.
class bearer_auth {
public:
  explicit bearer_auth(const std::vector<token_grant>& tokens);

  bool enabled() const { return !digests_.empty(); }
  size_t size() const { return digests_.size(); }

  enum class verdict {
    allowed,
    /// No credentials: 401 with WWW-Authenticate.
    missing,
    /// Unknown token or malformed header: 401.
    invalid,
    /// A valid token whose role is too low: 403.
    forbidden,
  };

  /// Checks an `Authorization` header value or, when that is empty, an
  /// `access_token` query value (browsers cannot set headers on
  /// WebSocket upgrades) against the role an endpoint needs.
  verdict check(std::string_view authorization, std::string_view query_token,
                role required, role* granted = nullptr) const;

private:
  using digest = std::array<unsigned char, 32>;
  static digest hash(std::string_view token);

  std::vector<std::pair<digest, role>> digests_;
};

} // namespace argus
