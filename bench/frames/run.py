#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""H.265 frame-server benchmark (docs/benchmarks.md §6): argus serving frames
over /ws/frames against the raw cost of the same work (argus_bench_frames_raw:
decode IRAP -> target and turbojpeg encode in a plain loop), side by side,
interleaved run by run, medians of --runs runs.

Clips: 1280x720 and 1920x1080 H.265 (libx265 via the ffmpeg CLI, 3 B-frames,
closed GOPs of 30 and 120 frames, 360 frames each), and a 720p clip with
x265's default open GOPs of 30 (CRA pictures whose RASL leading pictures
decode from the previous IRAP), encoded once into $TMPDIR/argus-bench-frames.

  1. random single-frame requests: the same never-repeated (IRAP, frame)
     pairs for both sides; argus gets a fresh clip id per run so its frame
     cache cannot answer them. p50/p99 latency.
  2. sequential playback throughput: raw = one decoder per core, each
     decoding and encoding the whole clip in order; argus = as many
     unpaced players (each on its own clip id, so its own decoder) stepping
     frame by frame, and as many players asking for whole chunks
     (request_chunk) one after the other. Frames/s. Fresh clip ids per run
     and a 32 MB frame cache, so a player wrapping round its clip decodes
     again.
  3. players at 20 FPS: N paced players on N clip ids; a step passes when
     every player of the median run keeps >= 19.5 FPS and the median p99
     latency is < 50 ms.

    bench/frames/run.py --argus build-bench/argus --raw build-bench/bench/argus_bench_frames_raw
