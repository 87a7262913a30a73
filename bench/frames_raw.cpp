// SPDX-License-Identifier: Apache-2.0
// The raw cost of serving H.265 frames (docs/benchmarks.md §6): the same
// decode (IRAP -> target, skipping unwanted non-reference pictures; from
// the previous IRAP for an open GOP's RASL pictures) and
// turbojpeg encode argus does, in a plain loop with no actors, no sockets
// and every chunk already in memory. bench/frames/run.py runs it side by
// side with argus serving the same requests over /ws/frames.
//
//   argus_bench_frames_raw random CLIP PAIRS QUALITY
//     PAIRS: lines "irap_offset frame_offset"; one request at a time.
//     Prints {"n","p50_ms","p99_ms","mean_ms"}.
//   argus_bench_frames_raw sequential CLIP THREADS SECONDS QUALITY
//     THREADS independent decoders (one per core, as argus runs one per
//     clip), each decoding and encoding every frame of the clip in order,
//     over and over, for SECONDS. Prints {"threads","frames","fps"}.
#include "core/frames/byte_source.hpp"
#include "core/frames/hevc_decoder.hpp"
#include "core/frames/hevc_index.hpp"
#include "core/video/jpeg_encoder.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

using namespace argus;
using clock_type = std::chrono::steady_clock;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "argus_bench_frames_raw: %s\n", what.c_str());
  std::exit(1);
}

template <class T> T must(caf::expected<T> x, const char* what) {
  if (!x)
    fail(std::string{what} + ": " + render(x.error()));
  return std::move(*x);
}

/// The clip's index and every chunk's bytes, loaded before any timing.
struct loaded_clip {
  clip_index_ptr index;
  std::vector<bytes_ptr> chunks;
};

loaded_clip load(const std::string& path) {
  auto src = must(open_byte_source("file://" + path, {}), "open");
  loaded_clip clip;
  clip.index = std::make_shared<const clip_index>(
      must(build_clip_index(*src), "index"));
  for (const auto& e : clip.index->iraps)
    clip.chunks.push_back(std::make_shared<const std::string>(
        must(src->read(e.offset, e.end - e.offset), "read chunk")));
  return clip;
}

/// A pass over chunk `c` with its neighbours' bytes at hand, as argus's
/// scheduler hands them over when loaded.
decode_job job_for(const loaded_clip& clip, size_t c) {
  decode_job job;
  job.irap_index = static_cast<int32_t>(c);
  job.chunk = clip.chunks[c];
  if (c > 0)
    job.previous = clip.chunks[c - 1];
  if (c + 1 < clip.chunks.size())
    job.following = clip.chunks[c + 1];
  return job;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size()));
  return v[std::min(v.size() - 1, i)];
}

int random_requests(const std::string& path, const std::string& pairs_path,
                    int quality) {
  auto clip = load(path);
  auto decoder = must(hevc_decoder::open(clip.index), "decoder");
  jpeg_encoder jpeg;
  std::ifstream pairs{pairs_path};
  std::vector<double> ms;
  int64_t irap = 0, offset = 0;
  while (pairs >> irap >> offset) {
    auto loc = must(locate_frame(*clip.index, irap, offset), "locate");
    auto t0 = clock_type::now();
    size_t bytes = 0;
    auto job = job_for(clip, static_cast<size_t>(loc.irap_index));
    job.wanted = {loc.decode_index};
    auto failed = decoder->decode(job, [&](const decoded_picture& pic) {
      bytes = must(jpeg.encode(*pic.frame, quality), "encode").size();
    });
    auto t1 = clock_type::now();
    if (!failed.empty() || bytes == 0)
      fail("frame at " + std::to_string(offset) + " was not produced");
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  if (ms.empty())
    fail("no pairs in " + pairs_path);
  double sum = 0;
  for (auto v : ms)
    sum += v;
  std::printf("{\"n\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"mean_ms\":%.3f}\n",
              ms.size(), percentile(ms, 50), percentile(ms, 99),
              sum / static_cast<double>(ms.size()));
  return 0;
}

/// Decodes and encodes the whole clip in order until `deadline`.
int64_t play_until(const loaded_clip& clip, int quality,
                   clock_type::time_point deadline) {
  auto decoder = must(hevc_decoder::open(clip.index), "decoder");
  jpeg_encoder jpeg;
  int64_t frames = 0;
  while (clock_type::now() < deadline) {
    for (size_t c = 0; c < clip.chunks.size(); ++c) {
      auto job = job_for(clip, c);
      job.encode_all = true;
      for (const auto& f : clip.index->iraps[c].frames)
        job.wanted.push_back(f.decode_index);
      decoder->decode(job, [&](const decoded_picture& pic) {
        if (must(jpeg.encode(*pic.frame, quality), "encode").empty())
          fail("empty JPEG");
        ++frames;
      });
      if (clock_type::now() >= deadline)
        break;
    }
  }
  return frames;
}

int sequential_playback(const std::string& path, int threads, double seconds,
                        int quality) {
  auto clip = load(path);
  std::atomic<int64_t> frames{0};
  std::vector<std::thread> pool;
  auto t0 = clock_type::now();
  auto deadline = t0
                  + std::chrono::duration_cast<clock_type::duration>(
                      std::chrono::duration<double>(seconds));
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([&] { frames += play_until(clip, quality, deadline); });
  for (auto& t : pool)
    t.join();
  double elapsed
      = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::printf("{\"threads\":%d,\"frames\":%lld,\"fps\":%.1f}\n", threads,
              static_cast<long long>(frames.load()),
              static_cast<double>(frames.load()) / elapsed);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 4 && args[0] == "random")
    return random_requests(args[1], args[2], std::stoi(args[3]));
  if (args.size() == 5 && args[0] == "sequential")
    return sequential_playback(args[1], std::stoi(args[2]), std::stod(args[3]),
                               std::stoi(args[4]));
  std::fprintf(stderr,
               "usage: argus_bench_frames_raw random CLIP PAIRS QUALITY\n"
               "       argus_bench_frames_raw sequential CLIP THREADS SECONDS "
               "QUALITY\n");
  return 2;
}
