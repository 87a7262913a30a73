// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <caf/expected.hpp>
#include <cstdint>
#include <memory>
#include <string>

namespace argus {

/// Where S3 objects live and how to sign for them. Filled from the config
/// and the standard AWS_* environment variables, never from a request.
struct s3_settings {
  /// e.g. "http://127.0.0.1:4569"; empty: https://s3.<region>.amazonaws.com
  std::string endpoint;
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  /// AWS_SESSION_TOKEN for temporary credentials (optional).
  std::string session_token;
  /// Whole-request deadline of one ranged read.
  int timeout_ms = 10000;
  int connect_timeout_ms = 3000;
};

/// Overrides unset fields of `cfg` from AWS_ENDPOINT_URL_S3 /
/// AWS_ENDPOINT_URL, AWS_REGION / AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
/// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
s3_settings with_aws_environment(s3_settings cfg);

/// Random-access, blocking reads of one stored object (a local file or an
/// S3 object). Run it on a detached actor or its own thread.
class byte_source {
public:
  virtual ~byte_source() = default;
  /// Object size in bytes, known once opened.
  virtual int64_t size() const = 0;
  /// Reads [offset, offset + length), clipped to the object's end. Errors:
  /// source_not_found, source_denied, source_unavailable (timeouts, 5xx,
  /// refused connections), invalid_argument (range outside the object).
  caf::expected<std::string> read(int64_t offset, int64_t length);

protected:
  /// Reads a range already checked to lie inside the object (length > 0).
  virtual caf::expected<std::string> read_range(int64_t offset, int64_t length)
      = 0;
};

/// Opens "file:///abs/path" or "s3://bucket/key" and learns its size.
caf::expected<std::unique_ptr<byte_source>>
open_byte_source(const std::string& uri, const s3_settings& s3);

/// Percent-encodes an S3 key for a path-style URL (RFC 3986; '/' kept).
std::string s3_escape_key(const std::string& key);

} // namespace argus
