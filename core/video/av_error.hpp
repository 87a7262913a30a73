// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

extern "C" {
#include <libavutil/error.h>
}

namespace argus {

/// FFmpeg's message for an AVERROR code.
inline std::string av_error_text(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

} // namespace argus
