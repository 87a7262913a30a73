#!/usr/bin/env python3
"""The camera relay end to end, against a real RTSP camera (GStreamer's RTSP
server, tests/integration/rtsp_server.py) started, killed (SIGKILL), hung
(SIGSTOP) and restarted by the tests on 127.0.0.1, and real WebSocket
viewers: decode only while watched, one encode fanned out to every viewer,
per-viewer rates, viewer caps, latest.jpg from memory and from disk after a
restart, camera_disconnected with backoff, reinit, bearer tokens, and JPEG
sizes that stay stable on a static scene. Every message is validated
against schemas/."""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import cv2
import jsonschema
import numpy as np
import websocket

sys.path.insert(0, os.path.dirname(__file__))
from argus_server import ArgusServer, free_port, load_schema  # noqa: E402

ARGUS = None
HERE = os.path.dirname(os.path.abspath(__file__))
VIEWER_TOKEN = "viewer-token-0123456789"
CONTROLLER_TOKEN = "controller-token-0123456789"
ADMIN_TOKEN = "admin-token-0123456789abcdef"


CAMERA_MESSAGE = load_schema("camera_message.schema.json")
CAMERA_STATUS = load_schema("camera_status.schema.json")
CAMERAS = load_schema("cameras.schema.json")


class RtspCamera:
    """GStreamer RTSP server process on a fixed port (restartable)."""

    def __init__(self, port, pattern="ball", fps=15, size="320x180"):
        self.port, self.pattern, self.fps, self.size = port, pattern, fps, size
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(HERE, "rtsp_server.py"), "--port", str(self.port),
             "--pattern", self.pattern, "--fps", str(self.fps), "--size", self.size],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()  # blocks until the mount is ready
        if not line.startswith("rtsp listening on"):
            self.proc.kill()
            raise RuntimeError("the RTSP test camera did not start")
        self.url = line.split(" on ", 1)[1].strip()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(timeout=10)


class Viewer:
    """One /ws/cameras/{id} connection; checks every JSON message against
    the schema and pairs frame headers with their binary JPEG."""

    def __init__(self, port, camera, fps=None, token=None, query_token=None, timeout=10):
        url = f"ws://127.0.0.1:{port}/ws/cameras/{camera}"
        params = []
        if fps is not None:
            params.append(f"fps={fps}")
        if query_token:
            params.append(f"access_token={query_token}")
        if params:
            url += "?" + "&".join(params)
        headers = [f"Authorization: Bearer {token}"] if token else []
        self.ws = websocket.create_connection(url, timeout=timeout, header=headers)
        self.states = []

    def next_message(self):
        opcode, data = self.ws.recv_data()
        if opcode != websocket.ABNF.OPCODE_TEXT:
            raise AssertionError("binary message without a header")
        msg = json.loads(data)
        jsonschema.validate(msg, CAMERA_MESSAGE)
        if msg["type"] == "frame":
            opcode, jpeg = self.ws.recv_data()
            assert opcode == websocket.ABNF.OPCODE_BINARY, "frame header without JPEG"
            assert len(jpeg) == msg["size"]
            msg["jpeg"] = jpeg
        else:
            self.states.append(msg)
        return msg

    def next_frame(self):
        while True:
            msg = self.next_message()
            if msg["type"] == "frame":
                return msg

    def next_state(self, wanted_type):
        while True:
            msg = self.next_message()
            if msg["type"] == wanted_type:
                return msg

    def close(self):
        self.ws.close()


def decode_jpeg(data):
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None, "not a JPEG"
    return img


class RelayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="argus-relay-")
        cls.camera = RtspCamera(free_port())
        cls.static = RtspCamera(free_port(), pattern="smpte", fps=20)
        cls.slow_port = free_port()
        cls.config = f"""
logging: {{level: warn}}
relay: {{viewer_fps: 1, max_viewers_per_camera: 3, max_viewers: 5, persist_every: 5,
        persist_dir: {cls.tmp}/relay, retry_after_s: 2, snapshot_timeout_ms: 3000}}
cameras:
  - {{id: cam_syn, source: synthetic, width: 320, height: 180, fps: 10, idle_grace_ms: 300}}
  - {{id: cam_rtsp, source: rtsp, url: "{cls.camera.url}", width: 320, height: 180, fps: 15,
      read_timeout_ms: 1500, retry_min_ms: 200, retry_max_ms: 1600, retry_factor: 2,
      retry_jitter: 0.2, idle_grace_ms: 300}}
  - {{id: cam_static, source: rtsp, url: "{cls.static.url}", width: 320, height: 180, fps: 20}}
  - {{id: cam_slow, source: rtsp, url: "rtsp://127.0.0.1:{cls.slow_port}/cam", width: 320,
      height: 180, fps: 15, read_timeout_ms: 1500, retry_min_ms: 20000, retry_max_ms: 60000}}
"""
        cls.server = ArgusServer(ARGUS, cls.config)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.camera.stop()
        cls.static.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def camera_status(self, camera):
        status = self.server.get(f"/cameras/{camera}")
        jsonschema.validate(status, CAMERA_STATUS)
        return status

    def test_camera_list_has_state_and_viewers(self):
        cams = self.server.get("/cameras")
        jsonschema.validate(cams, CAMERAS)
        by_id = {c["camera_id"]: c for c in cams["cameras"]}
        self.assertEqual(by_id["cam_syn"]["live_path"], "/ws/cameras/cam_syn")
        self.assertEqual(by_id["cam_slow"]["state"], "idle", "never watched: never opened")

    def wait_state(self, camera, state, timeout=20):
        return self.server.wait_until(
            f"{camera} {state}", lambda: (lambda s: s if s["camera"]["state"] == state else None)(
                self.camera_status(camera)), timeout=timeout)

    def test_nothing_is_decoded_while_nobody_watches(self):
        idle = self.camera_status("cam_syn")
        self.assertEqual(idle["viewers"], 0)
        self.assertEqual(idle["camera"]["state"], "idle")
        before = idle["camera"]["frames_decoded"]
        v = Viewer(self.server.port, "cam_syn", fps=10)
        for _ in range(3):
            v.next_frame()
        v.close()
        stopped = self.wait_state("cam_syn", "idle")
        decoded = stopped["camera"]["frames_decoded"]
        self.assertGreaterEqual(decoded - before, 3)
        # While another camera delivers 10 frames (the clock of this test),
        # the unwatched one decodes nothing.
        other = Viewer(self.server.port, "cam_rtsp", fps=15)
        for _ in range(10):
            other.next_frame()
        other.close()
        later = self.camera_status("cam_syn")
        self.assertEqual(later["camera"]["frames_decoded"], decoded)
        self.assertEqual(later["camera"]["state"], "idle")

    def test_one_encode_is_fanned_out_to_every_viewer(self):
        viewers = [Viewer(self.server.port, "cam_syn", fps=10) for _ in range(3)]
        try:
            before = self.camera_status("cam_syn")
            got = [{} for _ in viewers]
            # Collect 12 frames per viewer.
            for i, v in enumerate(viewers):
                while len(got[i]) < 12:
                    f = v.next_frame()
                    got[i][f["frame_no"]] = f["jpeg"]
            after = self.camera_status("cam_syn")
            common = set(got[0]) & set(got[1]) & set(got[2])
            self.assertGreaterEqual(len(common), 8, "viewers at the source rate see the same frames")
            for n in common:  # the same shared bytes, not three encodes
                self.assertEqual(got[0][n], got[1][n])
                self.assertEqual(got[0][n], got[2][n])
            encoded = after["frames_encoded"] - before["frames_encoded"]
            received = after["frames_received"] - before["frames_received"]
            self.assertLessEqual(encoded, received, "at most one encode per decoded frame")
            img = decode_jpeg(got[0][min(common)])
            self.assertEqual(img.shape[:2], (180, 320))
        finally:
            for v in viewers:
                v.close()

    def test_each_viewer_gets_its_own_rate(self):
        fast = Viewer(self.server.port, "cam_syn", fps=10)
        slow = Viewer(self.server.port, "cam_syn", fps=2)
        try:
            slow_times = [slow.next_frame()["captured_unix_ms"] for _ in range(4)]
            fast_count = 0
            while fast_count < 10:
                fast.next_frame()
                fast_count += 1
            gaps = np.diff(slow_times)
            # 2 fps: ~500 ms apart (the first may come from memory at once).
            self.assertTrue(all(350 <= g <= 800 for g in gaps[1:]), gaps)
        finally:
            fast.close()
            slow.close()

    def test_viewer_caps_refuse_with_retry_after_and_counts_stay_exact(self):
        viewers = [Viewer(self.server.port, "cam_syn") for _ in range(3)]
        try:
            with self.assertRaises(websocket.WebSocketBadStatusException) as refused:
                Viewer(self.server.port, "cam_syn")
            self.assertEqual(refused.exception.status_code, 503)
            self.assertIn("retry-after", {k.lower() for k in refused.exception.resp_headers})
            self.assertEqual(self.camera_status("cam_syn")["viewers"], 3)
            viewers.pop().close()
            self.server.wait_until("a slot is free again",
                                   lambda: self.camera_status("cam_syn")["viewers"] == 2)
            viewers.append(Viewer(self.server.port, "cam_syn"))
            # The global cap (5): two more on another camera fill it.
            viewers += [Viewer(self.server.port, "cam_rtsp") for _ in range(2)]
            with self.assertRaises(websocket.WebSocketBadStatusException) as full:
                Viewer(self.server.port, "cam_static")
            self.assertEqual(full.exception.status_code, 503)
        finally:
            for v in viewers:
                v.close()
        self.server.wait_until("every slot released", lambda: all(
            c.get("viewers", 0) == 0 for c in self.server.get("/cameras")["cameras"]))

    def test_bad_viewer_requests_get_clear_errors(self):
        for path, status in (("/ws/cameras/nope", 404), ("/ws/cameras/cam_syn?fps=abc", 400),
                             ("/ws/cameras/cam_syn?fps=0", 400)):
            with self.assertRaises(websocket.WebSocketBadStatusException) as err:
                websocket.create_connection(f"ws://127.0.0.1:{self.server.port}{path}", timeout=5)
            self.assertEqual(err.exception.status_code, status, path)
        v = Viewer(self.server.port, "cam_syn")
        try:
            v.ws.send('{"type":"hello"}')
            err = v.next_state("error")
            self.assertEqual(err["error"], "read_only")
        finally:
            v.close()
        status, body, _ = self.server.request("GET", "/cameras/nope/latest.jpg")
        self.assertEqual((status, body["error"]), (404, "unknown_camera"))

    def latest_jpeg(self, camera, headers=None):
        req = urllib.request.Request(f"{self.server.base}/cameras/{camera}/latest.jpg",
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=15) as res:
                return res.status, dict(res.headers), res.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def test_latest_jpg_carries_capture_time_and_live_source(self):
        status, headers, body = self.latest_jpeg("cam_syn")
        self.assertEqual(status, 200, body[:200])
        self.assertEqual(headers["Content-Type"], "image/jpeg")
        self.assertEqual(decode_jpeg(body).shape[:2], (180, 320))
        captured = int(headers["X-Capture-Time"])
        self.assertLessEqual(captured, int(time.time() * 1000))
        self.assertGreaterEqual(int(headers["Age"]), 0)
        self.assertEqual(headers["LIVE_SRC"], f"ws://127.0.0.1:{self.server.port}/ws/cameras/cam_syn")
        self.assertEqual(headers["Link"], '</ws/cameras/cam_syn>; rel="live"')

    def test_rtsp_kill_gives_camera_disconnected_backoff_then_frames_resume(self):
        v = Viewer(self.server.port, "cam_rtsp", fps=15)
        try:
            first = v.next_frame()
            self.camera.kill()
            down = v.next_state("camera_disconnected")
            self.assertIn("next_retry_ms", down)
            status, headers, body = self.latest_jpeg("cam_rtsp")
            self.assertEqual(status, 503)
            self.assertEqual(json.loads(body)["type"], "camera_disconnected")
            self.assertGreaterEqual(int(headers["Retry-After"]), 1)
            # Each failed reconnect announces the next wait: x2 (±20 %).
            waits = [down["next_retry_ms"]]
            while len(waits) < 4:
                waits.append(v.next_state("camera_disconnected")["next_retry_ms"])
            self.assertTrue(150 <= waits[0] <= 250, waits)
            for a, b in zip(waits[1:], waits[2:]):
                self.assertTrue(1.4 <= b / a <= 2.9 or b >= 1200, waits)
            self.camera.start()
            resumed = v.next_frame()  # no argus restart
            self.assertGreater(resumed["frame_no"], first["frame_no"])
            self.assertEqual(self.camera_status("cam_rtsp")["camera"]["state"], "online")
        finally:
            v.close()
            if self.camera.proc.poll() is not None:
                self.camera.start()

    def test_a_hung_camera_times_out_then_recovers(self):
        v = Viewer(self.server.port, "cam_rtsp", fps=15)
        try:
            v.next_frame()
            self.camera.proc.send_signal(signal.SIGSTOP)
            t0 = time.monotonic()
            down = v.next_state("camera_disconnected")
            # Noticed by the read timeout (1.5 s), not by TCP giving up.
            self.assertLess(time.monotonic() - t0, 6)
            self.assertIn("timed out after 1500 ms", down.get("last_error", ""))
            self.camera.proc.send_signal(signal.SIGCONT)
            v.next_frame()
        finally:
            v.close()
            self.camera.proc.send_signal(signal.SIGCONT)

    def test_reinit_reconnects_at_once(self):
        v = Viewer(self.server.port, "cam_slow", fps=15)
        peer = None
        try:
            down = v.next_state("camera_disconnected")  # nothing listens yet
            self.assertGreater(down["next_retry_ms"], 10000)
            peer = RtspCamera(self.slow_port)
            status, body, _ = self.server.request("POST", "/cameras/cam_slow/reinit")
            self.assertEqual(status, 200, body)
            self.assertEqual(body["state"], "connecting")
            t0 = time.monotonic()
            v.next_frame()
            self.assertLess(time.monotonic() - t0, 10, "well before the 20 s backoff")
        finally:
            v.close()
            if peer:
                peer.stop()

    def test_jpeg_size_stays_stable_on_a_static_scene(self):
        v = Viewer(self.server.port, "cam_static", fps=20)
        try:
            sizes = [len(v.next_frame()["jpeg"]) for _ in range(200)]
        finally:
            v.close()
        base = sizes[5]  # after the encoder's first keyframes settle
        for n, size in enumerate(sizes[5:], start=5):
            self.assertLess(abs(size - base) / base, 0.10, f"frame {n}: {size} vs {base} bytes")

    def test_zz_latest_comes_from_disk_after_a_restart(self):
        v = Viewer(self.server.port, "cam_syn", fps=10)
        for _ in range(6):
            v.next_frame()
        v.close()
        persisted = self.camera_status("cam_syn")["frames_persisted"]
        self.assertGreaterEqual(persisted, 1)
        other = ArgusServer(ARGUS, self.config)
        try:
            with urllib.request.urlopen(f"{other.base}/cameras/cam_syn/latest.jpg", timeout=10) as res:
                self.assertEqual(res.status, 200)
                frame_no = int(res.headers["X-Frame-No"])
                self.assertEqual(decode_jpeg(res.read()).shape[:2], (180, 320))
            self.assertEqual((frame_no - 1) % 5, 0, "one of the frames written every 5th")
            st = other.get("/cameras/cam_syn")
            self.assertEqual(st["camera"]["frames_decoded"], 0, "served from disk, nothing decoded")
            self.assertEqual(st["camera"]["state"], "idle")
        finally:
            other.stop()


class AuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ArgusServer(ARGUS, f"""
logging: {{level: warn}}
auth:
  tokens:
    - {{role: viewer, token: {VIEWER_TOKEN}}}
    - {{role: controller, token: {CONTROLLER_TOKEN}}}
    - {{role: admin, token: {ADMIN_TOKEN}}}
cameras: [{{id: cam_syn, source: synthetic, width: 320, height: 180, fps: 10}}]
""")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def call(self, method, path, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.server.request(method, path, body={} if method == "POST" else None, headers=headers)

    def test_roles_and_status_codes(self):
        status, body, headers = self.call("GET", "/cameras")
        self.assertEqual(status, 401)
        self.assertTrue(headers["WWW-Authenticate"].startswith("Bearer"))
        self.assertEqual(self.call("GET", "/cameras", "wrong-token-0000000000")[0], 401)
        self.assertEqual(self.call("GET", "/cameras", VIEWER_TOKEN)[0], 200)
        self.assertEqual(self.call("GET", "/healthz")[0], 200, "health stays open")
        self.assertEqual(self.call("POST", "/cameras/cam_syn/reinit", VIEWER_TOKEN)[0], 403)
        self.assertEqual(self.call("POST", "/cameras/cam_syn/reinit", CONTROLLER_TOKEN)[0], 200)
        self.assertEqual(self.call("GET", "/config", CONTROLLER_TOKEN)[0], 403)
        status, body, _ = self.call("GET", "/config", ADMIN_TOKEN)
        self.assertEqual(status, 200)
        self.assertEqual(body["auth"], {"enabled": True, "tokens": 3})
        text = json.dumps(body)
        for token in (VIEWER_TOKEN, CONTROLLER_TOKEN, ADMIN_TOKEN):
            self.assertNotIn(token, text)
        self.assertNotIn(VIEWER_TOKEN, self.server.log_text(), "tokens are never logged")

    def test_websockets_need_a_token_too(self):
        url = f"ws://127.0.0.1:{self.server.port}/ws/cameras/cam_syn"
        with self.assertRaises(websocket.WebSocketBadStatusException) as err:
            websocket.create_connection(url, timeout=5)
        self.assertEqual(err.exception.status_code, 401)
        v = Viewer(self.server.port, "cam_syn", query_token=VIEWER_TOKEN)
        try:
            self.assertEqual(decode_jpeg(v.next_frame()["jpeg"]).shape[:2], (180, 320))
        finally:
            v.close()
        # A viewer token may watch a session but not steer it.
        status, body, _ = self.server.request(
            "POST", "/sessions", {"camera_id": "cam_syn"},
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {CONTROLLER_TOKEN}"})
        self.assertIn(status, (200, 201), body)
        ws = websocket.create_connection(f"ws://127.0.0.1:{self.server.port}{body['ws_path']}",
                                         timeout=10, header=[f"Authorization: Bearer {VIEWER_TOKEN}"])
        try:
            ws.send(json.dumps({"type": "set_target_id", "target_id": 1}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("type") == "error":
                    self.assertEqual(msg["error"], "forbidden")
                    jsonschema.validate(msg, load_schema("command_reply.schema.json"))
                    break
        finally:
            ws.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args, rest = ap.parse_known_args()
    ARGUS = os.path.abspath(args.argus)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
