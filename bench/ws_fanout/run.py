#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""WebSocket fan-out benchmark: tick delivery latency with N clients on one session.

For each client count, runs wsload.js (sink mode) against argus's
/ws/sessions/{id} and, interleaved in the same run, against a baseline node
`ws` broadcaster sending a real argus tick at the same rate. Prints a
markdown table of medians over --runs runs.

    bench/ws_fanout/run.py --argus build-bench/argus [--clients 1,100,1000]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from argus_server import ArgusServer  # noqa: E402

CONFIG = """
logging: {level: warn}
server: {max_ws_clients: 4096}
detector: {model: models/argus-sky.onnx}
session: {publish_hz: %(hz)s}
cameras:
  - {id: cam_01, source: synthetic, width: 640, height: 360, fps: 15, seed: 7, drones: 3, birds: 2}
"""


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(url, clients, duration, server_pid):
    cpu0, t0 = cpu_seconds(server_pid), time.monotonic()
    out = subprocess.run(["node", os.path.join(HERE, "wsload.js"), "--url", url,
                          "--clients", str(clients), "--duration", str(duration)],
                         capture_output=True, text=True, timeout=duration + 120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["server_cpu_pct"] = 100 * (cpu_seconds(server_pid) - cpu0) / (time.monotonic() - t0)
    if result["opened"] != clients or result["failed"] or result["closed_early"]:
        raise RuntimeError(f"load run lost clients: {result}")
    if not result["latency_ms"]["n"]:
        raise RuntimeError(f"no message carried published_unix_ms (argus needs ?ext=timing): {result}")
    return result


def capture_tick(ws_url):
    import websocket  # python3-websocket, a Debian package from scripts/deps.txt
    ws = websocket.create_connection(ws_url, timeout=10)
    try:
        while True:
            msg = json.loads(ws.recv())
            if msg.get("type") == "metadata_tick" and msg["tracks"]:
                return msg
    finally:
        ws.close()


def start_baseline(message_path, hz):
    proc = subprocess.Popen(["node", os.path.join(HERE, "broadcast_server.js"), message_path, str(hz)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("broadcast listening on "):
        proc.kill()
        raise RuntimeError("baseline broadcaster did not start")
    return proc, line.split(" on ", 1)[1].strip()


def median(rows, key):
    return statistics.median(r["latency_ms"][key] for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--argus", required=True)
    ap.add_argument("--clients", default="1,100,1000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--duration", type=int, default=5, help="measured seconds per run")
    ap.add_argument("--hz", type=float, default=10)
    args = ap.parse_args()

    server = ArgusServer(os.path.abspath(args.argus), CONFIG % {"hz": args.hz})
    baseline = None
    try:
        status, body, _ = server.request("POST", "/sessions", {"camera_id": "cam_01"})
        if status not in (200, 201):
            raise RuntimeError(f"POST /sessions: {status} {body}")
        # The default stream is the bare seed contract; the latency stamp
        # is the opt-in timing extension.
        argus_url = f"ws://127.0.0.1:{server.port}{body['ws_path']}?ext=timing"
        tick = capture_tick(argus_url)
        tick_path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"argus-tick-{os.getpid()}.json")
        with open(tick_path, "w") as f:
            json.dump(tick, f)
        baseline, baseline_url = start_baseline(tick_path, args.hz)
        size = len(json.dumps(tick))
        print(f"tick size {size} bytes, {args.hz} Hz, {args.runs} runs x {args.duration} s per point")
        print("| clients | argus p50 ms | argus p99 ms | argus msgs/s | argus CPU % "
              "| baseline p50 ms | baseline p99 ms | baseline msgs/s | baseline CPU % |")
        print("|---|---|---|---|---|---|---|---|---|")
        for n in (int(c) for c in args.clients.split(",")):
            a, b = [], []
            for _ in range(args.runs):  # interleaved so drift hits both sides alike
                a.append(run_load(argus_url, n, args.duration, server.proc.pid))
                b.append(run_load(baseline_url, n, args.duration, baseline.pid))
            row = [n, median(a, "p50"), median(a, "p99"),
                   statistics.median(r["recv_per_s"] for r in a),
                   statistics.median(r["server_cpu_pct"] for r in a),
                   median(b, "p50"), median(b, "p99"),
                   statistics.median(r["recv_per_s"] for r in b),
                   statistics.median(r["server_cpu_pct"] for r in b)]
            print("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row) + " |",
                  flush=True)
        os.unlink(tick_path)
    finally:
        if baseline:
            baseline.send_signal(signal.SIGTERM)
            baseline.wait(timeout=10)
        server.stop()


if __name__ == "__main__":
    main()
