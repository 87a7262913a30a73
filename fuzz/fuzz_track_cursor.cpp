// SPDX-License-Identifier: Apache-2.0
// The track-history cursor (?cursor= of GET /tracks): decode_cursor on
// arbitrary text, and the encode/decode round trip for any position.
#include "core/history/track_db.hpp"
#include "fuzz/support/fuzz_check.hpp"

#include <cstdint>
#include <cstring>
#include <string>

using namespace argus;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  int64_t ts = -1, seq = -1;
  if (decode_cursor(in, ts, seq)) {
    FUZZ_CHECK(ts >= 0 && seq >= 0, "negative cursor position from '%s'",
               in.c_str());
    int64_t ts2 = -1, seq2 = -1;
    FUZZ_CHECK(decode_cursor(encode_cursor(ts, seq), ts2, seq2) && ts2 == ts
                   && seq2 == seq,
               "re-encoded cursor does not decode to the same position");
  }
  if (size >= 16) {
    // Any position the store can hold (non-negative) survives the trip.
    int64_t a = 0, b = 0;
    std::memcpy(&a, data, 8);
    std::memcpy(&b, data + 8, 8);
    if (a >= 0 && b >= 0) {
      int64_t ts2 = -1, seq2 = -1;
      FUZZ_CHECK(decode_cursor(encode_cursor(a, b), ts2, seq2) && ts2 == a
                     && seq2 == b,
                 "cursor round trip failed for (%lld, %lld)",
                 static_cast<long long>(a), static_cast<long long>(b));
    }
  }
  return 0;
}
