#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Watches a camera through the relay: prints each frame's header (number,
size, capture-to-receive delay) and camera state changes, and keeps the
newest JPEG in --out (open it in an image viewer that reloads).

    scripts/watch_camera.py cam_01 [--server 127.0.0.1:8080] [--fps 2] [--token T]
"""
import argparse
import json
import os
import time

import websocket  # python3-websocket (scripts/deps.txt)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("camera")
    ap.add_argument("--server", default="127.0.0.1:8080")
    ap.add_argument("--fps", type=float, default=2)
    ap.add_argument("--token", default=os.environ.get("ARGUS_TOKEN", ""))
    ap.add_argument("--out", default="/tmp/argus-live.jpg")
    ap.add_argument("--frames", type=int, default=0, help="stop after N frames (0: never)")
    args = ap.parse_args()
    url = f"ws://{args.server}/ws/cameras/{args.camera}?fps={args.fps}"
    headers = [f"Authorization: Bearer {args.token}"] if args.token else []
    ws = websocket.create_connection(url, timeout=30, header=headers)
    seen = 0
    while not args.frames or seen < args.frames:
        opcode, data = ws.recv_data()
        msg = json.loads(data)
        if msg["type"] != "frame":
            print(json.dumps(msg))
            continue
        _, jpeg = ws.recv_data()
        with open(args.out + ".tmp", "wb") as f:
            f.write(jpeg)
        os.replace(args.out + ".tmp", args.out)
        delay = time.time() * 1000 - msg["captured_unix_ms"]
        print(f"frame {msg['frame_no']}: {msg['width']}x{msg['height']}, {msg['size']} bytes, "
              f"{delay:.0f} ms after capture -> {args.out}", flush=True)
        seen += 1


if __name__ == "__main__":
    main()
