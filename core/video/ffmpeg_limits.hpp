// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>

namespace argus {

/// The largest single allocation FFmpeg may make in argus (av_max_alloc).
/// FFmpeg sizes a clip's sample tables from the counts an MP4 declares
/// (trun, stsz, stco ...) before it reads them, so a 6 KB file claiming
/// 80 million samples asks for 2 GB (fuzz corpus hevc_mp4,
/// regression-huge-sample-count). 128 MiB still holds the index of a
/// 5-million-sample clip and one 8K BGR picture (100 MB).
inline constexpr size_t ffmpeg_max_alloc_bytes = size_t{128} << 20;

/// Applies ffmpeg_max_alloc_bytes process-wide: an oversized request then
/// fails inside FFmpeg and the clip is refused as unreadable. Called once
/// at start-up (main, fuzz targets) before any thread uses FFmpeg.
void apply_ffmpeg_limits();

} // namespace argus
