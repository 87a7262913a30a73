// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"

namespace argus {

/// GET /settings: the running configuration, secrets as "***".
void get_settings(const route_call& call);
/// GET /settings/{section}: one top-level section of it.
void get_settings_section(const route_call& call);
/// PATCH /settings[/{section}][?persist=true]: merge, validate, apply.
void patch_settings(const route_call& call);
/// POST /settings/validate: a PATCH's dry run.
void post_settings_validate(const route_call& call);
/// POST /settings/persist: write the running configuration to the file.
void post_settings_persist(const route_call& call);
/// POST /settings/reload: read the file again and apply it.
void post_settings_reload(const route_call& call);

} // namespace argus
