#!/usr/bin/env python3
"""The settings API end to end on the real server (docs/protocol.md,
"Settings"): GET with secrets redacted, PATCH validated as a whole with
every invalid key listed, roles (controller writes, admin for secrets),
the redaction round trip, live changes reaching a running session, what
waits for a restart, persisting (atomic, with pruned backups), reloading
an edited or broken file, and the per-client write limit (429 with
Retry-After). Every answer is validated against schemas/."""
import argparse
import glob
import json
import os
import statistics
import sys
import time
import unittest
import urllib.error
import urllib.request

import websocket
import yaml

sys.path.insert(0, os.path.dirname(__file__))
from argus_server import ArgusServer, validate  # noqa: E402

ARGUS = None
ADMIN = "admin-token-0123456789abcdef"
CONTROLLER = "controller-token-0123456789"
VIEWER = "viewer-token-0123456789abc"
LIMITED = "limited-controller-0123456789"
WRITES_PER_MINUTE = 20

CONFIG = f"""
server: {{settings_writes_per_minute: {WRITES_PER_MINUTE}, settings_backups: 2}}
logging: {{level: warn}}
detector: {{model: models/argus-sky.onnx}}
session: {{publish_hz: 1, confirm_hits: 3}}
mqtt: {{password: "${{ARGUS_TEST_MQTT_PASSWORD}}"}}
auth:
  tokens:
    - {{role: admin, token: {ADMIN}}}
    - {{role: controller, token: {CONTROLLER}}}
    - {{role: controller, token: {LIMITED}}}
    - {{role: viewer, token: {VIEWER}}}
cameras:
  - {{id: cam_a, source: synthetic, width: 320, height: 180, fps: 20, seed: 3, drones: 2}}
  - {{id: cam_rtsp, source: rtsp, url: "rtsp://operator:hunter2@127.0.0.1:9/none",
      retry_min_ms: 60000, retry_max_ms: 60000}}
"""


