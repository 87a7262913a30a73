// SPDX-License-Identifier: Apache-2.0
#include "core/bearer_auth.hpp"

#include "messages/error.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace argus {

const char* to_string(role r) {
  switch (r) {
  case role::viewer:
    return "viewer";
  case role::controller:
    return "controller";
  case role::admin:
    return "admin";
  default:
    return "none";
  }
}

caf::expected<role> parse_role(std::string_view name) {
  if (name == "viewer")
    return role::viewer;
  if (name == "controller")
    return role::controller;
  if (name == "admin")
    return role::admin;
  return caf::make_error(ec::invalid_argument,
                         "role must be viewer, controller or admin, not '"
                             + std::string{name} + "'");
}

caf::expected<std::vector<token_grant>>
parse_token_list(std::string_view text) {
  std::vector<token_grant> out;
  size_t pos = 0;
  while (pos < text.size()) {
    auto comma = text.find(',', pos);
    auto item = text.substr(pos, comma == std::string_view::npos
                                     ? std::string_view::npos
                                     : comma - pos);
    pos = comma == std::string_view::npos ? text.size() : comma + 1;
    if (item.empty())
      continue;
    auto colon = item.find(':');
    if (colon == std::string_view::npos || colon + 1 == item.size())
      return caf::make_error(ec::invalid_argument,
                             "each entry must be role:token (entry "
                                 + std::to_string(out.size() + 1) + ")");
    auto r = parse_role(item.substr(0, colon));
    if (!r)
      return r.error();
    out.push_back({std::string{item.substr(colon + 1)}, *r});
  }
  return out;
}

bearer_auth::bearer_auth(const std::vector<token_grant>& tokens) {
  for (const auto& t : tokens)
    digests_.emplace_back(hash(t.token), t.granted);
}

bearer_auth::digest bearer_auth::hash(std::string_view token) {
  digest d{};
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), d.data(), &len, EVP_sha256(), nullptr);
  return d;
}

bearer_auth::verdict bearer_auth::check(std::string_view authorization,
                                        std::string_view query_token,
                                        role required, role* granted) const {
  if (!enabled())
    return verdict::allowed;
  std::string_view token = query_token;
  if (!authorization.empty()) {
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size()
        || authorization.substr(0, scheme.size()) != scheme)
      return verdict::invalid;
    token = authorization.substr(scheme.size());
  }
  if (token.empty())
    return verdict::missing;
  auto candidate = hash(token);
  // Compare with every token, never stopping early.
  role best = role::none;
  for (const auto& [d, r] : digests_)
    if (CRYPTO_memcmp(d.data(), candidate.data(), d.size()) == 0 && r > best)
      best = r;
  if (granted)
    *granted = best;
  if (best == role::none)
    return verdict::invalid;
  return best >= required ? verdict::allowed : verdict::forbidden;
}

} // namespace argus
