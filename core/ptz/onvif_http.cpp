// SPDX-License-Identifier: Apache-2.0
#include "core/ptz/onvif_http.hpp"

#include "core/curl_global.hpp"

#include <curl/curl.h>
#include <memory>

namespace argus::onvif {

namespace {

/// A device that answers more than this is not a PTZ head we understand.
constexpr size_t max_answer_bytes = 1 << 20;

size_t append_limited(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > max_answer_bytes)
    return 0; // curl fails the transfer (CURLE_WRITE_ERROR)
  out->append(data, size * n);
  return size * n;
}

struct curl_handle {
  CURL* curl = curl_easy_init();
  /// The device answered 401 once: it wants HTTP Digest on every call.
  bool digest = false;
  ~curl_handle() {
    if (curl)
      curl_easy_cleanup(curl);
  }
};

http_reply post_once(curl_handle& h, int timeout_ms, const credentials& who,
                     const std::string& url, const std::string& action,
                     const std::string& body) {
  http_reply reply;
  auto* curl = h.curl;
  curl_easy_reset(curl); // keeps the connection cache
  auto content_type
      = "Content-Type: application/soap+xml; charset=utf-8; action=\"" + action
        + "\"";
  curl_slist* headers = curl_slist_append(nullptr, content_type.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, long(body.size()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_limited);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  if (h.digest) {
    // curl probes with an empty body for the challenge, then sends this.
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, long(CURLAUTH_DIGEST));
    curl_easy_setopt(curl, CURLOPT_USERNAME, who.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, who.password.c_str());
  }
  auto rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    reply.error = rc == CURLE_WRITE_ERROR ? "answer larger than 1 MiB"
                                          : curl_easy_strerror(rc);
    return reply;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

} // namespace

transport curl_transport(int timeout_ms, const credentials& who) {
  curl_global_once();
  auto handle = std::make_shared<curl_handle>();
  return [handle, timeout_ms, who](const std::string& url,
                                   const std::string& action,
                                   const std::string& body) {
    if (!handle->curl) {
      http_reply failed;
      failed.error = "curl_easy_init failed";
      return failed;
    }
    // Plain first: a WS-Security-only device would refuse curl's empty
    // probe for a Digest challenge. A 401 switches to Digest for good.
    auto reply = post_once(*handle, timeout_ms, who, url, action, body);
    if (reply.error.empty() && reply.status == 401 && !handle->digest
        && !who.username.empty()) {
      handle->digest = true;
      reply = post_once(*handle, timeout_ms, who, url, action, body);
    }
    return reply;
  };
}

} // namespace argus::onvif
