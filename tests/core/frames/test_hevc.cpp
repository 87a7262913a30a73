// SPDX-License-Identifier: Apache-2.0
// The frame server's core: index building (raw and MP4), decode passes that
// skip non-reference pictures, open GOPs (RASL pictures decoded from the
// previous IRAP), JPEG range expansion and the frame cache. Clips are
// encoded by the ffmpeg CLI (libx265) at test time; reference pictures come
// from an independent libavformat + libavcodec decode of the whole stream,
// which is what the ffmpeg CLI does.
#include "core/frames/byte_source.hpp"
#include "core/frames/frame_cache.hpp"
#include "core/frames/hevc_decoder.hpp"
#include "core/frames/hevc_index.hpp"
#include "core/video/ffmpeg_limits.hpp"
#include "core/video/jpeg_encoder.hpp"
#include "messages/error.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <set>
#include <turbojpeg.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

using namespace argus;

namespace {

/// 64 frames of 320x180, GOP 30, 3 B-frames, closed GOPs.
std::string make_clip(const test::temp_dir& dir, const std::string& name,
                      const std::string& format) {
  auto path = dir.file(name);
  auto cmd = "ffmpeg -v error -y -f lavfi -i testsrc2=size=320x180:rate=25 "
             "-frames:v 64 -pix_fmt yuv420p -c:v libx265 -preset ultrafast "
             "-x265-params keyint=30:min-keyint=30:bframes=3:no-open-gop=1:"
             "log-level=error -f "
             + format + " " + path;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return path;
}

/// x265 with its default parameters (open GOPs: CRA pictures whose RASL
/// leading pictures predict from the previous GOP; B-frames) and a short
/// keyint, so that 100 frames hold several CRAs.
std::string make_open_gop_clip(const test::temp_dir& dir,
                               const std::string& name,
                               const std::string& format) {
  auto path = dir.file(name);
  auto cmd = "ffmpeg -v error -y -f lavfi -i testsrc2=size=320x180:rate=25 "
             "-frames:v 100 -pix_fmt yuv420p -c:v libx265 "
             "-x265-params keyint=24:log-level=error -f "
             + format + " " + path;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return path;
}

/// Luma planes of every picture in display order, decoded independently.
std::vector<std::string> reference_luma(const std::string& path) {
  std::vector<std::string> out;
  AVFormatContext* fmt = nullptr;
  EXPECT_EQ(avformat_open_input(&fmt, path.c_str(), nullptr, nullptr), 0);
  EXPECT_GE(avformat_find_stream_info(fmt, nullptr), 0);
  auto* par = fmt->streams[0]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(ctx, par);
  ctx->thread_count = 1;
  EXPECT_EQ(avcodec_open2(ctx, codec, nullptr), 0);
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  auto take = [&] {
    while (avcodec_receive_frame(ctx, frame) == 0) {
      std::string y;
      for (int r = 0; r < frame->height; ++r)
        y.append(reinterpret_cast<const char*>(frame->data[0]
                                               + r * frame->linesize[0]),
                 frame->width);
      out.push_back(std::move(y));
    }
  };
  while (av_read_frame(fmt, pkt) >= 0) {
    avcodec_send_packet(ctx, pkt);
    av_packet_unref(pkt);
    take();
  }
  avcodec_send_packet(ctx, nullptr);
  take();
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&ctx);
  avformat_close_input(&fmt);
  return out;
}

clip_index_ptr index_of(const std::string& path) {
  auto src = open_byte_source("file://" + path, {});
  EXPECT_TRUE(src) << render(src.error());
  auto idx = build_clip_index(**src);
  EXPECT_TRUE(idx) << render(idx.error());
  return std::make_shared<const clip_index>(std::move(*idx));
}

std::string chunk_bytes(const std::string& path, const irap_entry& e) {
  auto src = open_byte_source("file://" + path, {});
  auto data = (*src)->read(e.offset, e.end - e.offset);
  EXPECT_TRUE(data);
  return *data;
}

bytes_ptr chunk_ptr(const std::string& path, const clip_index& idx, int32_t c) {
  if (c < 0 || c >= static_cast<int32_t>(idx.iraps.size()))
    return nullptr;
  return std::make_shared<const std::string>(
      chunk_bytes(path, idx.iraps[static_cast<size_t>(c)]));
}

