// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/ptz/onvif_client.hpp"

namespace argus::onvif {

/// The client's transport over libcurl: POSTs SOAP 1.2 (application/
/// soap+xml with the action parameter), gives up after `timeout_ms`, never
/// follows redirects and reads at most 1 MiB of answer. Keeps its
/// connection between calls. Blocking: for a detached actor.
transport curl_transport(int timeout_ms);

} // namespace argus::onvif
