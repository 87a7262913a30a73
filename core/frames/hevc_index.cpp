// SPDX-License-Identifier: Apache-2.0
#include "core/frames/hevc_index.hpp"

#include "messages/error.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <set>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace argus {

namespace {

/// Raw streams are read in blocks of this size while indexing.
constexpr int64_t index_block = 1 << 20;

constexpr uint8_t nal_cra = 21;
constexpr uint8_t nal_vps = 32;
constexpr uint8_t nal_sps = 33;
constexpr uint8_t nal_pps = 34;
constexpr uint8_t nal_eos = 36;
constexpr uint8_t nal_eob = 37;

nal_unit make_nal(const uint8_t* data, size_t offset, size_t size) {
  nal_unit n;
  n.offset = offset;
  n.size = size;
  if (size >= 2) {
    n.type = (data[offset] >> 1) & 0x3f;
    // nuh_temporal_id_plus1 == 0 is forbidden (H.265 7.4.2.2); reading it
    // as sub-layer 255 would raise the clip's max_temporal_id and with it
    // what the decoder treats as skippable.
    auto tid_plus1 = data[offset + 1] & 7;
    n.temporal_id = static_cast<uint8_t>(tid_plus1 == 0 ? 0 : tid_plus1 - 1);
  }
  return n;
}

/// What the index needs to know of one access unit's NAL units.
struct picture_nals {
  bool has_vcl = false;
  uint8_t type = 0;
  uint8_t temporal_id = 0;
  /// End of sequence/bitstream NALs: a CRA after one starts a new coded
  /// video sequence and drops its RASL pictures. FFmpeg applies those at
  /// the very start of a packet to that packet, any others to the next.
  bool eos_first = false;
  bool eos_later = false;
};

picture_nals classify(const std::vector<nal_unit>& nals) {
  picture_nals p;
  bool at_start = true;
  for (auto& n : nals) {
    if (n.type < 32 && !p.has_vcl) { // the first VCL NAL decides the type
      p.has_vcl = true;
      p.type = n.type;
      p.temporal_id = n.temporal_id;
    }
    bool eos = n.type == nal_eos || n.type == nal_eob;
    p.eos_first = p.eos_first || (eos && at_start);
    p.eos_later = p.eos_later || (eos && !at_start);
    at_start = at_start && eos;
  }
  return p;
}

/// A picture seen while scanning, before chunks and display order exist.
struct scanned_picture {
  int64_t offset = 0;
  int32_t size = 0;
  int64_t order = 0; // POC (raw) or pts (MP4)
  picture_nals nals;
};

/// Groups pictures into IRAP chunks (dropping any before the first IRAP)
/// and numbers them in display order. `per_chunk_order`: POCs restart at
/// IDRs, so raw streams sort within each chunk; MP4 pts sort globally.
///
/// RASL pictures of a CRA predict from pictures before it: they decode
/// from the previous chunk's IRAP. Where there is none the decoder treats
/// the CRA as a stream start (the clip's first IRAP, a BLA, a CRA after an
/// end of sequence) and drops them, as the ffmpeg CLI does; so does the
/// index: listed as undecodable, not numbered.
caf::expected<clip_index> assemble(clip_index idx,
                                   std::vector<scanned_picture> pics,
                                   bool per_chunk_order) {
  bool rasl_decodable = false;
  bool sequence_ended = false;
  for (auto& p : pics) {
    sequence_ended = sequence_ended || p.nals.eos_first;
    if (is_irap(p.nals.type)) {
      rasl_decodable
          = p.nals.type == nal_cra && !idx.iraps.empty() && !sequence_ended;
      sequence_ended = false;
      idx.iraps.push_back(irap_entry{p.offset, p.offset, {}, {}});
    }
    sequence_ended = sequence_ended || p.nals.eos_later;
    if (idx.iraps.empty())
      continue; // leading pictures without an IRAP cannot be decoded
    auto& chunk = idx.iraps.back();
    chunk.end = std::max(chunk.end, p.offset + p.size);
    bool rasl = is_rasl(p.nals.type);
    if (rasl && !rasl_decodable) {
      chunk.undecodable.push_back(undecodable_picture{p.offset, p.size});
      continue;
    }
    frame_entry f;
    f.offset = p.offset;
    f.size = p.size;
    f.decode_index = static_cast<int32_t>(chunk.frames.size());
    f.pts = p.order;
    f.nal_type = p.nals.type;
    f.temporal_id = p.nals.temporal_id;
    f.reference = !is_sub_layer_non_reference(p.nals.type);
    f.from_previous_chunk = rasl;
    idx.max_temporal_id = std::max(idx.max_temporal_id, f.temporal_id);
    chunk.frames.push_back(f);
  }
  if (idx.iraps.empty())
    return caf::make_error(ec::unsupported_clip,
                           "no IRAP picture (IDR/CRA/BLA) in the clip");
  // locate_irap binary-searches by offset; an MP4's sample table may store
  // chunks out of file order (raw streams are in order already).
  std::stable_sort(idx.iraps.begin(), idx.iraps.end(),
                   [](const irap_entry& a, const irap_entry& b) {
                     return a.offset < b.offset;
                   });
  // Display order: sort references to every frame by (chunk, order) or by
  // order alone, then number them.
  std::vector<frame_entry*> all;
  std::vector<int32_t> chunk_of;
  for (size_t c = 0; c < idx.iraps.size(); ++c)
    for (auto& f : idx.iraps[c].frames) {
      all.push_back(&f);
      chunk_of.push_back(static_cast<int32_t>(c));
    }
  std::vector<size_t> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (per_chunk_order && chunk_of[a] != chunk_of[b])
      return chunk_of[a] < chunk_of[b];
    return all[a]->pts < all[b]->pts;
  });
  for (size_t i = 0; i < order.size(); ++i) {
    all[order[i]]->display_index = static_cast<int32_t>(i);
    if (per_chunk_order) // raw streams carry no timestamps
      all[order[i]]->pts = static_cast<int64_t>(i);
  }
  idx.frame_count = static_cast<int64_t>(all.size());
  return idx;
}

