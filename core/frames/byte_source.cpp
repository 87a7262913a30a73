// SPDX-License-Identifier: Apache-2.0
#include "core/frames/byte_source.hpp"

#include "core/curl_global.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <curl/curl.h>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace argus {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

caf::error errno_error(int err, const std::string& what) {
  auto msg = what + ": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR)
    return caf::make_error(ec::source_not_found, msg);
  if (err == EACCES || err == EPERM)
    return caf::make_error(ec::source_denied, msg);
  return caf::make_error(ec::source_unavailable, msg);
}

// -- local files ----------------------------------------------------------

class file_source : public byte_source {
public:
  static caf::expected<std::unique_ptr<byte_source>>
  open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return errno_error(errno, "cannot open " + path);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return caf::make_error(ec::source_not_found,
                             path + " is not a regular file");
    }
    return std::unique_ptr<byte_source>{new file_source(fd, st.st_size, path)};
  }

  ~file_source() override { ::close(fd_); }

  int64_t size() const override { return size_; }

  caf::expected<std::string> read_range(int64_t offset,
                                        int64_t length) override {
    std::string out(static_cast<size_t>(length), '\0');
    int64_t done = 0;
    while (done < length) {
      auto n = ::pread(fd_, out.data() + done, length - done, offset + done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno_error(errno, "cannot read " + path_);
      if (n == 0)
        return caf::make_error(ec::source_unavailable,
                               path_ + " shrank while reading");
      done += n;
    }
    return out;
  }

private:
  file_source(int fd, int64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}

  int fd_;
  int64_t size_;
  std::string path_;
};

// -- S3 ---------------------------------------------------------------------

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

/// The <Code> of an S3 XML error body, if any.
std::string s3_error_code(const std::string& body) {
  auto a = body.find("<Code>");
  auto b = body.find("</Code>");
  if (a == std::string::npos || b == std::string::npos || b < a)
    return {};
  return body.substr(a + 6, b - a - 6);
}

class s3_source : public byte_source {
public:
  static caf::expected<std::unique_ptr<byte_source>>
  open(const std::string& bucket, const std::string& key,
       const s3_settings& cfg) {
    curl_global_once();
    std::unique_ptr<s3_source> src{new s3_source(bucket, key, cfg)};
    if (!src->curl_)
      return caf::make_error(ec::source_unavailable, "curl_easy_init failed");
    auto size = src->head();
    if (!size)
      return size.error();
    src->size_ = *size;
    return std::unique_ptr<byte_source>{src.release()};
  }

  ~s3_source() override {
    if (curl_)
      curl_easy_cleanup(curl_);
  }

  int64_t size() const override { return size_; }

  caf::expected<std::string> read_range(int64_t offset,
                                        int64_t length) override {
    std::string body;
    body.reserve(static_cast<size_t>(length));
    auto range = "Range: bytes=" + std::to_string(offset) + "-"
                 + std::to_string(offset + length - 1);
    auto status = perform(false, &body, range);
    if (!status)
      return status.error();
    if (*status == 200) // a server that ignores Range sends everything
      body = body.substr(static_cast<size_t>(offset),
                         static_cast<size_t>(length));
    if (static_cast<int64_t>(body.size()) != length)
      return caf::make_error(ec::source_unavailable,
                             "short read from " + url_ + ": "
                                 + std::to_string(body.size()) + " of "
                                 + std::to_string(length) + " bytes");
    return body;
  }

private:
  s3_source(const std::string& bucket, const std::string& key,
            const s3_settings& cfg)
      : cfg_(cfg), curl_(curl_easy_init()) {
    auto endpoint = cfg.endpoint.empty()
                        ? "https://s3." + cfg.region + ".amazonaws.com"
                        : cfg.endpoint;
    while (!endpoint.empty() && endpoint.back() == '/')
      endpoint.pop_back();
    // Path-style: works with every S3-compatible server and needs no DNS.
    url_ = endpoint + "/" + bucket + "/" + s3_escape_key(key);
  }

