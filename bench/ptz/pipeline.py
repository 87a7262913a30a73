#!/usr/bin/env python3
"""The analytics pipeline with and without autotracking (docs/benchmarks.md
§9): the real server with a virtual PTZ camera (ptz.backend sim, synthetic
sky at --fps, 120 by default: faster than the pipeline, so the processed
rate is its capacity; the shipped detector), one session with a drone selected.
Each run measures for WINDOW seconds the frames the session processed and
the PTZ commands sent, once with autotracking on and once off (POST
/cameras/{id}/ptz/autotrack), the two interleaved in every pair so a busy
machine hurts both alike. Prints medians of RUNS pairs as a markdown row.

    bench/ptz/pipeline.py --argus build-bench/argus [--runs 5] [--window 20]
"""
import argparse
import json
import os
import statistics
import sys
import time

import websocket

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "integration"))
from argus_server import ArgusServer  # noqa: E402

CONFIG_TEMPLATE = """
logging: {{level: warn}}
detector: {{model: models/argus-sky.onnx}}
session: {{publish_hz: 10, confirm_hits: 3, end_after_ms: 1500}}
cameras:
  - id: ptz_cam
    source: synthetic
    width: 640
    height: 360
    fps: {fps}
    seed: 11
    drones: 2
    birds: 1
    ptz: {{backend: sim, autotrack: {{target_coverage: 0.12}}}}
"""


def session_status(server, session_id):
    _, body, _ = server.request("GET", f"/sessions/{session_id}")
    return body


def measure(server, session_id, window):
    before = session_status(server, session_id)["frames_processed"]
    cmds = server.get("/cameras/ptz_cam")["ptz"]["commands_sent"]
    t0 = time.monotonic()
    time.sleep(window)  # the measurement window (timing, not synchronization)
    took = time.monotonic() - t0
    after = session_status(server, session_id)["frames_processed"]
    cmds_after = server.get("/cameras/ptz_cam")["ptz"]["commands_sent"]
    return (after - before) / took, (cmds_after - cmds) / took


def select_drone(ws):
    end = time.monotonic() + 30
    while time.monotonic() < end:
        msg = json.loads(ws.recv())
        if msg["type"] == "track_event" and msg["event"] == "new":
            ws.send(json.dumps({"type": "set_target_id", "target_id": msg["after"]["id"]}))
            return msg["after"]["id"]
    raise SystemExit("no track within 30 s")


def one_pair(argus, window, fps):
    server = ArgusServer(argus, CONFIG_TEMPLATE.format(fps=fps))
    try:
        _, info, _ = server.request("POST", "/sessions", body={"camera_id": "ptz_cam"},
                                    headers={"Content-Type": "application/json"})
        ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}{info['ws_path']}", timeout=10)
        ws.settimeout(10)
        try:
            select_drone(ws)
            # Drain ticks on the side so the socket never backs up.
            import threading
            stop = threading.Event()

            def drain():
                while not stop.is_set():
                    try:
                        ws.recv()
                    except Exception:
                        return
            threading.Thread(target=drain, daemon=True).start()
            results = {}
            for enabled in (True, False):
                server.request("POST", "/cameras/ptz_cam/ptz/autotrack", body={"enabled": enabled},
                               headers={"Content-Type": "application/json"})
                results[enabled] = measure(server, info["session_id"], window)
            stop.set()
            return results
        finally:
            ws.close()
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--window", type=float, default=20)
    ap.add_argument("--fps", type=float, default=120,
                    help="the source rate: above what the pipeline keeps up with, so fps shows its capacity")
    args = ap.parse_args()
    on_fps, off_fps, on_cmd, off_cmd = [], [], [], []
    for i in range(args.runs):
        r = one_pair(os.path.abspath(args.argus), args.window, args.fps)
        on_fps.append(r[True][0])
        on_cmd.append(r[True][1])
        off_fps.append(r[False][0])
        off_cmd.append(r[False][1])
        print(f"run {i + 1}: on {r[True][0]:.1f} fps {r[True][1]:.1f} cmd/s; "
              f"off {r[False][0]:.1f} fps {r[False][1]:.1f} cmd/s", file=sys.stderr)
    print("| autotracking | processed fps (median of %d) | fps runs | PTZ commands / s |" % args.runs)
    print("|---|---|---|---|")
    for name, fps, cmd in (("on (target selected)", on_fps, on_cmd), ("off (same target)", off_fps, off_cmd)):
        print(f"| {name} | {statistics.median(fps):.1f} | {', '.join(f'{v:.1f}' for v in fps)} | "
              f"{statistics.median(cmd):.2f} |")


if __name__ == "__main__":
    main()
