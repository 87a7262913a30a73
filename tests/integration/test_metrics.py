#!/usr/bin/python3
"""GET /metrics and GET /stats on a real server.

A synthetic camera with a session and a WebSocket client, a second camera
with a simulated PTZ head and nobody watching: /metrics is scraped twice
and checked by Prometheus' own linter (`promtool check metrics`, Debian's
`prometheus` package; exit 77 without it), its counters grow between the
scrapes and carry one series per camera, and /stats validates against
schemas/stats.schema.json. Every wait has a deadline.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from argus_server import ArgusServer, validate  # noqa: E402

ARGUS = None
PROMTOOL = shutil.which("promtool")
CONFIG = """
logging: {level: info}
detector: {model: models/argus-sky.onnx}
session: {publish_hz: 10, confirm_hits: 3, end_after_ms: 800}
cameras:
  - {id: cam_01, source: synthetic, width: 640, height: 360, fps: 15, seed: 7, drones: 2, birds: 1}
  - id: cam_ptz
    source: synthetic
    width: 320
    height: 180
    fps: 10
    seed: 11
    ptz: {backend: sim}
"""

STORE_FAILS_CONFIG = """
logging: {level: info}
detector: {model: models/argus-sky.onnx}
store: {path: "@PATH@", retry_ms: 50}
cameras:
  - {id: cam_01, source: synthetic, width: 160, height: 96, fps: 5}
"""

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def scrape(server):
    with urllib.request.urlopen(server.base + "/metrics", timeout=10) as res:
        return res.headers.get("Content-Type"), res.read().decode()


def samples(text):
    """{(name, labels text): value} of every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def value(text, name, labels=""):
    return samples(text).get((name, labels))


