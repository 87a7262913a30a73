// SPDX-License-Identifier: Apache-2.0
// The clip indexer (build_clip_index) over an in-memory byte_source.
// Built twice: ARGUS_FUZZ_CONTAINER 1 forces the raw Annex-B path (a
// start code is prepended when missing), 2 the MP4 path (bytes 4..7 are
// set to "ftyp"), so each target's corpus stays on its own parser. An
// index that comes back must be consistent: every listed frame inside the
// object and found again by locate_frame, display order a permutation.
#include "core/frames/hevc_index.hpp"
#include "core/video/ffmpeg_limits.hpp"
#include "fuzz/support/fuzz_check.hpp"
#include "fuzz/support/memory_source.hpp"

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/log.h>
}

using namespace argus;

namespace {

void check_nals(const std::vector<nal_unit>& nals, size_t size) {
  for (auto& n : nals)
    FUZZ_CHECK(n.offset <= size && n.size <= size - n.offset,
               "NAL unit [%zu, +%zu) outside %zu bytes", n.offset, n.size,
               size);
}

void check_index(const clip_index& idx) {
  FUZZ_CHECK(!idx.iraps.empty(), "index without IRAPs");
  FUZZ_CHECK(idx.max_temporal_id <= 6, "max temporal id %d",
             idx.max_temporal_id);
  int64_t frames = 0;
  std::vector<bool> shown(static_cast<size_t>(idx.frame_count), false);
  for (size_t c = 0; c < idx.iraps.size(); ++c) {
    const auto& chunk = idx.iraps[c];
    FUZZ_CHECK(!chunk.frames.empty() && chunk.frames[0].offset == chunk.offset,
               "chunk %zu does not start with its IRAP", c);
    for (const auto& f : chunk.frames) {
      ++frames;
      FUZZ_CHECK(f.offset >= 0 && f.size >= 0
                     && f.offset + f.size <= idx.object_size,
                 "frame [%lld, +%d) outside the object",
                 static_cast<long long>(f.offset), f.size);
      FUZZ_CHECK(f.offset + f.size <= chunk.end, "frame beyond its chunk end");
      // nuh_temporal_id_plus1 is 1..7 (H.265 7.4.2.2): a sub-layer id
      // above 6 would make every picture look skippable to the decoder.
      FUZZ_CHECK(f.temporal_id <= 6, "temporal id %d", f.temporal_id);
      FUZZ_CHECK(f.display_index >= 0 && f.display_index < idx.frame_count
                     && !shown[static_cast<size_t>(f.display_index)],
                 "display index %d repeated or out of range", f.display_index);
      shown[static_cast<size_t>(f.display_index)] = true;
      auto loc = locate_frame(idx, chunk.offset, f.offset);
      FUZZ_CHECK(loc && loc->irap_index == static_cast<int32_t>(c)
                     && loc->decode_index == f.decode_index,
                 "frame at %lld of the chunk at %lld is not found again",
                 static_cast<long long>(f.offset),
                 static_cast<long long>(chunk.offset));
    }
  }
  FUZZ_CHECK(frames == idx.frame_count, "frame_count %lld != %lld frames",
             static_cast<long long>(idx.frame_count),
             static_cast<long long>(frames));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // FFmpeg's complaints about broken input are the expected case here.
  av_log_set_level(AV_LOG_QUIET);
  // As in main(): sample counts an MP4 declares must not size a 2 GB table.
  apply_ffmpeg_limits();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
#if ARGUS_FUZZ_CONTAINER == 1
  if (bytes.compare(0, 3, std::string("\0\0\1", 3)) != 0
      && bytes.compare(0, 4, std::string("\0\0\0\1", 4)) != 0)
    bytes.insert(0, std::string("\0\0\0\1", 4));
  check_nals(split_annexb(data, size), size);
#else
  if (bytes.size() < 8)
    return 0;
  bytes.replace(4, 4, "ftyp");
  for (int length_size : {1, 2, 4})
    check_nals(split_length_prefixed(data, size, length_size), size);
#endif
  fuzz::memory_source src{std::move(bytes)};
  auto idx = build_clip_index(src);
  if (idx)
    check_index(*idx);
  return 0;
}
