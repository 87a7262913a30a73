// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/config.hpp"
#include "messages/model_types.hpp"
#include "messages/settings_types.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace argus {

/// Whether the running engine applies a change of `path` at once (the
/// table in docs/protocol.md, "Settings"): logging.level, the tracker,
/// session timing and publish rate, a PTZ camera's autotrack gains, and a
/// camera's source settings (by restarting that camera).
bool applies_live(const std::string& path);

/// Whether a camera's source settings (source, URL, synthetic scene, open
/// and read timeouts, reconnect waits, idle grace, pacing) differ: the
/// SUPERVISOR restarts that camera with the new ones.
bool camera_source_changed(const camera_config& a, const camera_config& b);

/// The leaf paths where two config_to_json() documents differ.
std::vector<std::string> changed_paths(const nlohmann::json& before,
                                       const nlohmann::json& after);

/// Merges `patch` into `target`: objects merge key by key, anything else
/// replaces, and null removes the key (back to its default), as in
/// JSON Merge Patch (RFC 7396).
void merge_patch(nlohmann::json& target, const nlohmann::json& patch);

/// The configuration as the settings API sees it: the document as written
/// (`source`, the file's YAML as JSON, with `${NAME}` references and
/// without defaults), the config it parses to, and the one argus started
/// with (what needs a restart is measured against it). Pure: the SETTINGS
/// actor (actors/settings/settings.hpp) does the file I/O and tells the
/// engine.
class settings_core {
public:
  /// What argus changes after loading the file (`serve --listen`, tokens
  /// from ARGUS_TOKENS): applied to every config the core checks too.
  using override_fn = std::function<void(config&)>;

  /// @pre `source` parses to `running` (with `overrides` applied).
  settings_core(nlohmann::json source, config running,
                override_fn overrides = {});

  /// Parses `yaml_text` (the config file). Errors list every invalid key.
  static caf::expected<settings_core> from_yaml(const std::string& yaml_text,
                                                override_fn overrides = {});

  const config& running() const { return running_; }
  const nlohmann::json& source() const { return source_; }

  /// config_to_json of the running config (secrets hidden).
  nlohmann::json view() const;

  /// One top-level section of view(); nullopt for an unknown name.
  std::optional<nlohmann::json> section(const std::string& name) const;

  /// A checked change, not yet accepted.
  struct proposal {
    settings_outcome outcome;
    nlohmann::json source;
    std::optional<config> cfg;
    bool valid() const { return outcome.errors.empty() && cfg.has_value(); }
  };

  /// `patch` merged into the section `section` ("" the whole document):
  /// redaction markers where a secret was shown keep that secret, then the
  /// whole result is validated.
  proposal propose_patch(const nlohmann::json& patch,
                         const std::string& section) const;

  /// The secret-bearing keys `patch` (to `section`) sets to anything but
  /// what GET shows (auth, passwords, a camera URL with a password):
  /// writing them needs the admin role.
  std::vector<std::string> secrets_written(const nlohmann::json& patch,
                                           const std::string& section) const;

  /// A whole new document (reload from the file).
  proposal propose_document(const std::string& yaml_text) const;

  /// Makes a valid proposal the running config. @pre p.valid()
  void accept(proposal p);

  /// The outcome so far with no change: what still waits for a restart.
  settings_outcome pending() const;

  /// The models actor switched every detector to `spec`
  /// (POST /models/{name}/activate): the running config, and so GET and
  /// persist, name that model, and it is in effect (not waiting for a
  /// restart).
  void take_active_model(const model_spec& spec);

private:
  proposal check(nlohmann::json source) const;
  void keep_secrets(nlohmann::json& merged,
                    std::vector<std::string>& errors) const;

  nlohmann::json source_;
  config running_;
  override_fn overrides_;
  /// config_to_json(secrets shown) of the config argus started with.
  nlohmann::json boot_;
};

} // namespace argus
