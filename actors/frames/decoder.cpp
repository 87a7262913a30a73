// SPDX-License-Identifier: Apache-2.0
#include "actors/frames/decoder.hpp"

#include "actors/failure.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

namespace argus {

decoder_actor::behavior_type
decoder(decoder_actor::stateful_pointer<decoder_state> self,
        decoder_setup setup) {
  log_failures(self, "decoder");
  self->state.setup = std::move(setup);
  auto dec = hevc_decoder::open(self->state.setup.index);
  if (dec)
    self->state.decoder = std::move(*dec);
  else
    spdlog::error("clip {}: {}", self->state.setup.clip_id,
                  render(dec.error()));
  return {
      [=](decode_job& job) -> caf::result<decode_report> {
        auto& st = self->state;
        decode_report report;
        report.irap_index = job.irap_index;
        report.quality = job.quality;
        if (!st.decoder) {
          report.failed = job.wanted;
          report.detail = "the clip's decoder could not be opened";
          return report;
        }
        std::vector<int32_t> encode_failed;
        auto publish = [&](const decoded_picture& pic) {
          // A pass running across a chunk boundary hands out frames of
          // neighbouring chunks too (decoded ahead, cached like the rest).
          const auto& chunk
              = st.setup.index->iraps[static_cast<size_t>(pic.irap_index)];
          const auto& f = chunk.frames[static_cast<size_t>(pic.decode_index)];
          auto jpg = st.jpeg.encode(*pic.frame, job.quality);
          if (!jpg) {
            if (pic.irap_index == job.irap_index)
              encode_failed.push_back(pic.decode_index);
            report.detail = render(jpg.error());
            return;
          }
          ++st.frames_encoded;
          encoded_frame out;
          out.clip_id = st.setup.clip_id;
          out.key = frame_key{chunk.offset, f.offset, job.quality};
          out.display_index = f.display_index;
          out.decode_index = f.decode_index;
          out.pts = f.pts;
          out.jpeg = std::make_shared<const std::string>(std::move(*jpg));
          st.setup.cache->put(st.setup.clip_id, f.offset, job.quality,
                              out.jpeg);
          self->send(st.setup.clip, std::move(out));
        };
        // Decode time per produced frame: from the pass's start or the
        // previous frame's hand-over to this frame (reference frames that
        // are not output count towards the next one); encoding excluded.
        auto last = std::chrono::steady_clock::now();
        auto timed = [&](const decoded_picture& pic) {
          if (auto* h = st.setup.decode_seconds)
            h->observe(std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - last)
                           .count());
          publish(pic);
          last = std::chrono::steady_clock::now();
        };
        report.failed = st.decoder->decode(job, timed, &report.detail);
        report.failed.insert(report.failed.end(), encode_failed.begin(),
                             encode_failed.end());
        if (report.failed.empty())
          report.detail.clear();
        const auto& totals = st.decoder->stats();
        report.passes_total = totals.passes;
        report.decoded_total = totals.decoded;
        report.skipped_total = totals.skipped;
        report.encoded_total = st.frames_encoded;
        return report;
      },
  };
}

decoder_actor spawn_decoder(caf::local_actor* parent, decoder_setup setup) {
  return parent->spawn<caf::detached + caf::linked>(decoder, std::move(setup));
}

} // namespace argus
