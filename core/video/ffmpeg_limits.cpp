// SPDX-License-Identifier: Apache-2.0
#include "core/video/ffmpeg_limits.hpp"

extern "C" {
#include <libavutil/mem.h>
}

namespace argus {

void apply_ffmpeg_limits() {
  av_max_alloc(ffmpeg_max_alloc_bytes);
}

} // namespace argus
