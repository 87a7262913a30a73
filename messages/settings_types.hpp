// SPDX-License-Identifier: Apache-2.0
// Messages of the settings API: what the gateway asks the SETTINGS actor
// and what a change did. Plain structs with inspect(), like messages/types.hpp.
#pragma once

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace argus {

struct config;

/// A whole configuration, immutable once shared: what the SETTINGS actor
/// publishes to the engine and hands the gateway for GET /settings.
using config_ptr = std::shared_ptr<const config>;

/// What a settings request asks for.
enum class settings_op : int32_t {
  /// PATCH /settings[/{section}]: merge, validate, apply (and persist).
  patch,
  /// POST /settings/validate: a patch's dry run.
  validate,
  /// POST /settings/persist: write the running config to the file.
  persist,
  /// POST /settings/reload: read the file again and apply it.
  reload,
};

/// One request of the settings API.
struct settings_request {
  settings_op op = settings_op::validate;
  /// "" for the whole config, else a top-level section ("tracker").
  std::string section;
  /// The JSON merge patch (patch, validate), already checked to be JSON.
  std::string patch_json;
  /// PATCH ...?persist=true: write the result through to the file.
  bool persist = false;
  /// The caller has the admin role and may write secrets.
  bool admin = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, settings_request& x) {
  return f(caf::meta::type_name("settings_request"), x.op, x.section,
           x.patch_json, x.persist, x.admin);
}

/// What a settings request did (or, validating, would do).
struct settings_outcome {
  /// Every invalid key with its path; non-empty: nothing changed.
  std::vector<std::string> errors;
  /// Leaf paths whose value changes ("tracker.match_thresh").
  std::vector<std::string> changed;
  /// Of `changed`, those the running engine took at once.
  std::vector<std::string> applied;
  /// Every accepted value that waits for a restart (cumulative).
  std::vector<std::string> restart_required;
  /// Written to the config file by this request.
  bool persisted = false;
  /// The file written and the backup of its previous content ("": none).
  std::string path;
  std::string backup;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, settings_outcome& x) {
  return f(caf::meta::type_name("settings_outcome"), x.errors, x.changed,
           x.applied, x.restart_required, x.persisted, x.path, x.backup);
}

} // namespace argus