  caf::expected<int64_t> head() {
    auto status = perform(true, nullptr, {});
    if (!status)
      return status.error();
    curl_off_t len = -1;
    curl_easy_getinfo(curl_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
    if (len < 0)
      return caf::make_error(ec::source_unavailable,
                             "no Content-Length for " + url_);
    return static_cast<int64_t>(len);
  }

  /// One signed request; maps transport and HTTP failures to argus errors.
  caf::expected<long> perform(bool head_only, std::string* body,
                              const std::string& range) {
    curl_easy_reset(curl_); // keeps the connection cache
    std::string err_body;
    curl_slist* headers = nullptr;
    // libcurl 7.88 signs but does not add the payload hash header itself.
    headers
        = curl_slist_append(headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    if (!range.empty())
      headers = curl_slist_append(headers, range.c_str());
    std::string token;
    if (!cfg_.session_token.empty()) {
      token = "x-amz-security-token: " + cfg_.session_token;
      headers = curl_slist_append(headers, token.c_str());
    }
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, long(cfg_.timeout_ms));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                     long(cfg_.connect_timeout_ms));
    auto userpwd = cfg_.access_key + ":" + cfg_.secret_key;
    auto sigv4 = "aws:amz:" + cfg_.region + ":s3";
    if (!cfg_.access_key.empty()) {
      curl_easy_setopt(curl_, CURLOPT_AWS_SIGV4, sigv4.c_str());
      curl_easy_setopt(curl_, CURLOPT_USERPWD, userpwd.c_str());
    }
    if (head_only)
      curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, body ? body : &err_body);
    auto rc = curl_easy_perform(curl_);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK)
      return caf::make_error(ec::source_unavailable,
                             std::string("S3 request to ") + url_
                                 + " failed: " + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200 || status == 206)
      return status;
    auto code = s3_error_code(body ? *body : err_body);
    auto msg = "S3 answered " + std::to_string(status)
               + (code.empty() ? "" : " " + code) + " for " + url_;
    if (status == 404)
      return caf::make_error(ec::source_not_found, msg);
    if (status == 403 || status == 401)
      return caf::make_error(ec::source_denied, msg);
    if (status == 416)
      return caf::make_error(ec::invalid_argument, msg);
    return caf::make_error(ec::source_unavailable, msg);
  }

  s3_settings cfg_;
  CURL* curl_;
  std::string url_;
  int64_t size_ = 0;
};

} // namespace

caf::expected<std::string> byte_source::read(int64_t offset, int64_t length) {
  if (offset < 0 || length < 0 || offset > size())
    return caf::make_error(ec::invalid_argument,
                           "range outside the object (size "
                               + std::to_string(size()) + ")");
  length = std::min(length, size() - offset);
  if (length == 0)
    return std::string{};
  return read_range(offset, length);
}

s3_settings with_aws_environment(s3_settings cfg) {
  if (cfg.endpoint.empty())
    cfg.endpoint
        = env_or("AWS_ENDPOINT_URL_S3", env_or("AWS_ENDPOINT_URL", ""));
  cfg.region = env_or("AWS_REGION", env_or("AWS_DEFAULT_REGION", cfg.region));
  if (cfg.access_key.empty())
    cfg.access_key = env_or("AWS_ACCESS_KEY_ID", "");
  if (cfg.secret_key.empty())
    cfg.secret_key = env_or("AWS_SECRET_ACCESS_KEY", "");
  if (cfg.session_token.empty())
    cfg.session_token = env_or("AWS_SESSION_TOKEN", "");
  return cfg;
}

std::string s3_escape_key(const std::string& key) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'
        || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

caf::expected<std::unique_ptr<byte_source>>
open_byte_source(const std::string& uri, const s3_settings& s3) {
  constexpr std::string_view file_scheme = "file://";
  constexpr std::string_view s3_scheme = "s3://";
  if (uri.rfind(file_scheme, 0) == 0) {
    auto path = uri.substr(file_scheme.size());
    if (path.empty() || path[0] != '/')
      return caf::make_error(
          ec::invalid_argument,
          "file URIs need an absolute path: file:///abs/path");
    return file_source::open(path);
  }
  if (uri.rfind(s3_scheme, 0) == 0) {
    auto rest = uri.substr(s3_scheme.size());
    auto slash = rest.find('/');
    if (slash == 0 || slash == std::string::npos || slash + 1 == rest.size())
      return caf::make_error(ec::invalid_argument,
                             "S3 URIs look like s3://bucket/key");
    return s3_source::open(rest.substr(0, slash), rest.substr(slash + 1), s3);
  }
  return caf::make_error(ec::invalid_argument,
                         "uri must start with s3:// or file://");
}

} // namespace argus
