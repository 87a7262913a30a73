// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/ptz/onvif_client.hpp"

namespace argus::onvif {

/// The client's transport over libcurl: POSTs SOAP 1.2 (application/
/// soap+xml with the action parameter), gives up after `timeout_ms`, never
/// follows redirects and reads at most 1 MiB of answer. Keeps its
/// connection between calls. Blocking: for a detached actor.
///
/// With a username it also answers an HTTP Digest challenge (cameras that
/// want HTTP authentication besides, or instead of, WS-Security); never
/// Basic, which would send the password in the clear.
transport curl_transport(int timeout_ms, const credentials& who = {});

} // namespace argus::onvif
