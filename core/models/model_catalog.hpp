// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/config.hpp"
#include "messages/model_types.hpp"

#include <caf/expected.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace argus {

/// A model's name from its path: the file name without its extension.
std::string model_stem(const std::string& path);

/// Whether `name` may name a model: 1-128 characters of [A-Za-z0-9._-],
/// not starting with '.', so it can never be a path or a hidden file, and
/// not "upload" (the route POST /models/upload).
bool valid_model_name(const std::string& name);

/// `base` with the model, names, input size and layout of `spec` (the
/// thresholds, classifier and motion stage stay as configured).
detector_config with_model(detector_config base, const model_spec& spec);

/// Loads the model at `spec` beside nothing else and runs one forward pass
/// on a grey frame of its input size: the trial every model passes before
/// the catalog accepts or activates it. Fills in input size and layout.
/// Fails with ec::model_failed saying why. Blocks for the load (tens to
/// hundreds of ms): only a detached actor calls it.
caf::expected<model_info> trial_load(const detector_config& base,
                                     const model_spec& spec);

/// The detection models in one directory (detector.models_dir): every
/// `<name>.onnx` with its `<name>.names`, the active model and the shadow
/// candidate. Owns the directory: uploads are written to a temporary file
/// and linked into place (never overwriting), so a listed model is always
/// complete. Probes (a trial load) are cached by file size and mtime.
/// Not thread-safe: one MODELS actor owns it.
class model_catalog {
public:
  /// `base` is the configured detector (its model is the initially active
  /// one); `dir` the models directory; uploads larger than `max_bytes`
  /// are refused.
  model_catalog(detector_config base, std::string dir, size_t max_bytes);

  /// Every model in the directory, by name. A file that fails its probe is
  /// listed with layout "unknown" and model_info::error saying why.
  std::vector<model_info> list();

  /// One model, or ec::unknown_model.
  caf::expected<model_info> get(const std::string& name);

  /// Validates and stores an upload; replies its description. Errors:
  /// ec::invalid_argument (bad name, not ONNX, too large, bad names),
  /// ec::model_exists (the name is taken), ec::model_failed (OpenCV cannot
  /// load or run it).
  caf::expected<model_info> add(const model_upload& up);

  /// Deletes a model's files. ec::model_active for the active model or the
  /// shadow candidate, ec::unknown_model for an unknown one.
  caf::error remove(const std::string& name);

  /// The spec that loads `name` after a fresh trial load (ec::unknown_model,
  /// ec::model_failed).
  caf::expected<model_spec> verified_spec(const std::string& name);

  const std::string& active() const { return active_; }
  void set_active(const std::string& name) { active_ = name; }

  const std::string& shadow() const { return shadow_; }
  void set_shadow(const std::string& name) { shadow_ = name; }

  const std::string& dir() const { return dir_; }
  const detector_config& base() const { return base_; }

private:
  struct probe_entry {
    int64_t size = -1;
    int64_t mtime = 0;
    model_info info;
  };

  /// Probes `name` if its file changed since the last probe.
  const probe_entry* refresh(const std::string& name);

  std::string path_of(const std::string& name, const char* ext) const;

  detector_config base_;
  std::string dir_;
  size_t max_bytes_;
  std::string active_;
  std::string shadow_;
  /// The crop classifier's file, which is no detection model.
  std::string classifier_name_;
  std::map<std::string, probe_entry> probes_;
};

} // namespace argus