/// Which neighbouring chunks' bytes a job carries (the scheduler hands
/// them over when loaded).
enum class neighbours { none, previous, both };

/// Decodes `wanted` of chunk `c` and returns display index -> luma of
/// everything the pass hands out (of any chunk).
std::map<int32_t, std::string>
decode_luma(hevc_decoder& dec, const clip_index& idx, const std::string& path,
            int32_t c, std::vector<int32_t> wanted, bool emit_all = false,
            neighbours with = neighbours::previous) {
  std::map<int32_t, std::string> out;
  decode_job job;
  job.irap_index = c;
  job.chunk = chunk_ptr(path, idx, c);
  if (with != neighbours::none)
    job.previous = chunk_ptr(path, idx, c - 1);
  if (with == neighbours::both)
    job.following = chunk_ptr(path, idx, c + 1);
  job.wanted = std::move(wanted);
  job.encode_all = emit_all;
  std::string detail;
  auto failed = dec.decode(
      job,
      [&](const decoded_picture& p) {
        std::string y;
        const AVFrame& f = *p.frame;
        for (int r = 0; r < f.height; ++r)
          y.append(reinterpret_cast<const char*>(f.data[0] + r * f.linesize[0]),
                   f.width);
        auto d = idx.iraps[p.irap_index].frames[p.decode_index];
        EXPECT_FALSE(out.count(d.display_index)) << "emitted twice";
        out[d.display_index] = std::move(y);
      },
      &detail);
  EXPECT_TRUE(failed.empty()) << "chunk " << c << ": " << detail;
  return out;
}

/// Every frame of the index as (chunk, decode index), in decode order.
std::vector<std::pair<int32_t, int32_t>> all_frames(const clip_index& idx) {
  std::vector<std::pair<int32_t, int32_t>> out;
  for (size_t c = 0; c < idx.iraps.size(); ++c)
    for (const auto& f : idx.iraps[c].frames)
      out.push_back({static_cast<int32_t>(c), f.decode_index});
  return out;
}

/// Every luma plane equals the reference's at its display index.
void expect_bit_exact(const std::map<int32_t, std::string>& got,
                      const std::vector<std::string>& ref) {
  for (auto& [d, y] : got) {
    ASSERT_LT(static_cast<size_t>(d), ref.size());
    EXPECT_TRUE(y == ref[static_cast<size_t>(d)]) << "display " << d;
  }
}

} // namespace

TEST(hevc_index, raw_stream_has_chunks_in_decode_and_display_order) {
  test::temp_dir dir;
  auto path = make_clip(dir, "clip.hevc", "hevc");
  auto idx = index_of(path);
  EXPECT_EQ(idx->container, "annexb");
  EXPECT_EQ(idx->width, 320);
  EXPECT_EQ(idx->height, 180);
  EXPECT_EQ(idx->frame_count, 64);
  ASSERT_EQ(idx->iraps.size(), 3u); // frames 0, 30, 60
  std::vector<bool> seen(64, false);
  int non_ref = 0;
  for (size_t c = 0; c < idx->iraps.size(); ++c) {
    const auto& chunk = idx->iraps[c];
    EXPECT_EQ(chunk.frames.front().offset, chunk.offset);
    EXPECT_TRUE(is_irap(chunk.frames.front().nal_type));
    for (size_t i = 0; i < chunk.frames.size(); ++i) {
      const auto& f = chunk.frames[i];
      EXPECT_EQ(f.decode_index, static_cast<int32_t>(i));
      ASSERT_GE(f.display_index, 0);
      ASSERT_LT(f.display_index, 64);
      EXPECT_FALSE(seen[f.display_index]) << "display index used twice";
      seen[f.display_index] = true;
      if (i > 0)
        EXPECT_GT(f.offset, chunk.frames[i - 1].offset);
      non_ref += f.reference ? 0 : 1;
    }
  }
  EXPECT_GT(non_ref, 10) << "x265 B-frames should be TRAIL_N";
  // The parameter sets were kept for the decoder: VPS, SPS, PPS.
  auto sets
      = split_annexb(reinterpret_cast<const uint8_t*>(idx->extradata.data()),
                     idx->extradata.size());
  ASSERT_EQ(sets.size(), 3u);
  EXPECT_EQ(sets[0].type, 32);
  EXPECT_EQ(sets[1].type, 33);
  EXPECT_EQ(sets[2].type, 34);
}

