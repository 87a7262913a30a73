// SPDX-License-Identifier: Apache-2.0
#include "actors/frames/clip_io.hpp"

#include "actors/failure.hpp"
#include "core/frames/hevc_index.hpp"

#include <spdlog/spdlog.h>

namespace argus {

clip_io_actor::behavior_type
clip_io(clip_io_actor::stateful_pointer<clip_io_state> self, std::string uri,
        s3_settings s3) {
  log_failures(self, "clip_io");
  self->state.uri = std::move(uri);
  self->state.s3 = std::move(s3);
  return {
      [=](atom::open) -> caf::result<clip_index_ptr> {
        auto& st = self->state;
        if (st.index)
          return st.index;
        auto src = open_byte_source(st.uri, st.s3);
        if (!src)
          return src.error();
        auto idx = build_clip_index(**src);
        if (!idx)
          return idx.error();
        st.source = std::move(*src);
        st.index = std::make_shared<const clip_index>(std::move(*idx));
        return st.index;
      },
      [=](atom::load, int32_t irap) -> caf::result<bytes_ptr> {
        auto& st = self->state;
        if (!st.index || irap < 0
            || irap >= static_cast<int32_t>(st.index->iraps.size()))
          return caf::make_error(ec::unknown_frame, "no such chunk");
        const auto& e = st.index->iraps[static_cast<size_t>(irap)];
        auto data = st.source->read(e.offset, e.end - e.offset);
        if (!data) {
          spdlog::warn("clip {}: chunk at {} unreadable: {}", st.uri, e.offset,
                       render(data.error()));
          return data.error();
        }
        return std::make_shared<const std::string>(std::move(*data));
      },
  };
}

clip_io_actor spawn_clip_io(caf::local_actor* parent, std::string uri,
                            s3_settings s3) {
  return parent->spawn<caf::detached + caf::linked>(clip_io, std::move(uri),
                                                    std::move(s3));
}

} // namespace argus