"""
import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from argus_server import ArgusServer  # noqa: E402

CONFIG = """
logging: {level: warn}
server: {max_ws_clients: 256}
frames: {cache_mb: 1024}
cameras: [{id: cam_01, source: synthetic, width: 320, height: 180, fps: 5}]
"""
CLIPS = {  # name: (size, gop, open GOPs)
    "720p_gop30": ("1280x720", 30, False), "720p_gop120": ("1280x720", 120, False),
    "1080p_gop30": ("1920x1080", 30, False), "1080p_gop120": ("1920x1080", 120, False),
    "720p_open30": ("1280x720", 30, True),
}
FRAMES = 360


def clip_path(name):
    folder = os.path.join(os.environ.get("TMPDIR", "/tmp"), "argus-bench-frames")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".hevc")
    if not os.path.exists(path):
        size, gop, open_gop = CLIPS[name]
        gops = "" if open_gop else ":no-open-gop=1"
        # testsrc2 with temporal noise: moving detail at a realistic bitrate
        # (plain testsrc2 compresses to almost nothing and decodes too fast).
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30",
             "-vf", "noise=alls=6:allf=t", "-frames:v", str(FRAMES), "-pix_fmt", "yuv420p",
             "-c:v", "libx265", "-preset", "veryfast", "-crf", "26",
             "-x265-params", f"keyint={gop}:min-keyint={gop}:bframes=3{gops}:log-level=error",
             "-f", "hevc", path + ".part"], check=True, timeout=900)
        os.replace(path + ".part", path)
    return path


def register(server, clip_id, path):
    status, body, _ = server.request("POST", "/clips", {"clip_id": clip_id, "uri": "file://" + path})
    if status not in (200, 201):
        raise RuntimeError(f"POST /clips {clip_id}: {status} {body}")
    return body


def frames_in_display_order(index):
    frames = [(f["display_index"], irap["offset"], f["offset"])
              for irap in index["iraps"] for f in irap["frames"]]
    return [[irap, off] for _, irap, off in sorted(frames)]


def node(args, timeout):
    out = subprocess.run(["node", os.path.join(HERE, "client.js")] + args,
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"client.js {args[0]} failed: {out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def raw(binary, args, timeout):
    out = subprocess.run([binary] + args, capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(v):
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def row(values):
    print("| " + " | ".join(fmt(v) for v in values) + " |", flush=True)


def bench_random(args, server, ws_url, tmp):
    print("\n### Random single-frame requests (latency, ms)\n")
    print("| clip | requests/run | raw p50 | argus p50 | ratio p50 | raw p99 | argus p99 | ratio p99 |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.clips.split(","):
        path = clip_path(name)
        count = 100 if CLIPS[name][1] <= 30 else 50
        raw_runs, argus_runs = [], []
        for run in range(args.runs):
            clip_id = f"rnd_{name}_{run}"
            register(server, clip_id, path)
            index = server.get(f"/clips/{clip_id}/index")
            pairs = [(irap["offset"], f["offset"]) for irap in index["iraps"] for f in irap["frames"]]
            chosen = random.Random(1000 * run + len(name)).sample(pairs, count)
            pairs_path = os.path.join(tmp, "pairs.txt")
            with open(pairs_path, "w") as f:
                f.write("\n".join(f"{a} {b}" for a, b in chosen) + "\n")
            raw_runs.append(raw(args.raw, ["random", path, pairs_path, str(args.quality)], 600))
            argus_runs.append(node(["random", "--url", ws_url, "--clip", clip_id, "--pairs", pairs_path,
                                    "--quality", str(args.quality)], 600))
        med = lambda runs, k: statistics.median(r[k] for r in runs)  # noqa: E731
        rp50, ap50 = med(raw_runs, "p50_ms"), med(argus_runs, "p50_ms")
        rp99, ap99 = med(raw_runs, "p99_ms"), med(argus_runs, "p99_ms")
        row([name, count, rp50, ap50, ap50 / rp50, rp99, ap99, ap99 / rp99])


def register_copies(server, prefix, path, n):
    ids = [f"{prefix}_{i}" for i in range(n)]
    for clip_id in ids:
        register(server, clip_id, path)
    return ids


def play(ws_url, ids, frames_path, clients, fps, duration, quality):
    return node(["play", "--url", ws_url, "--clips", ",".join(ids), "--frames", frames_path,
                 "--clients", str(clients), "--fps", str(fps), "--duration", str(duration),
                 "--warmup", "2", "--quality", str(quality)], duration + 120)


def write_frames(server, clip_id, tmp):
    frames_path = os.path.join(tmp, f"{clip_id}.frames.json")
    with open(frames_path, "w") as f:
        json.dump(frames_in_display_order(server.get(f"/clips/{clip_id}/index")), f)
    return frames_path


def bench_throughput(args, tmp):
    cores = os.cpu_count() or 2
    # Two players per core keep every core busy while a player waits for
    # its next answer. The raw loop runs as many decoder threads, so both
    # sides get the same parallelism.
    players = 2 * cores
    print(f"\n### Sequential playback throughput (frames/s; raw: {players} decoder threads, "
          f"argus: {players} unpaced players on their own clips)\n")
    print("| clip | raw fps | argus stepping fps | ratio | argus chunk requests fps | ratio |")
    print("|---|---|---|---|---|---|")
    for name in args.clips.split(","):
        path = clip_path(name)
        r, a, c = [], [], []
        # A 32 MB frame cache holds decode-ahead (32 frames per player) but
        # not a whole 360-frame clip per player, so a player that wraps
        # round its clip decodes again instead of reading its own cache.
        with fresh_server(args, cache_mb=32) as (server, ws_url):
            for run in range(args.runs):
                ids = register_copies(server, f"seq_{name}_{run}", path, players)
                frames_path = write_frames(server, ids[0], tmp)
                r.append(raw(args.raw, ["sequential", path, str(players), str(args.duration),
                                        str(args.quality)], 600)["fps"])
                a.append(node(["play", "--url", ws_url, "--clips", ",".join(ids), "--frames", frames_path,
                               "--clients", str(players), "--fps", "0", "--duration", str(args.duration),
                               "--warmup", "1", "--quality", str(args.quality)], 120)["total_fps"])
                ids = register_copies(server, f"chk_{name}_{run}", path, players)
                c.append(node(["chunks", "--url", ws_url, "--clips", ",".join(ids), "--frames", frames_path,
                               "--clients", str(players), "--duration", str(args.duration),
                               "--warmup", "1", "--quality", str(args.quality)], 120)["total_fps"])
        rf, af, cf = statistics.median(r), statistics.median(a), statistics.median(c)
        row([name, rf, af, af / rf, cf, cf / rf])


def bench_players(args, tmp):
    print("\n### Players at 20 FPS (each on its own clip; medians of runs)\n")
    print("| clip | players | min player fps | p50 ms | p99 ms | max ms | keeps 20 FPS, p99 < 50 ms |")
    print("|---|---|---|---|---|---|---|")
    for spec in args.players.split(";"):
        name, counts = spec.split(":")
        path = clip_path(name)
        best = 0
        for n in (int(c) for c in counts.split(",")):
            runs = []
            with fresh_server(args) as (server, ws_url):
                for run in range(args.runs):
                    ids = register_copies(server, f"play_{name}_{run}", path, n)
                    frames_path = write_frames(server, ids[0], tmp)
                    runs.append(play(ws_url, ids, frames_path, n, 20, args.duration, args.quality))
            min_fps = statistics.median(r["client_fps_min"] for r in runs)
            lat = {k: statistics.median(r["latency_ms"][k] for r in runs) for k in ("p50", "p99", "max")}
            ok = min_fps >= 19.5 and lat["p99"] < 50
            best = n if ok else best
            row([name, n, min_fps, lat["p50"], lat["p99"], lat["max"], "yes" if ok else "no"])
        print(f"\n{name}: **{best} players** at 20 FPS\n")


@contextlib.contextmanager
def fresh_server(args, cache_mb=1024):
    server = ArgusServer(os.path.abspath(args.argus), CONFIG.replace("cache_mb: 1024", f"cache_mb: {cache_mb}"))
    try:
        yield server, f"ws://127.0.0.1:{server.port}/ws/frames"
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--argus", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--duration", type=float, default=6, help="measured seconds per paced-player run")
    ap.add_argument("--quality", type=int, default=90)
    ap.add_argument("--clips", default=",".join(CLIPS))
    ap.add_argument("--players", default="720p_gop30:8,10,11,12,13,14;1080p_gop30:3,4,5,6,7")
    ap.add_argument("--only", default="random,throughput,players")
    args = ap.parse_args()

    for name in CLIPS:
        clip_path(name)
    print(f"quality {args.quality}, {args.runs} runs per point, {FRAMES}-frame clips, "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        if "random" in args.only:
            with fresh_server(args) as (server, ws_url):
                bench_random(args, server, ws_url, tmp)
        if "throughput" in args.only:
            bench_throughput(args, tmp)
        if "players" in args.only:
            bench_players(args, tmp)


if __name__ == "__main__":
    main()
