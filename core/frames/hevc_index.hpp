// SPDX-License-Identifier: Apache-2.0
// The IRAP/frame index of an H.265 clip: which byte ranges hold which
// pictures, in decode and display order, and the parameter sets a decoder
// needs. Built once per clip (raw Annex-B with FFmpeg's HEVC parser, MP4
// with libavformat's sample table), then only looked up.
#pragma once

#include "core/frames/byte_source.hpp"
#include "messages/frame_types.hpp"

#include <caf/expected.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace argus {

/// One NAL unit inside an access unit.
struct nal_unit {
  /// Payload position (after the start code or length prefix).
  size_t offset = 0;
  size_t size = 0;
  uint8_t type = 0;
  uint8_t temporal_id = 0;
};

/// Splits Annex-B bytes (00 00 01 / 00 00 00 01 start codes).
std::vector<nal_unit> split_annexb(const uint8_t* data, size_t size);

/// Splits length-prefixed bytes (MP4 samples); `length_size` is 1, 2 or 4.
std::vector<nal_unit> split_length_prefixed(const uint8_t* data, size_t size,
                                            int length_size);

/// IDR, CRA and BLA pictures (NAL types 16..23): decoding can start here.
inline bool is_irap(uint8_t nal_type) {
  return nal_type >= 16 && nal_type <= 23;
}

/// RASL_N and RASL_R: leading pictures that may predict from pictures
/// before their IRAP in decode order.
inline bool is_rasl(uint8_t nal_type) {
  return nal_type == 8 || nal_type == 9;
}

/// TRAIL_N, TSA_N, STSA_N, RADL_N, RASL_N and reserved RSV_VCL_N10/12/14.
inline bool is_sub_layer_non_reference(uint8_t nal_type) {
  return nal_type <= 14 && nal_type % 2 == 0;
}

/// Builds the index of the object behind `src`, detecting the container
/// (Annex-B start code or an MP4 `ftyp` box). Errors: unsupported_clip
/// (not H.265, no IRAP, unknown container) or the source's read errors.
caf::expected<clip_index> build_clip_index(byte_source& src);

/// Where a requested frame lives in an index.
struct frame_location {
  int32_t irap_index = 0;
  int32_t decode_index = 0;
};

/// Finds the frame at `offset` in the chunk of the IRAP at `irap`, with a
/// precise unknown_frame error for every way the pair can be wrong, and
/// decode_failed for a picture the index lists as undecodable.
caf::expected<frame_location> locate_frame(const clip_index& idx, int64_t irap,
                                           int64_t offset);

/// Finds the chunk whose IRAP starts at `irap`.
caf::expected<int32_t> locate_irap(const clip_index& idx, int64_t irap);

} // namespace argus
