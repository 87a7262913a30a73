// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "messages/types.hpp"

namespace argus {

/// Rounds to 6 decimals: the contract's precision, and it keeps float noise
/// out of the wire text.
double round6(double x);

/// Normalizes a pixel box to [0, 1] of a w x h frame: clipped to the frame
/// first (so x + w <= 1 and y + h <= 1), then rounded to 6 decimals.
/// A degenerate frame size gives an all-zero box.
norm_box normalize(const pixel_box& box, int frame_w, int frame_h);

} // namespace argus
