#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Camera-relay benchmark (docs/benchmarks.md §7): CPU per camera frame and
delivery latency as viewers grow, at 1 and 10 fps per viewer, for argus's
shared encode against the naive design (one JPEG encode per viewer:
`relay.encode_per_viewer`) in the same run, interleaved run by run; then the
most viewers one camera serves at 10 fps.

The camera is the synthetic sky at 1280x720 and 10 fps (its render stands in
for a decode). Viewers are node `ws` clients (bench/relay/viewers.js) on the
same machine; latency = JPEG received - captured_unix_ms (same clock).

    bench/relay/run.py --argus build-bench/argus [--runs 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from argus_server import ArgusServer  # noqa: E402

CONFIG = """
logging: {level: warn}
server: {max_ws_clients: 4096}
relay: {max_viewers_per_camera: 4000, max_viewers: 4000, persist_every: 0, encode_per_viewer: %(naive)s}
cameras:
  - {id: cam, source: synthetic, width: 1280, height: 720, fps: 10, seed: 7, drones: 3, birds: 2,
     idle_grace_ms: 60000}
"""


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(server, viewers, fps, duration):
    """Runs the viewers; samples the server's CPU and relay counters at the
    edges of the measured window (viewers.js says when)."""
    proc = subprocess.Popen(
        ["node", os.path.join(HERE, "viewers.js"), "--url",
         f"ws://127.0.0.1:{server.port}/ws/cameras/cam?fps={fps}", "--clients", str(viewers),
         "--duration", str(duration), "--warmup", "2"],
        stdout=subprocess.PIPE, text=True)
    edges = []
    for line in proc.stdout:
        if line.startswith("{"):
            result = json.loads(line)
            break
        edges.append((cpu_seconds(server.proc.pid), server.get("/cameras/cam")))
    proc.wait(timeout=60)
    if proc.returncode != 0 or len(edges) != 2:
        raise RuntimeError(f"viewers.js failed ({proc.returncode})")
    if result["opened"] != viewers or result["failed"] or result["closed_early"]:
        raise RuntimeError(f"viewers lost: {result}")
    (cpu0, st0), (cpu1, st1) = edges
    frames = st1["frames_received"] - st0["frames_received"]
    result["cpu_ms_per_frame"] = 1000 * (cpu1 - cpu0) / max(frames, 1)
    result["encodes_per_frame"] = (st1["frames_encoded"] - st0["frames_encoded"]) / max(frames, 1)
    result["cpu_pct"] = 100 * (cpu1 - cpu0) / duration
    result["per_viewer_fps"] = result["frames_per_s"] / viewers
    return result


def med(runs, key, sub=None):
    return statistics.median(r[key][sub] if sub else r[key] for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--argus", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--duration", type=float, default=4)
    ap.add_argument("--viewers", default="1,10,100,1000")
    ap.add_argument("--max-sweep", default="100,200,300,500,750,1000")
    args = ap.parse_args()
    binary = os.path.abspath(args.argus)
    shared = ArgusServer(binary, CONFIG % {"naive": "false"})
    naive = ArgusServer(binary, CONFIG % {"naive": "true"})
    try:
        print(f"{args.runs} runs x {args.duration} s per point; medians")
        print("| viewer fps | viewers | shared CPU ms/frame | shared encodes/frame | shared p50 ms | "
              "shared p99 ms | shared fps/viewer | naive CPU ms/frame | naive encodes/frame | "
              "naive p50 ms | naive p99 ms | naive fps/viewer |")
        print("|" + "---|" * 12)
        for fps in (1, 10):
            for n in (int(v) for v in args.viewers.split(",")):
                a, b = [], []
                for _ in range(args.runs):
                    a.append(measure(shared, n, fps, args.duration))
                    b.append(measure(naive, n, fps, args.duration))
                row = [fps, n]
                for runs in (a, b):
                    row += [f"{med(runs, 'cpu_ms_per_frame'):.2f}", f"{med(runs, 'encodes_per_frame'):.2f}",
                            f"{med(runs, 'latency_ms', 'p50'):.1f}", f"{med(runs, 'latency_ms', 'p99'):.1f}",
                            f"{med(runs, 'per_viewer_fps'):.2f}"]
                print("| " + " | ".join(str(v) for v in row) + " |", flush=True)
        print("\n### Viewers at 10 fps of 720p (shared encode)\n")
        print("| viewers | fps/viewer | p50 ms | p99 ms | server CPU % | MB/s delivered |")
        print("|---|---|---|---|---|---|")
        best = 0
        for n in (int(v) for v in args.max_sweep.split(",")):
            runs = [measure(shared, n, 10, args.duration) for _ in range(args.runs)]
            ok = med(runs, "per_viewer_fps") >= 9.5 and med(runs, "latency_ms", "p99") < 500
            best = n if ok else best
            print(f"| {n} | {med(runs, 'per_viewer_fps'):.2f} | {med(runs, 'latency_ms', 'p50'):.1f} | "
                  f"{med(runs, 'latency_ms', 'p99'):.1f} | {med(runs, 'cpu_pct'):.0f} | "
                  f"{med(runs, 'mbytes_per_s'):.1f} |", flush=True)
        print(f"\n**{best} viewers** at 10 fps (each >= 9.5 fps, p99 < 500 ms)")
    finally:
        shared.stop()
        naive.stop()


if __name__ == "__main__":
    main()