class Metrics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ArgusServer(ARGUS, CONFIG)
        status, info, _ = cls.server.request("POST", "/sessions", {"camera_id": "cam_01"})
        assert status == 201, info
        cls.sid = info["session_id"]
        cls.ws = websocket.create_connection(
            f"ws://127.0.0.1:{cls.server.port}{info['ws_path']}", timeout=10)

    @classmethod
    def tearDownClass(cls):
        cls.ws.close()
        cls.server.stop()

    def promtool_check(self, text):
        run = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                             text=True, timeout=30)
        self.assertEqual(run.returncode, 0, f"promtool: {run.stdout}{run.stderr}\n{text}")

    def test_scrapes_are_promtool_clean_and_counters_grow_per_camera(self):
        s = self.server
        cam = '{camera="cam_01"}'
        s.wait_until("frames processed",
                     lambda: (value(scrape(s)[1], "argus_session_frames_processed_total", cam) or 0) > 5)
        ctype, first = scrape(s)
        self.assertEqual(ctype, "text/plain; version=0.0.4; charset=utf-8")
        self.promtool_check(first)
        before = value(first, "argus_session_frames_processed_total", cam)
        s.wait_until("more frames processed",
                     lambda: value(scrape(s)[1], "argus_session_frames_processed_total", cam) > before + 5)
        second = scrape(s)[1]
        self.promtool_check(second)
        for name in ("argus_session_frames_in_total", "argus_ticks_published_total",
                     "argus_detection_latency_seconds_count", "argus_end_to_end_latency_seconds_count"):
            self.assertGreater(value(second, name, cam), value(first, name, cam), name)
        # Frames in per camera, from the camera's own counter: both cameras
        # are listed, each with its own series.
        for camera in ("cam_01", "cam_ptz"):
            self.assertIsNotNone(value(second, "argus_camera_frames_decoded_total",
                                       f'{{camera="{camera}"}}'), camera)
        self.assertGreater(value(second, "argus_camera_frames_decoded_total", cam),
                           value(first, "argus_camera_frames_decoded_total", cam))
        # A histogram's +Inf bucket is its count.
        self.assertEqual(value(second, "argus_detection_latency_seconds_bucket",
                               '{camera="cam_01",le="+Inf"}'),
                         value(second, "argus_detection_latency_seconds_count", cam))
        self.assertEqual(value(second, "argus_ws_clients", '{endpoint="session"}'), 1)

    def test_a_closed_websocket_is_counted_by_reason(self):
        s = self.server
        _, info, _ = s.request("POST", "/sessions", {"camera_id": "cam_01"})
        ws = websocket.create_connection(f"ws://127.0.0.1:{s.port}{info['ws_path']}", timeout=10)
        labels = '{endpoint="session",by="client",reason="normal"}'
        before = value(scrape(s)[1], "argus_ws_closes_total", labels) or 0
        ws.close()
        s.wait_until("close counted",
                     lambda: (value(scrape(s)[1], "argus_ws_closes_total", labels) or 0) > before)

    def test_send_lag_is_a_histogram_per_endpoint_that_grows(self):
        s = self.server
        lab = '{endpoint="session"}'
        count = "argus_ws_send_lag_seconds_count"
        s.wait_until("send lag observed", lambda: (value(scrape(s)[1], count, lab) or 0) > 0)
        first = scrape(s)[1]
        self.promtool_check(first)
        s.wait_until("send lag grows", lambda: value(scrape(s)[1], count, lab) > value(first, count, lab))
        self.assertEqual(value(first, "argus_ws_send_lag_seconds_bucket",
                               '{endpoint="session",le="+Inf"}'), value(first, count, lab))
        self.assertGreaterEqual(value(first, "argus_ws_send_lag_seconds_sum", lab), 0)
        # The store's failed operations are counted (none on a good disk).
        self.assertEqual(value(first, "argus_store_errors_total"), 0)

    def test_frame_decode_time_is_a_histogram_per_clip(self):
        if shutil.which("ffmpeg") is None:
            self.skipTest("ffmpeg not installed")
        s = self.server
        tmp = tempfile.mkdtemp(prefix="argus-metrics-")
        try:
            path = os.path.join(tmp, "small.hevc")
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x96:rate=25",
                 "-frames:v", "20", "-pix_fmt", "yuv420p", "-c:v", "libx265", "-preset", "ultrafast",
                 "-x265-params", "keyint=10:min-keyint=10:bframes=0:log-level=error",
                 "-f", "hevc", path], check=True, timeout=120)
            status, body, _ = s.request("POST", "/clips", {"clip_id": "metrics_clip",
                                                           "uri": "file://" + path})
            self.assertIn(status, (200, 201), body)
            index = s.get("/clips/metrics_clip/index")
            chunk = index["iraps"][-1]
            frame = chunk["frames"][-1]
            url = (f"{s.base}/clips/metrics_clip/frame?irap={chunk['offset']}"
                   f"&offset={frame['offset']}")
            with urllib.request.urlopen(url, timeout=30) as res:
                self.assertEqual(res.status, 200)
            text = scrape(s)[1]
            self.promtool_check(text)
            lab = '{clip="metrics_clip"}'
            # Every frame of the chunk up to the one asked for was decoded.
            self.assertGreaterEqual(value(text, "argus_frames_decode_seconds_count", lab), 1)
            self.assertGreater(value(text, "argus_frames_decode_seconds_sum", lab), 0)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_store_errors_count_failed_writes(self):
        tmp = tempfile.mkdtemp(prefix="argus-metrics-")
        # The database's folder is a plain file: every open fails.
        blocker = os.path.join(tmp, "blocked")
        with open(blocker, "w") as f:
            f.write("not a folder")
        srv = ArgusServer(ARGUS, STORE_FAILS_CONFIG.replace("@PATH@", blocker + "/argus.db"),
                          data_dir=tmp)
        try:
            errors = "argus_store_errors_total"
            srv.wait_until("a store error counted", lambda: (value(scrape(srv)[1], errors) or 0) >= 1)
            first = value(scrape(srv)[1], errors)
            srv.wait_until("more store errors", lambda: value(scrape(srv)[1], errors) > first)
            text = scrape(srv)[1]
            self.promtool_check(text)
            self.assertEqual(value(text, "argus_store_up"), 0)
            status = srv.get("/store")
            validate(status, "store_status.schema.json")
            self.assertGreaterEqual(status["write_errors"], first)
        finally:
            srv.stop()
            shutil.rmtree(tmp, ignore_errors=True)

    def test_stats_follow_their_schema(self):
        s = self.server
        s.wait_until("session fps", lambda: s.get("/stats")["cameras"]["cam_01"].get("fps", 0) > 0)
        first = s.get("/stats")
        validate(first, "stats.schema.json")
        second = s.get("/stats")
        validate(second, "stats.schema.json")
        cam = second["cameras"]["cam_01"]
        self.assertEqual(cam["session_id"], self.sid)
        self.assertEqual(cam["state"], "online")
        self.assertGreaterEqual(cam["clients"], 1)
        ptz = second["cameras"]["cam_ptz"]
        self.assertIsNone(ptz["session_id"])
        self.assertEqual(ptz["ptz"]["backend"], "sim")
        # The rate is measured between two calls.
        self.assertIsNotNone(ptz["ptz"]["commands_per_s"])
        self.assertIn(second["store"]["state"], ("ok", "degraded"))
        self.assertGreaterEqual(second["clients"]["websocket"], 1)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args, rest = ap.parse_known_args()
    ARGUS = os.path.abspath(args.argus)
    if PROMTOOL is None:
        print("SKIP: promtool not found (apt-get install prometheus); /metrics is not checked")
        sys.exit(77)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)