// -- raw Annex-B ----------------------------------------------------------

struct parser_deleter {
  void operator()(AVCodecParserContext* p) const { av_parser_close(p); }
};

struct codec_ctx_deleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};

/// Appends the access unit's first VPS, SPS and PPS (with start codes)
/// until all three are known: the decoder's extradata.
void collect_parameter_sets(const uint8_t* au,
                            const std::vector<nal_unit>& nals,
                            std::string& extradata, unsigned& seen) {
  for (auto& n : nals) {
    unsigned bit = n.type == nal_vps   ? 1u
                   : n.type == nal_sps ? 2u
                   : n.type == nal_pps ? 4u
                                       : 0u;
    if (bit == 0 || (seen & bit))
      continue;
    seen |= bit;
    extradata.append("\0\0\0\1", 4);
    extradata.append(reinterpret_cast<const char*>(au + n.offset), n.size);
  }
}

caf::expected<clip_index> index_annexb(byte_source& src) {
  clip_index idx;
  idx.container = "annexb";
  idx.object_size = src.size();
  std::unique_ptr<AVCodecParserContext, parser_deleter> parser{
      av_parser_init(AV_CODEC_ID_HEVC)};
  std::unique_ptr<AVCodecContext, codec_ctx_deleter> avctx{
      avcodec_alloc_context3(nullptr)};
  if (!parser || !avctx)
    return caf::make_error(ec::unsupported_clip, "no HEVC parser in FFmpeg");
  std::vector<scanned_picture> pics;
  unsigned seen_sets = 0;
  auto on_picture = [&](const uint8_t* au, int size) {
    auto nals = split_annexb(au, static_cast<size_t>(size));
    if (seen_sets != 7)
      collect_parameter_sets(au, nals, idx.extradata, seen_sets);
    auto kind = classify(nals);
    if (!kind.has_vcl)
      return;
    if (idx.width == 0 && parser->width > 0) {
      idx.width = parser->width;
      idx.height = parser->height;
    }
    pics.push_back(
        {parser->frame_offset, size, parser->output_picture_number, kind});
  };
  int64_t pos = 0;
  std::string block;
  for (;;) {
    bool eof = pos >= idx.object_size;
    if (!eof) {
      auto data = src.read(pos, index_block);
      if (!data)
        return data.error();
      block = std::move(*data);
    }
    // The parser holds back the last picture until it sees the next start
    // code; an empty input (eof) flushes it.
    size_t used = 0;
    do {
      uint8_t* out = nullptr;
      int out_size = 0;
      auto in = eof ? nullptr
                    : reinterpret_cast<const uint8_t*>(block.data()) + used;
      int in_size = eof ? 0 : static_cast<int>(block.size() - used);
      int n = av_parser_parse2(parser.get(), avctx.get(), &out, &out_size, in,
                               in_size, AV_NOPTS_VALUE, AV_NOPTS_VALUE,
                               pos + static_cast<int64_t>(used));
      if (n < 0)
        return caf::make_error(ec::unsupported_clip, "HEVC parser failed");
      used += static_cast<size_t>(n);
      if (out_size > 0)
        on_picture(out, out_size);
      if (eof && out_size == 0)
        break;
    } while (eof || used < block.size());
    if (eof)
      break;
    pos += static_cast<int64_t>(block.size());
  }
  if (seen_sets != 7)
    return caf::make_error(ec::unsupported_clip,
                           "no VPS/SPS/PPS found: not an H.265 stream");
  return assemble(std::move(idx), std::move(pics), true);
}