TEST(hevc_index, mp4_agrees_with_the_raw_stream_it_was_muxed_from) {
  test::temp_dir dir;
  // The encoder writes the MP4 (real pts); the raw stream is extracted from
  // it (raw H.265 carries no timestamps, so the other way round loses them).
  auto mp4 = make_clip(dir, "clip.mp4", "mp4");
  auto raw = dir.file("clip.hevc");
  auto cmd = "ffmpeg -v error -y -i " + mp4
             + " -c copy -bsf:v hevc_mp4toannexb -f hevc " + raw;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto a = index_of(raw);
  auto b = index_of(mp4);
  EXPECT_EQ(b->container, "mp4");
  EXPECT_EQ(b->width, 320);
  ASSERT_EQ(a->iraps.size(), b->iraps.size());
  for (size_t c = 0; c < a->iraps.size(); ++c) {
    ASSERT_EQ(a->iraps[c].frames.size(), b->iraps[c].frames.size());
    for (size_t i = 0; i < a->iraps[c].frames.size(); ++i) {
      EXPECT_EQ(a->iraps[c].frames[i].display_index,
                b->iraps[c].frames[i].display_index);
      EXPECT_EQ(a->iraps[c].frames[i].reference,
                b->iraps[c].frames[i].reference);
    }
  }
}

TEST(hevc_index, declared_sample_counts_cannot_size_a_huge_table) {
  // The fuzz find: a 6 KB fragmented MP4 whose trun declares 83,886,080
  // samples; FFmpeg sizes its index (2 GB) from that count. Under argus'
  // allocation ceiling the clip is refused and a real clip still indexes.
  apply_ffmpeg_limits();
  EXPECT_EQ(av_malloc(ffmpeg_max_alloc_bytes + 1), nullptr);
  auto src
      = open_byte_source("file://" ARGUS_SOURCE_DIR
                         "/fixtures/fuzz/hevc_mp4/regression-huge-sample-count",
                         {});
  ASSERT_TRUE(src);
  auto idx = build_clip_index(**src);
  ASSERT_FALSE(idx);
  EXPECT_EQ(idx.error(), ec::unsupported_clip);
  test::temp_dir dir;
  EXPECT_FALSE(index_of(make_clip(dir, "clip.mp4", "mp4"))->iraps.empty());
}

TEST(hevc_index, locate_frame_names_what_is_wrong) {
  test::temp_dir dir;
  auto idx = index_of(make_clip(dir, "clip.hevc", "hevc"));
  const auto& c0 = idx->iraps[0];
  const auto& c1 = idx->iraps[1];
  auto ok = locate_frame(*idx, c1.offset, c1.frames[5].offset);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->irap_index, 1);
  EXPECT_EQ(ok->decode_index, 5);
  // A frame of another chunk, a non-boundary, past the end, a non-IRAP.
  for (auto [irap, off] : std::vector<std::pair<int64_t, int64_t>>{
           {c0.offset, c1.frames[3].offset},
           {c0.offset, c0.frames[2].offset + 1},
           {c0.offset, idx->object_size + 10},
           {c0.frames[1].offset, c0.frames[1].offset},
           {-5, 0}}) {
    auto bad = locate_frame(*idx, irap, off);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), ec::unknown_frame) << render(bad.error());
    EXPECT_FALSE(error_detail(bad.error()).empty());
  }
}

