// SPDX-License-Identifier: Apache-2.0
// Messages of the H.265 frame server: clips, their IRAP/frame index, frame
// requests and encoded frames. Plain structs with inspect(), like
// messages/types.hpp. Large immutable payloads (indexes, chunk bytes, JPEG
// bytes) travel between local actors as shared pointers.
#pragma once

#include <caf/meta/type_name.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace argus {

/// Immutable bytes shared between local actors (chunk data, JPEG images).
using bytes_ptr = std::shared_ptr<const std::string>;

/// One picture of a clip, as listed by GET /clips/{id}/index.
struct frame_entry {
  /// Byte offset of the access unit in the stored object.
  int64_t offset = 0;
  int32_t size = 0;
  /// Position in decode order within its IRAP's chunk (0 = the IRAP).
  int32_t decode_index = 0;
  /// 0-based position in display order over the whole clip.
  int32_t display_index = 0;
  /// Presentation timestamp in the clip's time base (raw streams: the
  /// display index).
  int64_t pts = 0;
  /// NAL unit type of the picture's first slice.
  uint8_t nal_type = 0;
  uint8_t temporal_id = 0;
  /// False for sub-layer non-reference pictures (`*_N` NAL types): no
  /// later picture of its sub-layer predicts from it, so a decode pass
  /// that does not want it may skip it.
  bool reference = true;
  /// A RASL picture of an open GOP's CRA: it predicts from pictures of the
  /// previous chunk, so a decode pass for it starts at that chunk's IRAP
  /// (every other picture decodes from its own chunk's IRAP).
  bool from_previous_chunk = false;
};

/// A picture the clip holds that no decoder can produce: a RASL picture of
/// a CRA that starts the clip (or of a BLA, or of a CRA after an end of
/// sequence), whose references are not in the stream. FFmpeg drops these
/// too, so they get no display index and are not counted in frame_count.
struct undecodable_picture {
  int64_t offset = 0;
  int32_t size = 0;
};

/// One IRAP and the pictures that decode from it, in decode order.
struct irap_entry {
  /// Byte offset of the IRAP's access unit (with its parameter sets).
  int64_t offset = 0;
  /// One past the last byte of the chunk's pictures.
  int64_t end = 0;
  std::vector<frame_entry> frames;
  /// Leading pictures of this IRAP that cannot be decoded (not in frames).
  std::vector<undecodable_picture> undecodable;
};

/// Everything a decoder and a client need to know about one clip.
struct clip_index {
  std::string codec = "hevc";
  /// "annexb" (raw H.265) or "mp4".
  std::string container;
  int32_t width = 0;
  int32_t height = 0;
  int64_t object_size = 0;
  int64_t frame_count = 0;
  /// Time base of `pts` (num/den seconds).
  int32_t time_base_num = 1;
  int32_t time_base_den = 1;
  /// Decoder configuration: Annex-B VPS/SPS/PPS (raw) or the hvcC record
  /// (MP4), so no request re-probes the stream.
  std::string extradata;
  /// Highest temporal id in the clip (non-reference skipping is limited to
  /// this sub-layer: lower ones may be referenced by higher ones).
  uint8_t max_temporal_id = 0;
  std::vector<irap_entry> iraps;
};

using clip_index_ptr = std::shared_ptr<const clip_index>;

/// POST /clips and the WebSocket register_clip message.
struct clip_source {
  std::string clip_id;
  /// "s3://bucket/key" or "file:///abs/path".
  std::string uri;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, clip_source& x) {
  return f(caf::meta::type_name("clip_source"), x.clip_id, x.uri);
}

/// A registered clip's summary and counters.
struct clip_info {
  std::string clip_id;
  std::string uri;
  std::string container;
  int32_t width = 0;
  int32_t height = 0;
  int64_t frame_count = 0;
  int64_t irap_count = 0;
  int64_t object_size = 0;
  /// True when this call registered it (201), false when it existed (200).
  bool created = false;
  int64_t frames_requested = 0;
  int64_t frames_decoded = 0;
  int64_t frames_skipped = 0;
  int64_t frames_encoded = 0;
  int64_t cache_hits = 0;
  int64_t decode_passes = 0;
  int64_t chunks_loaded = 0;
  int64_t bytes_loaded = 0;
  int64_t errors = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, clip_info& x) {
  return f(caf::meta::type_name("clip_info"), x.clip_id, x.uri, x.container,
           x.width, x.height, x.frame_count, x.irap_count, x.object_size,
           x.created, x.frames_requested, x.frames_decoded, x.frames_skipped,
           x.frames_encoded, x.cache_hits, x.decode_passes, x.chunks_loaded,
           x.bytes_loaded, x.errors);
}

