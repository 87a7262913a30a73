// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <caf/expected.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace argus {

/// One part of a multipart/form-data body (RFC 7578).
struct form_part {
  /// The `name` parameter of its Content-Disposition.
  std::string name;
  /// The `filename` parameter; empty when the part has none.
  std::string filename;
  /// Its Content-Type header; empty when absent.
  std::string content_type;
  /// The raw bytes between its headers and the next delimiter.
  std::string body;
};

/// The boundary parameter of a `multipart/form-data` Content-Type value.
/// Fails with ec::invalid_argument when the type is another or the
/// boundary is missing, empty or longer than RFC 2046's 70 characters.
caf::expected<std::string> multipart_boundary(std::string_view content_type);

/// Splits a multipart/form-data body into its parts. Strict where sloppiness
/// would hide a truncated upload: the closing delimiter must be present,
/// every part needs a Content-Disposition of type form-data with a name,
/// header lines end in CRLF and at most `max_parts` parts are accepted.
/// Fails with ec::invalid_argument and a message saying what is wrong.
/// Pure and allocation-bounded by the input: fuzzed (fuzz/fuzz_multipart).
caf::expected<std::vector<form_part>> parse_multipart(std::string_view body,
                                                      std::string_view boundary,
                                                      size_t max_parts = 8);

} // namespace argus
