// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

namespace argus {

/// A model as JSON (schemas/model.schema.json).
nlohmann::json model_json(const model_info& m);

/// A shadow comparison as JSON (schemas/shadow_report.schema.json).
nlohmann::json shadow_report_json(const shadow_report& r);

/// Whether a request target is POST /models/upload's (with or without a
/// query): the one route whose body may be binary and up to
/// detector.max_model_bytes.
bool is_model_upload(std::string_view target);

/// Who may upload a model: checked from the headers too, before a body of
/// that size is read (http_session).
inline constexpr role model_upload_role = role::controller;

/// GET /models.
void get_models(const route_call& call);
/// GET /models/{name}.
void get_model(const route_call& call);
/// DELETE /models/{name}.
void delete_model(const route_call& call);
/// POST /models/upload (multipart/form-data: file, names).
void post_model_upload(const route_call& call);
/// POST /models/{name}/activate.
void post_model_activate(const route_call& call);
/// POST /models/{name}/shadow ({"sample_every": N}).
void post_model_shadow(const route_call& call);
/// GET /models/{name}/shadow.
void get_model_shadow(const route_call& call);
/// DELETE /models/{name}/shadow.
void delete_model_shadow(const route_call& call);

} // namespace argus