/// Names one frame: its IRAP's and its own byte offset, and the JPEG
/// quality wanted.
struct frame_key {
  int64_t irap = 0;
  int64_t offset = 0;
  int32_t quality = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frame_key& x) {
  return f(caf::meta::type_name("frame_key"), x.irap, x.offset, x.quality);
}

inline bool operator<(const frame_key& a, const frame_key& b) {
  if (a.irap != b.irap)
    return a.irap < b.irap;
  if (a.offset != b.offset)
    return a.offset < b.offset;
  return a.quality < b.quality;
}

/// One served frame (FRAME_DONE): JPEG bytes plus what the header says.
struct encoded_frame {
  std::string clip_id;
  frame_key key;
  int32_t display_index = 0;
  int32_t decode_index = 0;
  int64_t pts = 0;
  bytes_ptr jpeg;
};

/// What a DECODER is asked to do: one pass over one chunk.
struct decode_job {
  /// The chunk's bytes, starting at `irap.offset`.
  bytes_ptr chunk;
  int32_t irap_index = 0;
  /// Decode indices of the frames someone is waiting for.
  std::vector<int32_t> wanted;
  int32_t quality = 90;
  /// Sequential playback: encode every frame the pass produces (the next
  /// requests find them cached) and keep the pass open.
  bool encode_all = false;
  /// The previous chunk's bytes, when a wanted frame decodes from it (the
  /// RASL pictures of an open GOP): a fresh pass then starts there.
  bytes_ptr previous;
  /// The next chunk's bytes, if loaded: a sequential pass runs on into it
  /// instead of draining at the chunk's end, so the next chunk's RASL
  /// pictures still find their references in the decoder.
  bytes_ptr following;
};

/// How a decode pass ended: which wanted frames it could not produce.
struct decode_report {
  int32_t irap_index = 0;
  int32_t quality = 0;
  std::vector<int32_t> failed;
  std::string detail;
  /// The decoder's running totals (for the clip's status view).
  int64_t passes_total = 0;
  int64_t decoded_total = 0;
  int64_t skipped_total = 0;
  int64_t encoded_total = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decode_report& x) {
  return f(caf::meta::type_name("decode_report"), x.irap_index, x.quality,
           x.failed, x.detail, x.passes_total, x.decoded_total, x.skipped_total,
           x.encoded_total);
}

/// A WebSocket /ws/frames message from a client, parsed by the gateway.
struct frame_command {
  enum kind_t : int32_t {
    invalid = 0,
    register_clip = 1,
    register_chunks = 2,
    request_chunk = 3,
    request_frames = 4,
  };
  int32_t kind = invalid;
  /// Echoed in every answer to this command.
  std::string request_id;
  std::string clip_id;
  std::string uri;
  /// IRAP offsets (register_chunks; request_chunk uses the first).
  std::vector<int64_t> iraps;
  /// request_frames: frame offsets, all of the IRAP iraps[0].
  std::vector<int64_t> offsets;
  int32_t quality = 0;
  /// Why the message could not be parsed (kind == invalid).
  std::string error;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frame_command& x) {
  return f(caf::meta::type_name("frame_command"), x.kind, x.request_id,
           x.clip_id, x.uri, x.iraps, x.offsets, x.quality, x.error, x.detail);
}

/// Everything a /ws/frames client is told, before the gateway writes it as
/// JSON (docs/protocol.md, schemas/frame_*.schema.json).
struct frame_notice {
  enum kind_t : int32_t {
    /// A frame header; the JPEG follows as the next (binary) message.
    frame = 0,
    error = 1,
    clip_registered = 2,
    chunks_registered = 3,
    /// Requests superseded by newer ones, dropped before decoding.
    dropped = 4,
    /// Every frame of a request has been sent (or failed).
    done = 5,
  };
  int32_t kind = error;
  std::string request_id;
  std::string clip_id;
  frame_key key;
  /// error: whether `key` names the frame that failed.
  bool has_key = false;
  int32_t display_index = 0;
  int32_t decode_index = 0;
  int64_t pts = 0;
  int64_t size = 0;
  std::string error_code;
  std::string detail;
  clip_info clip;
  std::vector<int64_t> iraps;
  /// done: frames sent; dropped: frames dropped.
  int64_t frames = 0;
  /// done: frames that failed.
  int64_t errors = 0;
};

} // namespace argus