TEST(hevc_decoder, random_frames_match_a_full_sequential_decode) {
  test::temp_dir dir;
  auto path = make_clip(dir, "clip.hevc", "hevc");
  auto idx = index_of(path);
  auto ref = reference_luma(path);
  ASSERT_EQ(ref.size(), 64u);
  auto dec = hevc_decoder::open(idx);
  ASSERT_TRUE(dec) << render(dec.error());
  std::mt19937 rng(7);
  std::vector<std::pair<int32_t, int32_t>> picks;
  for (int32_t c = 0; c < 3; ++c) {
    auto n = static_cast<int32_t>(idx->iraps[c].frames.size());
    picks.push_back({c, 0});     // the IRAP itself
    picks.push_back({c, n - 1}); // the last frame of the chunk
    for (int k = 0; k < 4; ++k)
      picks.push_back({c, static_cast<int32_t>(rng() % n)});
  }
  for (auto [c, i] : picks) {
    auto got = decode_luma(**dec, *idx, path, c, {i});
    auto d = idx->iraps[c].frames[i].display_index;
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got.at(d) == ref[d]) << "chunk " << c << " frame " << i;
  }
  EXPECT_GT((*dec)->stats().skipped, 0) << "non-reference pictures skipped";
}

TEST(hevc_decoder, sequential_pass_stays_open_and_emits_everything) {
  test::temp_dir dir;
  auto path = make_clip(dir, "clip.hevc", "hevc");
  auto idx = index_of(path);
  auto ref = reference_luma(path);
  auto dec = hevc_decoder::open(idx);
  ASSERT_TRUE(dec);
  std::map<int32_t, std::string> all;
  // Ask frame by frame in decode order, the way a player steps.
  for (int32_t i = 0; i < static_cast<int32_t>(idx->iraps[0].frames.size());
       ++i) {
    // Decode-ahead slices overlap what the reorder delay already pushed
    // out: asking again for an emitted frame must not restart the pass.
    std::vector<int32_t> slice{i};
    if (i > 0)
      slice.insert(slice.begin(), i - 1);
    auto got = decode_luma(**dec, *idx, path, 0, slice, true);
    all.insert(got.begin(), got.end());
  }
  EXPECT_EQ((*dec)->stats().passes, 1) << "one pass for the whole chunk";
  EXPECT_EQ(all.size(), idx->iraps[0].frames.size());
  for (auto& [d, y] : all)
    EXPECT_TRUE(y == ref[d]) << "display " << d;
}

TEST(hevc_decoder, corrupt_chunk_fails_the_frame_with_a_reason) {
  test::temp_dir dir;
  auto path = make_clip(dir, "clip.hevc", "hevc");
  auto idx = index_of(path);
  auto dec = hevc_decoder::open(idx);
  ASSERT_TRUE(dec);
  auto bytes = chunk_bytes(path, idx->iraps[1]);
  // Damage the IRAP's slice header: entropy-coded noise can decode into a
  // plausible (wrong) picture, a broken header cannot.
  const auto& irap = idx->iraps[1].frames[0];
  auto nals = split_annexb(reinterpret_cast<const uint8_t*>(bytes.data()),
                           static_cast<size_t>(irap.size));
  size_t slice = 0;
  for (auto& n : nals)
    if (n.type < 32) {
      slice = n.offset;
      break;
    }
  ASSERT_GT(slice, 0u);
  for (size_t k = slice + 2; k < slice + 12; ++k)
    bytes[k] = static_cast<char>(0xff);
  std::string detail;
  decode_job job;
  job.irap_index = 1;
  job.chunk = std::make_shared<const std::string>(bytes);
  job.wanted = {3};
  auto failed = (*dec)->decode(
      job, [](const decoded_picture&) {}, &detail);
  EXPECT_EQ(failed, std::vector<int32_t>{3});
  EXPECT_FALSE(detail.empty());
  // The decoder is reusable after the failure.
  job.chunk = chunk_ptr(path, *idx, 1);
  EXPECT_TRUE((*dec)->decode(job, [](const decoded_picture&) {}).empty());
}