// -- MP4 --------------------------------------------------------------------

/// libavformat reads the object through this: ranged reads of the source.
struct avio_reader {
  byte_source* src = nullptr;
  int64_t pos = 0;
  caf::error err;

  static int read(void* opaque, uint8_t* buf, int n) {
    auto* self = static_cast<avio_reader*>(opaque);
    if (self->pos >= self->src->size())
      return AVERROR_EOF;
    auto data = self->src->read(self->pos, n);
    if (!data) {
      self->err = data.error();
      return AVERROR(EIO);
    }
    std::memcpy(buf, data->data(), data->size());
    self->pos += static_cast<int64_t>(data->size());
    return data->empty() ? AVERROR_EOF : static_cast<int>(data->size());
  }

  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* self = static_cast<avio_reader*>(opaque);
    auto size = self->src->size();
    switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return size;
    case SEEK_SET:
      self->pos = offset;
      break;
    case SEEK_CUR:
      self->pos += offset;
      break;
    case SEEK_END:
      self->pos = size + offset;
      break;
    default:
      return AVERROR(EINVAL);
    }
    return self->pos;
  }
};

/// Owns the demuxer and its custom I/O context.
struct mp4_demuxer {
  AVFormatContext* fmt = nullptr;
  AVIOContext* io = nullptr;
  avio_reader reader;

  ~mp4_demuxer() {
    if (fmt)
      avformat_close_input(&fmt);
    if (io) {
      av_freep(&io->buffer);
      avio_context_free(&io);
    }
  }
};

caf::expected<clip_index> index_mp4(byte_source& src) {
  constexpr int io_buffer = 256 * 1024;
  mp4_demuxer dmx;
  dmx.reader.src = &src;
  auto* buf = static_cast<uint8_t*>(av_malloc(io_buffer));
  dmx.io = avio_alloc_context(buf, io_buffer, 0, &dmx.reader,
                              &avio_reader::read, nullptr, &avio_reader::seek);
  dmx.fmt = avformat_alloc_context();
  if (!dmx.io || !dmx.fmt)
    return caf::make_error(ec::unsupported_clip, "out of memory");
  dmx.fmt->pb = dmx.io;
  auto open_failed = [&](const char* what) -> caf::error {
    if (dmx.reader.err)
      return dmx.reader.err;
    return caf::make_error(ec::unsupported_clip, what);
  };
  if (avformat_open_input(&dmx.fmt, nullptr, av_find_input_format("mp4"),
                          nullptr)
      < 0) {
    dmx.fmt = nullptr; // freed by avformat_open_input on failure
    return open_failed("not a readable MP4 file");
  }
  int stream = -1;
  for (unsigned i = 0; i < dmx.fmt->nb_streams; ++i)
    if (dmx.fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
      stream = static_cast<int>(i);
      break;
    }
  if (stream < 0)
    return caf::make_error(ec::unsupported_clip, "the MP4 has no video track");
  auto* st = dmx.fmt->streams[stream];
  auto* par = st->codecpar;
  if (par->codec_id != AV_CODEC_ID_HEVC)
    return caf::make_error(ec::unsupported_clip,
                           std::string("the video track is ")
                               + avcodec_get_name(par->codec_id)
                               + ", argus serves H.265 only");
  clip_index idx;
  idx.container = "mp4";
  idx.object_size = src.size();
  idx.width = par->width;
  idx.height = par->height;
  idx.time_base_num = st->time_base.num;
  idx.time_base_den = st->time_base.den;
  idx.extradata.assign(reinterpret_cast<const char*>(par->extradata),
                       static_cast<size_t>(par->extradata_size));
  // hvcC: lengthSizeMinusOne sits in the low bits of byte 21.
  int length_size = 4;
  if (idx.extradata.size() > 22 && idx.extradata[0] == 1)
    length_size = (static_cast<uint8_t>(idx.extradata[21]) & 3) + 1;
  std::vector<scanned_picture> pics;
  // A crafted sample table can list the same bytes twice; a picture is
  // addressed by its offset, so it is indexed once.
  std::set<int64_t> seen_pos;
  AVPacket* pkt = av_packet_alloc();
  int rc = 0;
  while ((rc = av_read_frame(dmx.fmt, pkt)) >= 0) {
    if (pkt->stream_index == stream && pkt->pos >= 0
        && seen_pos.insert(pkt->pos).second) {
      auto nals = split_length_prefixed(pkt->data, pkt->size, length_size);
      auto kind = classify(nals);
      auto pts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
      if (kind.has_vcl)
        pics.push_back({pkt->pos, pkt->size, pts, kind});
    }
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
  if (dmx.reader.err)
    return dmx.reader.err;
  return assemble(std::move(idx), std::move(pics), false);
}

} // namespace

