// SPDX-License-Identifier: Apache-2.0
// Messages of model management: the catalog's model descriptions, what a
// DETECTOR is told to load, and the shadow comparison's report. Plain
// structs with inspect(), like messages/types.hpp.
#pragma once

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace argus {

/// One detection model of the catalog (schemas/model.schema.json).
struct model_info {
  std::string name;
  /// The .onnx file; not on the wire.
  std::string path;
  int64_t size_bytes = 0;
  std::vector<std::string> classes;
  int32_t input_width = 0;
  int32_t input_height = 0;
  /// "yolov8" or "yolov5" (found by a forward pass).
  std::string layout;
  /// When the file was added (its modification time), ISO-8601 UTC.
  std::string added_at;
  bool active = false;
  bool shadow = false;
  /// Why the file failed its probe ("" when it loads and runs).
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_info& x) {
  return f(caf::meta::type_name("model_info"), x.name, x.path, x.size_bytes,
           x.classes, x.input_width, x.input_height, x.layout, x.added_at,
           x.active, x.shadow, x.error);
}

/// What a DETECTOR needs to load a model beside its running one: the
/// rest of its detector_config stays as configured.
struct model_spec {
  std::string name;
  std::string model;
  std::string names;
  int32_t input_width = 0;
  int32_t input_height = 0;
  std::string layout;
  /// Its class names (what new sessions label class ids with).
  std::vector<std::string> classes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_spec& x) {
  return f(caf::meta::type_name("model_spec"), x.name, x.model, x.names,
           x.input_width, x.input_height, x.layout, x.classes);
}

/// POST /models/upload after the gateway parsed the multipart body.
struct model_upload {
  std::string name;
  /// The .onnx bytes.
  std::string bytes;
  /// Class names, one per line; empty: the active model's when the class
  /// count matches, else "class_<n>".
  std::string names;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_upload& x) {
  return f(caf::meta::type_name("model_upload"), x.name, x.bytes, x.names);
}

/// How a candidate model agrees with the active one (GET
/// /models/{name}/shadow): summed over every session's DETECTOR.
struct shadow_report {
  /// The candidate and the active model.
  std::string model;
  std::string active;
  bool running = false;
  int32_t sample_every = 0;
  /// DETECTORs that contributed (one per running session).
  int32_t detectors = 0;
  int64_t frames_compared = 0;
  int64_t boxes_active = 0;
  int64_t boxes_candidate = 0;
  /// Pairs with IoU >= 0.5 and the same class name (greedy, best first).
  int64_t boxes_matched = 0;
  /// 2 * matched / (active + candidate); 1 when neither found anything.
  double agreement = 0;
  std::map<std::string, int64_t> classes_active;
  std::map<std::string, int64_t> classes_candidate;
  /// Recent inference latencies of the compared frames (bounded window);
  /// the medians are computed from them after merging.
  std::vector<double> latency_active_ms;
  std::vector<double> latency_candidate_ms;
  double median_ms_active = 0;
  double median_ms_candidate = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shadow_report& x) {
  return f(caf::meta::type_name("shadow_report"), x.model, x.active, x.running,
           x.sample_every, x.detectors, x.frames_compared, x.boxes_active,
           x.boxes_candidate, x.boxes_matched, x.agreement, x.classes_active,
           x.classes_candidate, x.latency_active_ms, x.latency_candidate_ms,
           x.median_ms_active, x.median_ms_candidate);
}

} // namespace argus