TEST(hevc_index, open_gop_rasl_pictures_decode_from_the_previous_irap) {
  test::temp_dir dir;
  auto path = make_open_gop_clip(dir, "open.hevc", "hevc");
  auto idx = index_of(path);
  auto ref = reference_luma(path);
  EXPECT_EQ(idx->frame_count, static_cast<int64_t>(ref.size()))
      << "the same frames the ffmpeg CLI outputs";
  int rasl = 0;
  std::set<int32_t> open_cras;
  for (size_t c = 0; c < idx->iraps.size(); ++c) {
    const auto& chunk = idx->iraps[c];
    EXPECT_TRUE(chunk.undecodable.empty()) << "the clip starts with an IDR";
    for (const auto& f : chunk.frames) {
      EXPECT_EQ(f.from_previous_chunk, is_rasl(f.nal_type));
      if (!f.from_previous_chunk)
        continue;
      ++rasl;
      open_cras.insert(static_cast<int32_t>(c));
      ASSERT_GT(c, 0u);
      EXPECT_EQ(chunk.frames[0].nal_type, 21) << "a CRA leads them";
      EXPECT_LT(f.display_index, chunk.frames[0].display_index)
          << "leading pictures show before their CRA";
    }
  }
  EXPECT_GE(open_cras.size(), 2u) << "several open-GOP CRAs in the clip";
  EXPECT_GT(rasl, 4);
}

// Regression: every RASL picture used to fail ("a leading picture that
// needs the previous chunk").
TEST(hevc_decoder, every_open_gop_frame_matches_a_full_decode_at_random) {
  test::temp_dir dir;
  auto path = make_open_gop_clip(dir, "open.hevc", "hevc");
  auto idx = index_of(path);
  auto ref = reference_luma(path);
  auto dec = hevc_decoder::open(idx);
  ASSERT_TRUE(dec) << render(dec.error());
  auto frames = all_frames(*idx);
  std::shuffle(frames.begin(), frames.end(), std::mt19937{5});
  for (auto [c, i] : frames) {
    auto got = decode_luma(**dec, *idx, path, c, {i});
    const auto& f = idx->iraps[c].frames[i];
    ASSERT_EQ(got.size(), 1u) << "chunk " << c << " frame " << i;
    EXPECT_TRUE(got.begin()->second == ref[f.display_index])
        << "chunk " << c << " frame " << i
        << (f.from_previous_chunk ? " (RASL)" : "");
  }
}

TEST(hevc_decoder, sequential_pass_runs_through_open_gop_cras) {
  test::temp_dir dir;
  auto path = make_open_gop_clip(dir, "open.hevc", "hevc");
  auto idx = index_of(path);
  auto ref = reference_luma(path);
  // Stepping in decode order, the way decode-ahead slices go: with the
  // next chunk's bytes at hand the pass never restarts; without them it
  // drains at each chunk's end and a CRA's RASL pictures restart it at
  // the previous IRAP. Both hand out every frame once, bit-exact.
  for (auto with : {neighbours::both, neighbours::previous}) {
    auto dec = hevc_decoder::open(idx);
    ASSERT_TRUE(dec);
    std::map<int32_t, std::string> all;
    for (auto [c, i] : all_frames(*idx)) {
      auto got = decode_luma(**dec, *idx, path, c, {i}, true, with);
      for (auto& [d, y] : got)
        EXPECT_TRUE(all.emplace(d, std::move(y)).second) << "display " << d;
    }
    EXPECT_EQ(all.size(), ref.size());
    expect_bit_exact(all, ref);
    if (with == neighbours::both)
      EXPECT_EQ((*dec)->stats().passes, 1) << "one pass for the whole clip";
    else
      EXPECT_GT((*dec)->stats().passes, 1);
  }
}

TEST(hevc_index, a_clip_starting_at_a_cra_lists_its_rasl_as_undecodable) {
  test::temp_dir dir;
  auto full = make_open_gop_clip(dir, "open.hevc", "hevc");
  auto whole = index_of(full);
  // Cut the stream at a CRA with RASL pictures (parameter sets first), as
  // a segment of a longer recording would be.
  size_t cra = 0;
  for (size_t c = 1; c < whole->iraps.size() && cra == 0; ++c)
    for (const auto& f : whole->iraps[c].frames)
      if (f.from_previous_chunk)
        cra = c;
  ASSERT_GT(cra, 0u);
  auto bytes = chunk_bytes(
      full, irap_entry{whole->iraps[cra].offset, whole->object_size, {}, {}});
  auto path = dir.file("cut.hevc");
  {
    std::ofstream out(path, std::ios::binary);
    out << whole->extradata << bytes;
  }
  auto idx = index_of(path);
  auto ref = reference_luma(path);
  EXPECT_EQ(idx->frame_count, static_cast<int64_t>(ref.size()))
      << "numbered like the ffmpeg CLI, which drops them";
  const auto& first = idx->iraps[0];
  ASSERT_FALSE(first.undecodable.empty());
  for (const auto& f : first.frames)
    EXPECT_FALSE(f.from_previous_chunk);
  auto lost = locate_frame(*idx, first.offset, first.undecodable[0].offset);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error(), ec::decode_failed);
  EXPECT_NE(error_detail(lost.error()).find("RASL"), std::string::npos);
  auto dec = hevc_decoder::open(idx);
  ASSERT_TRUE(dec);
  for (auto [c, i] : all_frames(*idx)) {
    auto got = decode_luma(**dec, *idx, path, c, {i});
    ASSERT_EQ(got.size(), 1u);
    expect_bit_exact(got, ref);
  }
}

