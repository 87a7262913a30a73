// SPDX-License-Identifier: Apache-2.0
// Model uploads: the multipart/form-data parser (POST /models/upload) and
// the ONNX structure probe the catalog runs on the file before OpenCV sees
// it. The first byte picks the parser; for multipart, the first line is
// the Content-Type and the rest the body. Every part must be a piece of
// the input, named, and within the part limit; an accepted ONNX summary
// must hold what probe_onnx promises.
#include "core/models/multipart.hpp"
#include "core/models/onnx_probe.hpp"
#include "fuzz/support/fuzz_check.hpp"
#include "messages/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

using namespace argus;

namespace {

void check_multipart(std::string_view input) {
  auto eol = input.find('\n');
  auto content_type = input.substr(0, eol);
  auto body = eol == std::string_view::npos ? std::string_view{}
                                            : input.substr(eol + 1);
  auto boundary = multipart_boundary(content_type);
  if (!boundary) {
    FUZZ_CHECK(boundary.error() == ec::invalid_argument,
               "multipart_boundary failed with another error");
    // The parser must cope with any boundary, including odd ones.
    boundary = std::string("XyZ");
  }
  FUZZ_CHECK(!boundary->empty() && boundary->size() <= 70,
             "boundary of %zu bytes accepted", boundary->size());
  auto parts = parse_multipart(body, *boundary, 8);
  if (!parts) {
    FUZZ_CHECK(parts.error() == ec::invalid_argument,
               "parse_multipart failed with another error");
    return;
  }
  FUZZ_CHECK(parts->size() <= 8, "%zu parts accepted", parts->size());
  size_t total = 0;
  for (auto& p : *parts) {
    FUZZ_CHECK(!p.name.empty(), "a part without a name accepted");
    FUZZ_CHECK(body.find(p.body) != std::string_view::npos,
               "a part's body is not a piece of the input");
    total += p.body.size();
  }
  FUZZ_CHECK(total <= body.size(), "parts hold more bytes than the body");
}

void check_onnx(std::string_view bytes) {
  auto s = probe_onnx(bytes);
  if (!s) {
    FUZZ_CHECK(s.error() == ec::invalid_argument,
               "probe_onnx failed with another error");
    return;
  }
  FUZZ_CHECK(s->ir_version > 0 && s->ir_version <= 100, "ir_version %lld",
             static_cast<long long>(s->ir_version));
  FUZZ_CHECK(s->nodes > 0, "a graph without nodes accepted");
  FUZZ_CHECK(!s->inputs.empty() && !s->outputs.empty(),
             "a graph without inputs or outputs accepted");
  for (auto& t : s->inputs)
    FUZZ_CHECK(t.dims.size() <= 16, "%zu dims", t.dims.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1)
    check_onnx(rest);
  else
    check_multipart(rest);
  return 0;
}
