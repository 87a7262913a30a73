// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "gateway/routes.hpp"

namespace argus {

/// GET|HEAD /healthz: the process answers.
void get_healthz(const route_call& call);
/// GET /readyz: ready when the engine accepts sessions.
void get_readyz(const route_call& call);
/// GET /config (admin): the settings that shape the gateway and relay.
void get_config(const route_call& call);

} // namespace argus
