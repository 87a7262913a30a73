// SPDX-License-Identifier: Apache-2.0
#include "core/video/frame_source.hpp"

#include "core/video/av_source.hpp"

namespace argus {

frame_source::~frame_source() {
  // nop
}

synthetic_source::synthetic_source(const synthetic_params& params)
    : params_(params) {
  // nop
}

caf::error synthetic_source::open() {
  if (!scene_)
    scene_ = std::make_unique<synthetic_scene>(params_);
  return caf::none;
}

caf::error synthetic_source::read(frame& out) {
  if (!scene_)
    open();
  out.index = next_;
  cv::Mat img;
  scene_->render(next_, img, out.truth);
  out.bgr = img;
  ++next_;
  return caf::none;
}

double synthetic_source::frame_interval_s() const {
  return 1.0 / params_.fps;
}

void synthetic_source::close() {
  // The scene is a pure function of the frame index; nothing to release.
}

std::unique_ptr<frame_source> make_frame_source(const camera_config& cfg) {
  if (cfg.source == source_kind::synthetic)
    return std::make_unique<synthetic_source>(cfg.synthetic);
  return std::make_unique<av_source>(cfg);
}

} // namespace argus