std::vector<nal_unit> split_annexb(const uint8_t* data, size_t size) {
  std::vector<nal_unit> out;
  size_t start = std::string::npos;
  size_t i = 0;
  while (i + 3 <= size) {
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
      if (start != std::string::npos) {
        // Trailing zeros belong to the next start code (00 00 00 01).
        size_t end = i;
        while (end > start && data[end - 1] == 0)
          --end;
        out.push_back(make_nal(data, start, end - start));
      }
      i += 3;
      start = i;
      continue;
    }
    ++i;
  }
  if (start != std::string::npos && start < size)
    out.push_back(make_nal(data, start, size - start));
  return out;
}

std::vector<nal_unit> split_length_prefixed(const uint8_t* data, size_t size,
                                            int length_size) {
  std::vector<nal_unit> out;
  size_t i = 0;
  while (i + static_cast<size_t>(length_size) <= size) {
    size_t len = 0;
    for (int b = 0; b < length_size; ++b)
      len = (len << 8) | data[i + b];
    i += static_cast<size_t>(length_size);
    if (len == 0 || len > size - i)
      break; // truncated or corrupt sample: keep what parsed
    out.push_back(make_nal(data, i, len));
    i += len;
  }
  return out;
}

caf::expected<clip_index> build_clip_index(byte_source& src) {
  auto head = src.read(0, 12);
  if (!head)
    return head.error();
  const auto& h = *head;
  if (h.size() >= 8 && h.compare(4, 4, "ftyp") == 0)
    return index_mp4(src);
  bool start_code
      = (h.size() >= 3 && h[0] == 0 && h[1] == 0 && h[2] == 1)
        || (h.size() >= 4 && h[0] == 0 && h[1] == 0 && h[2] == 0 && h[3] == 1);
  if (start_code)
    return index_annexb(src);
  return caf::make_error(ec::unsupported_clip,
                         "neither raw H.265 (Annex-B) nor MP4");
}

caf::expected<int32_t> locate_irap(const clip_index& idx, int64_t irap) {
  auto it = std::lower_bound(
      idx.iraps.begin(), idx.iraps.end(), irap,
      [](const irap_entry& e, int64_t off) { return e.offset < off; });
  if (it == idx.iraps.end() || it->offset != irap) {
    if (irap < 0 || irap >= idx.object_size)
      return caf::make_error(ec::unknown_frame,
                             "irap offset " + std::to_string(irap)
                                 + " is outside the clip (size "
                                 + std::to_string(idx.object_size) + ")");
    return caf::make_error(ec::unknown_frame,
                           "no IRAP starts at byte " + std::to_string(irap));
  }
  return static_cast<int32_t>(it - idx.iraps.begin());
}

caf::expected<frame_location> locate_frame(const clip_index& idx, int64_t irap,
                                           int64_t offset) {
  auto chunk = locate_irap(idx, irap);
  if (!chunk)
    return chunk.error();
  const auto& frames = idx.iraps[*chunk].frames;
  for (const auto& f : frames)
    if (f.offset == offset)
      return frame_location{*chunk, f.decode_index};
  for (const auto& u : idx.iraps[*chunk].undecodable)
    if (u.offset == offset)
      return caf::make_error(
          ec::decode_failed,
          "frame at byte " + std::to_string(offset)
              + " is a RASL picture of an IRAP that starts a coded video "
                "sequence (the clip's first CRA, a BLA, or a CRA after an "
                "end of sequence): its reference pictures are not in the "
                "clip, so no decoder can produce it (ffmpeg drops it too)");
  if (offset < 0 || offset >= idx.object_size)
    return caf::make_error(ec::unknown_frame,
                           "frame offset " + std::to_string(offset)
                               + " is outside the clip (size "
                               + std::to_string(idx.object_size) + ")");
  return caf::make_error(ec::unknown_frame,
                         "no frame of the chunk at IRAP " + std::to_string(irap)
                             + " starts at byte " + std::to_string(offset));
}

} // namespace argus
