// SPDX-License-Identifier: Apache-2.0
#include "app/sample_clip.hpp"

#include <caf/scoped_actor.hpp>
#include <cstdlib>
#include <filesystem>
#include <spdlog/spdlog.h>

namespace argus {

void register_sample_clip(caf::actor_system& sys,
                          const clip_manager_actor& clips) {
  namespace fs = std::filesystem;
  auto path = fs::absolute("data/sample.hevc").string();
  if (!fs::exists(path)) {
    fs::create_directories("data");
    auto cmd = "ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=25 "
               "-frames:v 250 -pix_fmt yuv420p -c:v libx265 -preset fast "
               "-x265-params keyint=30:min-keyint=30:bframes=3:no-open-gop=1:"
               "log-level=error -f hevc "
               + path + ".part && mv " + path + ".part " + path;
    spdlog::info("encoding the sample clip {} (once)", path);
    if (std::system(cmd.c_str()) != 0) {
      spdlog::warn("could not encode the sample clip (is ffmpeg installed?)");
      return;
    }
  }
  caf::scoped_actor self{sys};
  self->request(clips, std::chrono::seconds(60),
                clip_source{"sample", "file://" + path})
      .receive(
          [&](clip_info& info) {
            spdlog::info("sample clip registered: {} frames, {} IRAPs",
                         info.frame_count, info.irap_count);
          },
          [&](caf::error& err) {
            spdlog::warn("sample clip not registered: {}", render(err));
          });
}

} // namespace argus
