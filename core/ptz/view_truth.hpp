// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/types.hpp"

#include <opencv2/core.hpp>
#include <vector>

namespace argus {

/// Ground truth of a wide picture of `source` size as a virtual PTZ view
/// rendered at `out` size sees it (core/ptz/virtual_ptz.hpp render_view):
/// boxes outside the view dropped, the rest clipped to it.
std::vector<truth_box> truth_in_view(const std::vector<truth_box>& truth,
                                     cv::Size source, const norm_box& view,
                                     cv::Size out);

} // namespace argus
