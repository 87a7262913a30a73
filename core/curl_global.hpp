// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <curl/curl.h>
#include <mutex>

namespace argus {

/// libcurl's global set-up, once per process, before the first easy
/// handle (S3 byte sources, the ONVIF transport).
inline void curl_global_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace argus