class Settings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ["ARGUS_TEST_MQTT_PASSWORD"] = "mqtt-secret-from-env"
        cls.server = ArgusServer(ARGUS, CONFIG)
        cls.path = cls.server.cfg.name

    @classmethod
    def tearDownClass(cls):
        if cls.server.proc.poll() is None:
            cls.server.stop()
        for backup in glob.glob(cls.path + ".*.bak"):
            os.unlink(backup)

    def call(self, method, path, body=None, token=ADMIN, raw=None):
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        return self.server.request(method, path, body=body, raw=raw, headers=headers)

    def settings(self):
        status, body, _ = self.call("GET", "/settings")
        self.assertEqual(status, 200, body)
        # writeOnly values (tokens) are shown as "***" in a response, as
        # OpenAPI has it: validate what a client would write back there.
        written = json.loads(json.dumps(body))
        for token in written["auth"]["tokens"]:
            self.assertEqual(token["token"], "***")
            token["token"] = "0123456789abcdef"
        validate(written, "config.schema.json")
        return body

    def patch(self, body, path="/settings", token=ADMIN, want=200):
        status, reply, headers = self.call("PATCH", path, body, token=token)
        self.assertEqual(status, want, reply)
        validate(reply, "settings_change.schema.json" if want == 200 else "rest_error.schema.json")
        return reply

    def test_get_shows_the_running_config_with_secrets_redacted(self):
        cfg = self.settings()
        self.assertEqual(cfg["mqtt"]["password"], "***")
        self.assertEqual(cfg["cameras"][1]["url"], "rtsp://operator:***@127.0.0.1:9/none")
        self.assertTrue(all(t["token"] == "***" for t in cfg["auth"]["tokens"]))
        status, tracker, _ = self.call("GET", "/settings/tracker")
        self.assertEqual(status, 200)
        self.assertEqual(tracker, cfg["tracker"])
        status, reply, _ = self.call("GET", "/settings/nope")
        self.assertEqual(status, 404, reply)
        self.assertEqual(reply["error"], "unknown_section")
        # A viewer may not read the settings (they name every camera's address).
        status, reply, _ = self.call("GET", "/settings", token=VIEWER)
        self.assertEqual(status, 403, reply)

    def test_an_invalid_patch_lists_every_key_and_changes_nothing(self):
        before = self.settings()
        reply = self.patch({"session": {"publish_hz": 0, "bogus": True},
                            "cameras": [{"id": "cam_a", "fps": 999}, {"id": "x", "source": "tape"}]},
                           want=400)
        self.assertEqual(reply["error"], "invalid_config")
        for expected in ["session.publish_hz: must be in [0.1, 120]", "session.bogus: unknown key",
                         "cameras[0].fps: must be in [0.1, 240]",
                         "cameras[1].source: must be one of synthetic, file, rtsp"]:
            self.assertIn(expected, reply["errors"])
        self.assertEqual(self.settings(), before)
        for body, raw in [(None, b"{not json"), (None, b"[1, 2]"), (None, b"\"text\"")]:
            status, reply, _ = self.call("PATCH", "/settings", raw=raw)
            self.assertEqual(status, 400, reply)
            validate(reply, "rest_error.schema.json")
        status, reply, _ = self.call("PATCH", "/settings?persist=maybe", {})
        self.assertEqual(status, 400, reply)
        status, reply, _ = self.call("PATCH", "/settings/nope", {})
        self.assertEqual(status, 404, reply)

    def test_validate_is_a_dry_run(self):
        status, out, _ = self.call("POST", "/settings/validate", {"tracker": {"match_thresh": 2}})
        self.assertEqual(status, 200, out)
        validate(out, "settings_validation.schema.json")
        self.assertFalse(out["valid"])
        self.assertEqual(out["errors"], ["tracker.match_thresh: must be in [0, 1]"])
        status, out, _ = self.call("POST", "/settings/validate", {"tracker": {"match_thresh": 0.42}})
        self.assertEqual(status, 200, out)
        self.assertTrue(out["valid"])
        self.assertEqual(out["changed"], ["tracker.match_thresh"])
        self.assertEqual(out["applied"], ["tracker.match_thresh"])
        self.assertNotEqual(self.settings()["tracker"]["match_thresh"], 0.42)

    def test_roles_controller_writes_admin_writes_secrets(self):
        self.patch({"mqtt": {"password": "stolen"}}, token=CONTROLLER, want=403)
        self.patch({"cameras": [{"id": "cam_a"}, {"id": "cam_rtsp", "source": "rtsp",
                                                  "url": "rtsp://x:y@10.0.0.1/"}]},
                   token=CONTROLLER, want=403)
        status, reply, _ = self.call("PATCH", "/settings", {}, token=VIEWER)
        self.assertEqual(status, 403, reply)
        out = self.patch({"tracker": {"track_buffer": 31}}, token=CONTROLLER)
        self.assertEqual(out["changed"], ["tracker.track_buffer"])

    def test_the_shown_document_patched_back_keeps_every_secret(self):
        shown = self.settings()
        out = self.patch(shown, token=CONTROLLER)
        self.assertEqual(out["changed"], [])
        out = self.patch({}, "/settings/mqtt", token=CONTROLLER)
        status, persisted, _ = self.call("POST", "/settings/persist")
        self.assertEqual(status, 200, persisted)
        with open(self.path) as f:
            written = yaml.safe_load(f)
        # The file keeps the reference, the URL its password: no marker.
        self.assertEqual(written["mqtt"]["password"], "${ARGUS_TEST_MQTT_PASSWORD}")
        self.assertEqual(written["cameras"][1]["url"], "rtsp://operator:hunter2@127.0.0.1:9/none")
        self.assertNotIn("***", json.dumps(written))
        self.assertNotIn("mqtt-secret-from-env", open(self.path).read())

    def test_changes_that_wait_for_a_restart_are_said(self):
        out = self.patch({"server": {"io_threads": 3}, "cameras": [
            {"id": "cam_a", "source": "synthetic", "width": 320, "height": 180, "fps": 20,
             "seed": 3, "drones": 2},
            {"id": "cam_rtsp", "source": "rtsp", "url": "rtsp://operator:***@127.0.0.1:9/none",
             "retry_min_ms": 60000, "retry_max_ms": 60000, "idle_grace_ms": 500}]})
        self.assertEqual(out["applied"], ["cameras[1].idle_grace_ms"])
        self.assertIn("server.io_threads", out["restart_required"])
        self.assertNotIn("cameras[1].idle_grace_ms", out["restart_required"])
        self.assertEqual(self.settings()["server"]["io_threads"], 3)
        status, now, _ = self.call("POST", "/settings/validate", {})
        self.assertIn("server.io_threads", now["restart_required"])
        out = self.patch({"server": {"io_threads": 1}})
        self.assertNotIn("server.io_threads", out["restart_required"])

    def tick_intervals(self, ws, count):
        """Server-side publish times (ms) of `count` ticks apart."""
        stamps = []
        deadline = time.monotonic() + 60
        while len(stamps) < count + 1 and time.monotonic() < deadline:
            msg = json.loads(ws.recv())
            if msg.get("type") == "metadata_tick":
                stamps.append(msg["ts_unix_ms"])
        self.assertEqual(len(stamps), count + 1, "too few ticks")
        return [b - a for a, b in zip(stamps, stamps[1:])]

    def test_publish_rate_changes_in_a_running_session(self):
        status, info, _ = self.call("POST", "/sessions", {"camera_id": "cam_a"}, token=CONTROLLER)
        self.assertIn(status, (200, 201), info)
        ws = websocket.create_connection(f"ws://127.0.0.1:{self.server.port}{info['ws_path']}",
                                         timeout=20, header=[f"Authorization: Bearer {CONTROLLER}"])
        try:
            slow = statistics.median(self.tick_intervals(ws, 3))
            out = self.patch({"session": {"publish_hz": 10}}, token=CONTROLLER)
            self.assertEqual(out["applied"], ["session.publish_hz"])
            # Ticks already on their way at the old rate are skipped.
            self.tick_intervals(ws, 2)
            fast = statistics.median(self.tick_intervals(ws, 10))
        finally:
            ws.close()
            self.patch({"session": {"publish_hz": 1}}, token=CONTROLLER)
        # 1 Hz is one tick a second; 10 Hz at most ten, fewer only when
        # the detector cannot keep up (it sees ~20 frames a second here).
        self.assertGreater(slow, 800)
        self.assertLess(fast, 400)

    def jpeg_size(self):
        import cv2
        import numpy
        req = urllib.request.Request(f"{self.server.base}/cameras/cam_a/latest.jpg",
                                     headers={"Authorization": f"Bearer {ADMIN}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                img = cv2.imdecode(numpy.frombuffer(res.read(), numpy.uint8), cv2.IMREAD_COLOR)
        except urllib.error.HTTPError:
            return None  # no frame yet (the camera is restarting)
        return (img.shape[1], img.shape[0]) if img is not None else None

    @staticmethod
    def viewer_frame_size(viewer):
        import cv2
        import numpy
        msg = viewer.recv()
        if not isinstance(msg, bytes):
            return None  # a camera status message
        img = cv2.imdecode(numpy.frombuffer(msg, numpy.uint8), cv2.IMREAD_COLOR)
        return (img.shape[1], img.shape[0]) if img is not None else None

    def test_a_camera_restarts_with_new_source_settings(self):
        self.assertEqual(self.server.wait_until("a first frame", self.jpeg_size), (320, 180))
        out = self.patch({"cameras": [
            {"id": "cam_a", "source": "synthetic", "width": 160, "height": 96, "fps": 20,
             "seed": 3, "drones": 2},
            {"id": "cam_rtsp", "source": "rtsp", "url": "rtsp://operator:***@127.0.0.1:9/none",
             "retry_min_ms": 60000, "retry_max_ms": 60000}]}, token=CONTROLLER)
        try:
            self.assertEqual(out["applied"], ["cameras[0].height", "cameras[0].width"])
            # No viewer: the old picture is dropped with the old source, so
            # latest.jpg takes one from the new source.
            self.server.wait_until("a picture of the new size",
                                   lambda: self.jpeg_size() == (160, 96))
            # And a viewer gets frames of the new size.
            viewer = websocket.create_connection(
                f"ws://127.0.0.1:{self.server.port}/ws/cameras/cam_a", timeout=20,
                header=[f"Authorization: Bearer {ADMIN}"])
            try:
                viewer.settimeout(20)
                self.server.wait_until("a binary frame of the new size",
                                       lambda: self.viewer_frame_size(viewer) == (160, 96))
            finally:
                viewer.close()
            cams = {c["camera_id"]: c for c in self.call("GET", "/cameras")[1]["cameras"]}
            self.assertEqual((cams["cam_a"]["width"], cams["cam_a"]["height"]), (160, 96))
        finally:
            self.patch({"cameras": [
                {"id": "cam_a", "source": "synthetic", "width": 320, "height": 180, "fps": 20,
                 "seed": 3, "drones": 2},
                {"id": "cam_rtsp", "source": "rtsp", "url": "rtsp://operator:***@127.0.0.1:9/none",
                 "retry_min_ms": 60000, "retry_max_ms": 60000}]}, token=CONTROLLER)

    def test_persist_keeps_the_newest_backups(self):
        for hz in (2, 3, 4):
            status, out, _ = self.call("PATCH", "/settings?persist=true",
                                       {"session": {"publish_hz": hz}})
            self.assertEqual(status, 200, out)
            validate(out, "settings_change.schema.json")
            self.assertTrue(out["persisted"])
            self.assertEqual(out["path"], self.path)
            self.assertTrue(os.path.exists(out["backup"]))
        with open(self.path) as f:
            self.assertEqual(yaml.safe_load(f)["session"]["publish_hz"], 3 + 1)
        self.assertEqual(len(glob.glob(self.path + ".*.bak")), 2)
        self.patch({"session": {"publish_hz": 1}})

    def test_reload_takes_the_file_and_refuses_a_broken_one(self):
        with open(self.path) as f:
            original = f.read()
        try:
            doc = yaml.safe_load(original)
            doc.setdefault("tracker", {})["match_thresh"] = 0.66
            with open(self.path, "w") as f:
                yaml.safe_dump(doc, f)
            status, out, _ = self.call("POST", "/settings/reload")
            self.assertEqual(status, 200, out)
            validate(out, "settings_change.schema.json")
            self.assertIn("tracker.match_thresh", out["changed"])
            self.assertEqual(self.settings()["tracker"]["match_thresh"], 0.66)
            with open(self.path, "w") as f:
                f.write("tracker: {match_thresh: nope}\ncameras: []\n")
            status, out, _ = self.call("POST", "/settings/reload")
            self.assertEqual(status, 400, out)
            validate(out, "rest_error.schema.json")
            self.assertIn("tracker.match_thresh: must be a number", out["errors"])
            self.assertIn("cameras: must be a non-empty list", out["errors"])
            self.assertEqual(self.settings()["tracker"]["match_thresh"], 0.66)
        finally:
            with open(self.path, "w") as f:
                f.write(original)

    def test_writes_are_limited_per_client(self):
        codes = []
        retry_after = None
        for _ in range(WRITES_PER_MINUTE + 1):
            status, reply, headers = self.call("PATCH", "/settings", {}, token=LIMITED)
            codes.append(status)
            if status == 429:
                validate(reply, "rest_error.schema.json")
                self.assertEqual(reply["error"], "rate_limited")
                retry_after = int(headers["Retry-After"])
        self.assertEqual(codes, [200] * WRITES_PER_MINUTE + [429])
        self.assertGreaterEqual(retry_after, 1)
        self.assertLessEqual(retry_after, 60)
        # Another client is not held back, and reading is never limited.
        self.patch({}, token=CONTROLLER)
        status, _, _ = self.call("GET", "/settings", token=LIMITED)
        self.assertEqual(status, 200)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--argus", required=True)
    args, rest = parser.parse_known_args()
    global ARGUS
    ARGUS = args.argus
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