TEST(jpeg_encoder, limited_range_is_expanded_to_full_range) {
  AVFrame* f = av_frame_alloc();
  f->width = 64;
  f->height = 32;
  f->format = AV_PIX_FMT_YUV420P;
  ASSERT_EQ(av_frame_get_buffer(f, 0), 0);
  // Left half video black (Y 16), right half video white (Y 235).
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 64; ++x)
      f->data[0][y * f->linesize[0] + x] = x < 32 ? 16 : 235;
  for (int p = 1; p < 3; ++p)
    for (int y = 0; y < 16; ++y)
      for (int x = 0; x < 32; ++x)
        f->data[p][y * f->linesize[p] + x] = 128;
  jpeg_encoder enc;
  auto jpg = enc.encode(*f, 95);
  ASSERT_TRUE(jpg) << render(jpg.error());
  tjhandle d = tjInitDecompress();
  std::vector<unsigned char> gray(64 * 32);
  ASSERT_EQ(tjDecompress2(d,
                          reinterpret_cast<const unsigned char*>(jpg->data()),
                          jpg->size(), gray.data(), 64, 0, 32, TJPF_GRAY, 0),
            0);
  tjDestroy(d);
  EXPECT_LE(gray[16 * 64 + 4], 3);    // black stays black (0, not 16)
  EXPECT_GE(gray[16 * 64 + 60], 252); // white reaches 255, not 235
  f->format = AV_PIX_FMT_YUV420P10LE;
  auto bad = enc.encode(*f, 95);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), ec::unsupported_clip);
  av_frame_free(&f);
}

TEST(frame_cache, evicts_least_recently_used_beyond_its_byte_cap) {
  frame_cache cache(300);
  auto blob
      = [](char c) { return std::make_shared<const std::string>(100, c); };
  cache.put("a", 1, 90, blob('1'));
  cache.put("a", 2, 90, blob('2'));
  cache.put("b", 1, 90, blob('3'));
  ASSERT_TRUE(cache.get("a", 1, 90)); // refresh: "a"/2 is now the oldest
  cache.put("b", 2, 90, blob('4'));
  EXPECT_FALSE(cache.get("a", 2, 90));
  EXPECT_TRUE(cache.get("b", 1, 90));
  EXPECT_FALSE(cache.get("a", 1, 80)) << "quality is part of the key";
  auto st = cache.stats();
  EXPECT_EQ(st.entries, 3);
  EXPECT_EQ(st.bytes, 300);
  EXPECT_EQ(st.evictions, 1);
  cache.erase_clip("b");
  EXPECT_EQ(cache.stats().entries, 1);
  cache.put("c", 1, 90, std::make_shared<const std::string>(301, 'x'));
  EXPECT_FALSE(cache.get("c", 1, 90)) << "larger than the whole cache";
}

TEST(byte_source, file_reads_and_errors) {
  test::temp_dir dir;
  auto missing = open_byte_source("file://" + dir.file("nope.hevc"), {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), ec::source_not_found);
  auto relative = open_byte_source("file://clip.hevc", {});
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error(), ec::invalid_argument);
  EXPECT_EQ(open_byte_source("ftp://x/y", {}).error(), ec::invalid_argument);
  EXPECT_EQ(open_byte_source("s3://bucket-only", {}).error(),
            ec::invalid_argument);
  EXPECT_EQ(s3_escape_key("clips/cam 1/seg=1+2.bin"),
            "clips/cam%201/seg%3D1%2B2.bin");
}
