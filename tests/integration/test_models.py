#!/usr/bin/python3
"""Model management on a real argus server: the catalog (list, upload,
delete), activation without downtime while a session streams, a corrupt
model that fails to activate and leaves the old one running, and shadow
mode with its agreement report.

The second model is models/argus-sky-320.onnx (the shipped detector
re-exported at 320x256 by scripts/export_model_size.py). Every server
works on a temporary copy of the models, so the checkout is never touched.
Uses Debian's python3-websocket and python3-jsonschema.
"""
import argparse
import glob
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
import uuid

import websocket
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from argus_server import ROOT, ArgusServer, validate  # noqa: E402

ARGUS = None
MAX_MODEL_BYTES = 1_000_000
SMALL = os.path.join(ROOT, "models", "argus-sky-320.onnx")
NAMES = "drone\nbird\nairplane\nhelicopter\n"


def multipart(parts, boundary=None):
    """(body, content type) of multipart/form-data with `parts`: a list of
    (name, filename or None, bytes)."""
    boundary = boundary or "argus-" + uuid.uuid4().hex
    out = b""
    for name, filename, data in parts:
        disp = f'form-data; name="{name}"'
        if filename is not None:
            disp += f'; filename="{filename}"'
        out += (f"--{boundary}\r\nContent-Disposition: {disp}\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def raw_head(port, method, path, length, token=None):
    """The status line and headers argus answers to a request that
    announces a body of `length` bytes and sends none of it."""
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}"
                   f"Content-Type: multipart/form-data; boundary=b\r\n"
                   f"Content-Length: {length}\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n\r\n")[0]


def models_dir():
    """A scratch models directory holding the shipped model only."""
    path = tempfile.mkdtemp(prefix="argus-models-")
    for f in ("argus-sky.onnx", "argus-sky.names"):
        shutil.copy(os.path.join(ROOT, "models", f), path)
    return path


class TickReader(threading.Thread):
    """Reads a session's ticks in the background, recording when each new
    frame_index arrived (monotonic seconds)."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.ws = websocket.create_connection(url, timeout=10)
        self.lock = threading.Lock()
        self.progress = []  # (t, frame_index) at every new frame_index
        self.error = None
        self.stop = False

    def run(self):
        last = -1
        try:
            while not self.stop:
                msg = json.loads(self.ws.recv())
                if msg.get("type") != "metadata_tick":
                    continue
                validate(msg, "metadata_tick.schema.json")
                if msg["frame_index"] != last:
                    last = msg["frame_index"]
                    with self.lock:
                        self.progress.append((time.monotonic(), last))
        except Exception as e:  # noqa: BLE001 - reported by the test
            if not self.stop:
                self.error = e

    def frames_since(self, t):
        with self.lock:
            return [f for (at, f) in self.progress if at >= t]

    def max_gap(self, t0, t1):
        """Longest time without a new frame between t0 and t1 (s)."""
        with self.lock:
            times = [t0] + [at for (at, _) in self.progress if t0 <= at <= t1] + [t1]
        return max(b - a for a, b in zip(times, times[1:]))

    def close(self):
        self.stop = True
        self.ws.close()


class ModelManagement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.models = models_dir()
        config = f"""
logging: {{level: info}}
detector: {{model: {cls.models}/argus-sky.onnx, models_dir: {cls.models}, max_model_bytes: {MAX_MODEL_BYTES}}}
session: {{publish_hz: 10, confirm_hits: 3}}
server: {{max_body_bytes: 4096}}
cameras:
  - {{id: cam_01, source: synthetic, width: 640, height: 360, fps: 15, seed: 7, drones: 3, birds: 1}}
"""
        cls.server = ArgusServer(ARGUS, config)
        with open(SMALL, "rb") as f:
            cls.small = f.read()

    @classmethod
    def tearDownClass(cls):
        if cls.server.proc.poll() is None:
            cls.server.stop()
        shutil.rmtree(cls.models, ignore_errors=True)
        for backup in glob.glob(cls.server.cfg.name + ".*.bak"):
            os.unlink(backup)

    # -- helpers ---------------------------------------------------------------

    def upload(self, parts, content_type=None):
        body, ct = multipart(parts)
        return self.server.request("POST", "/models/upload", raw=body,
                                   headers={"Content-Type": content_type or ct})

    def raw_head(self, method, path, length):
        return raw_head(self.server.port, method, path, length)

    def models_by_name(self):
        body = self.server.get("/models")
        for m in body["models"]:
            validate(m, "model.schema.json")
        return {m["name"]: m for m in body["models"]}

    def expect_error(self, res, status, code=None):
        got_status, body, _ = res
        self.assertEqual(got_status, status, body)
        validate(body, "rest_error.schema.json")
        if code:
            self.assertEqual(body["error"], code, body)
        return body

    def stream(self):
        status, info, _ = self.server.request("POST", "/sessions", {"camera_id": "cam_01"})
        self.assertIn(status, (200, 201), info)
        self.session_id = info["session_id"]
        reader = TickReader(f"ws://127.0.0.1:{self.server.port}{info['ws_path']}")
        reader.start()
        self.server.wait_until("ticks with progress", lambda: len(reader.frames_since(0)) >= 5)
        return reader

    def assert_settings_name(self, model, width, height):
        """The running config names the active model, it waits for no
        restart, and persisted it is what the next start loads."""
        detector = self.server.get("/settings/detector")
        self.assertEqual(detector["model"], os.path.join(self.models, model + ".onnx"))
        self.assertEqual((detector["input_width"], detector["input_height"]), (width, height))
        status, out, _ = self.server.request("POST", "/settings/persist")
        self.assertEqual(status, 200, out)
        self.assertNotIn("detector.model", out["restart_required"])
        with open(self.server.cfg.name) as f:
            written = yaml.safe_load(f)
        self.assertEqual(written["detector"]["model"], detector["model"])

    # -- the tests, in order (they share one server) ---------------------------

    def test_1_lists_the_configured_model_as_active(self):
        models = self.models_by_name()
        self.assertEqual(list(models), ["argus-sky"])
        m = models["argus-sky"]
        self.assertTrue(m["active"])
        self.assertFalse(m["shadow"])
        self.assertEqual(m["format"], "onnx")
        self.assertEqual(m["layout"], "yolov8")
        self.assertEqual(m["input"], {"width": 640, "height": 512})
        self.assertEqual(m["classes"], ["drone", "bird", "airplane", "helicopter"])
        self.assertEqual(self.server.get("/models/argus-sky"), m)
        self.expect_error(self.server.request("GET", "/models/nope"), 404, "unknown_model")

    def test_2_refuses_bad_uploads(self):
        self.expect_error(self.upload([("file", "junk.onnx", b"GIF89a not a model" * 10)]),
                          400, "invalid_argument")
        for bad in ("../evil.onnx", "bad name.onnx", "model.bin", ".hidden.onnx", "a/b.onnx"):
            body = self.expect_error(self.upload([("file", bad, self.small)]), 400)
            self.assertIn("name", body["detail"])
        self.expect_error(self.upload([("names", None, NAMES.encode())]), 400)
        self.expect_error(self.upload([("file", "x.onnx", self.small)],
                                      content_type="application/octet-stream"), 400)
        # A real model with class names its output cannot hold.
        body = self.expect_error(self.upload([("file", "misfit.onnx", self.small),
                                              ("names", None, b"a\nb\nc\nd\ne\nf\ng\n")]),
                                 400, "invalid_argument")
        self.assertIn("OpenCV", body["detail"])
        truncated = self.small[: len(self.small) // 2]
        self.expect_error(self.upload([("file", "cut.onnx", truncated)]), 400)
        # Larger than max_model_bytes: refused by the route (the part) and,
        # beyond the route's body limit, by the connection.
        big = self.small * 3
        self.assertGreater(len(big), MAX_MODEL_BYTES)
        self.expect_error(self.upload([("file", "big.onnx", big)]), 413, "payload_too_large")
        # Beyond the route's body limit (max_model_bytes + 1 MiB) the
        # connection refuses it from the Content-Length alone, before the
        # body is read (sending the body would race the server's close).
        self.assertIn(b" 413 ", self.raw_head("POST", "/models/upload",
                                               MAX_MODEL_BYTES + 1024 * 1024 + 1))
        self.assertIn(b" 413 ", self.raw_head("POST", "/sessions", 5000))
        # Other routes keep server.max_body_bytes.
        self.expect_error(self.server.request("POST", "/sessions", raw=b"{" + b" " * 8000 + b"}"),
                          413, "payload_too_large")
        self.assertEqual(list(self.models_by_name()), ["argus-sky"])
        self.assertEqual(sorted(os.listdir(self.models)), ["argus-sky.names", "argus-sky.onnx"])

    def test_3_stores_a_valid_upload_once(self):
        status, m, _ = self.upload([("file", "argus-sky-320.onnx", self.small),
                                    ("names", None, NAMES.encode())])
        self.assertEqual(status, 201, m)
        validate(m, "model.schema.json")
        self.assertEqual(m["name"], "argus-sky-320")
        self.assertEqual(m["input"], {"width": 320, "height": 256})
        self.assertEqual(m["layout"], "yolov8")
        self.assertEqual(m["size_bytes"], len(self.small))
        self.assertFalse(m["active"])
        self.assertTrue(m["added_at"].endswith("Z"))
        self.expect_error(self.upload([("file", "argus-sky-320.onnx", self.small)]),
                          409, "model_exists")
        self.expect_error(self.upload([("file", "argus-sky.onnx", self.small)]),
                          409, "model_exists")
        self.assertEqual(sorted(self.models_by_name()), ["argus-sky", "argus-sky-320"])

    def test_4_never_deletes_the_active_model(self):
        self.expect_error(self.server.request("DELETE", "/models/argus-sky"), 403, "model_active")
        self.expect_error(self.server.request("DELETE", "/models/nope"), 404, "unknown_model")
        # A throwaway upload is deleted for real.
        status, m, _ = self.upload([("file", "throwaway.onnx", self.small)])
        self.assertEqual(status, 201, m)
        self.assertEqual(m["classes"], ["drone", "bird", "airplane", "helicopter"])
        status, body, _ = self.server.request("DELETE", "/models/throwaway")
        self.assertEqual(status, 204, body)
        self.assertNotIn("throwaway", self.models_by_name())
        self.assertFalse(os.path.exists(os.path.join(self.models, "throwaway.onnx")))

    def test_5_shadow_mode_reports_agreement(self):
        reader = self.stream()
        try:
            status, r, _ = self.server.request("POST", "/models/argus-sky-320/shadow",
                                               {"sample_every": 2})
            self.assertEqual(status, 200, r)
            validate(r, "shadow_report.schema.json")
            self.assertTrue(r["running"])
            self.assertEqual((r["model"], r["active"], r["sample_every"]),
                             ("argus-sky-320", "argus-sky", 2))
            self.assertTrue(self.models_by_name()["argus-sky-320"]["shadow"])
            self.expect_error(self.server.request("DELETE", "/models/argus-sky-320"),
                              403, "model_active")
            self.expect_error(self.server.request("POST", "/models/argus-sky/shadow", {}),
                              400, "invalid_argument")
            self.expect_error(self.server.request("POST", "/models/argus-sky-320/shadow",
                                                  {"sample_every": 0}), 400)

            def enough():
                r = self.server.get("/models/argus-sky-320/shadow")
                return r if r["frames_compared"] >= 20 and r["boxes_active"] > 0 else None
            r = self.server.wait_until("20 compared frames", enough, timeout=60)
            validate(r, "shadow_report.schema.json")
            self.assertEqual(r["detectors"], 1)
            self.assertLessEqual(r["boxes_matched"], min(r["boxes_active"], r["boxes_candidate"]))
            self.assertGreaterEqual(r["agreement"], 0)
            self.assertLessEqual(r["agreement"], 1)
            self.assertEqual(sum(r["classes_active"].values()), r["boxes_active"])
            self.assertEqual(sum(r["classes_candidate"].values()), r["boxes_candidate"])
            self.assertGreater(r["median_ms_active"], 0)
            self.assertGreater(r["median_ms_candidate"], 0)
            print("\nshadow argus-sky-320 vs argus-sky:", json.dumps(
                {k: r[k] for k in ("frames_compared", "boxes_active", "boxes_candidate",
                                   "boxes_matched", "agreement", "median_ms_active",
                                   "median_ms_candidate")}), flush=True)
            # A session that ends keeps its counts in the report (the
            # registry forgets the session at once: what is counted after
            # the DELETE is what its detector handed over as it ended).
            self.assertIsNone(reader.error)
            reader.close()
            status, body, _ = self.server.request("DELETE", f"/sessions/{self.session_id}")
            self.assertEqual(status, 200, body)

            def kept():
                k = self.server.get("/models/argus-sky-320/shadow")
                return k if k["frames_compared"] >= r["frames_compared"] else None
            k = self.server.wait_until("the ended session's counts", kept)
            self.assertEqual(k["detectors"], 1)
            self.assertGreaterEqual(k["boxes_active"], r["boxes_active"])
            status, final, _ = self.server.request("DELETE", "/models/argus-sky-320/shadow")
            self.assertEqual(status, 200, final)
            validate(final, "shadow_report.schema.json")
            self.assertFalse(final["running"])
            self.assertGreaterEqual(final["frames_compared"], r["frames_compared"])
            self.expect_error(self.server.request("GET", "/models/argus-sky-320/shadow"),
                              404, "unknown_model")
            self.assertFalse(self.models_by_name()["argus-sky-320"]["shadow"])
        finally:
            reader.close()

    def test_6_activates_without_stopping_the_stream(self):
        reader = self.stream()
        try:
            # Two seconds of the stream first: the gaps to compare with.
            self.server.wait_until("2 s of frames", lambda: len(reader.progress) > 1 and
                                   reader.progress[-1][0] - reader.progress[0][0] >= 2)
            t0 = time.monotonic()
            status, m, _ = self.server.request("POST", "/models/argus-sky-320/activate")
            t1 = time.monotonic()
            self.assertEqual(status, 200, m)
            validate(m, "model.schema.json")
            self.assertTrue(m["active"])
            models = self.models_by_name()
            self.assertTrue(models["argus-sky-320"]["active"])
            self.assertFalse(models["argus-sky"]["active"])
            # Frames keep being processed: progress after the switch, and
            # no gap while it happened longer than a second.
            self.server.wait_until("frames after the switch",
                                   lambda: len(reader.frames_since(t1)) >= 10)
            gap = reader.max_gap(t0 - 1, time.monotonic())
            base = reader.max_gap(t0 - 2, t0)
            switched = [line for line in self.server.log_text().splitlines()
                        if "switched to model argus-sky-320" in line]
            self.assertTrue(switched)
            print(f"\nactivation request {t1 - t0:.3f} s ({switched[-1].split('] ')[-1]}); "
                  f"longest gap between processed frames around it {gap:.3f} s, "
                  f"in the 2 s before {base:.3f} s", flush=True)
            self.assertLess(gap, 1.0)
            self.assertIsNone(reader.error)
            self.assert_settings_name("argus-sky-320", 320, 256)
            # The old model is an ordinary one now: it may be deleted, the new
            # active one may not.
            self.expect_error(self.server.request("DELETE", "/models/argus-sky-320"),
                              403, "model_active")
        finally:
            reader.close()

    def test_7_a_corrupt_model_fails_and_keeps_the_old_one(self):
        with open(os.path.join(self.models, "corrupt.onnx"), "wb") as f:
            f.write(self.small[:20000])
        with open(os.path.join(self.models, "corrupt.names"), "w") as f:
            f.write(NAMES)
        m = self.models_by_name()["corrupt"]
        self.assertEqual(m["layout"], "unknown")
        self.assertIn("error", m)
        reader = self.stream()
        try:
            body = self.expect_error(self.server.request("POST", "/models/corrupt/activate"),
                                     503, "model_failed")
            self.assertIn("corrupt", body["detail"])
            models = self.models_by_name()
            self.assertTrue(models["argus-sky-320"]["active"])
            self.assertFalse(models["corrupt"]["active"])
            t = time.monotonic()
            self.server.wait_until("frames after the failed switch",
                                   lambda: len(reader.frames_since(t)) >= 5)
            self.assertIsNone(reader.error)
        finally:
            reader.close()
        status, body, _ = self.server.request("DELETE", "/models/corrupt")
        self.assertEqual(status, 204, body)
        # And back to the first model.
        status, m, _ = self.server.request("POST", "/models/argus-sky/activate")
        self.assertEqual(status, 200, m)
        self.assertTrue(self.models_by_name()["argus-sky"]["active"])
        self.assert_settings_name("argus-sky", 640, 512)

    def test_8_activating_the_shadow_candidate_ends_shadow_mode(self):
        status, r, _ = self.server.request("POST", "/models/argus-sky-320/shadow", {})
        self.assertEqual(status, 200, r)
        self.assertEqual(r["sample_every"], 5)
        status, m, _ = self.server.request("POST", "/models/argus-sky-320/activate")
        self.assertEqual(status, 200, m)
        self.assertTrue(m["active"])
        self.assertFalse(m["shadow"])
        self.expect_error(self.server.request("GET", "/models/argus-sky-320/shadow"),
                          404, "unknown_model")

    def test_90_counts_uploads_and_activations(self):
        with urllib.request.urlopen(self.server.base + "/metrics", timeout=10) as res:
            text = res.read().decode()
        samples = {}
        for line in text.splitlines():
            if line.startswith("argus_model_"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        # Uploads: argus-sky-320 and throwaway stored; every bad one refused.
        self.assertEqual(samples.get('argus_model_uploads_total{result="ok"}'), 2, samples)
        self.assertGreaterEqual(samples.get('argus_model_uploads_total{result="refused"}', 0), 10)
        # Activations: 320, back to argus-sky, 320 again; the corrupt one failed.
        self.assertEqual(samples.get('argus_model_activations_total{result="ok"}'), 3, samples)
        self.assertEqual(samples.get('argus_model_activations_total{result="failed"}'), 1, samples)

    def test_91_stops_cleanly(self):
        rc, took = self.server.stop()
        self.assertEqual(rc, 0, self.server.log_text()[-2000:] if os.path.exists(
            self.server.log.name) else "")
        self.assertLess(took, 10)


class UploadNeedsAController(unittest.TestCase):
    """A model upload's large body is read only for a client allowed to
    send one: anyone else is answered from the headers alone."""

    VIEWER = "viewer-token-0123456789abcdef"
    CONTROLLER = "controller-token-0123456789ab"

    @classmethod
    def setUpClass(cls):
        cls.models = models_dir()
        config = f"""
logging: {{level: warn}}
detector: {{model: {cls.models}/argus-sky.onnx, max_model_bytes: {MAX_MODEL_BYTES}}}
server: {{max_body_bytes: 4096}}
auth:
  tokens:
    - {{role: viewer, token: {cls.VIEWER}}}
    - {{role: controller, token: {cls.CONTROLLER}}}
cameras:
  - {{id: cam_01, source: synthetic, width: 320, height: 180, fps: 5}}
"""
        cls.server = ArgusServer(ARGUS, config)

    @classmethod
    def tearDownClass(cls):
        if cls.server.proc.poll() is None:
            cls.server.stop()
        shutil.rmtree(cls.models, ignore_errors=True)

    def test_refused_before_the_body(self):
        # Within the upload limit, far above max_body_bytes, none of it sent:
        # each answer comes from the headers alone.
        length = MAX_MODEL_BYTES // 2
        head = raw_head(self.server.port, "POST", "/models/upload", length)
        self.assertIn(b" 401 ", head)
        self.assertIn(b"WWW-Authenticate: Bearer", head)
        self.assertIn(b"Connection: close", head)
        head = raw_head(self.server.port, "POST", "/models/upload", length, "not-a-token")
        self.assertIn(b" 401 ", head)
        head = raw_head(self.server.port, "POST", "/models/upload", length, self.VIEWER)
        self.assertIn(b" 403 ", head)

    def test_a_controller_may_upload(self):
        with open(SMALL, "rb") as f:
            small = f.read()
        body, ct = multipart([("file", "argus-sky-320.onnx", small),
                              ("names", None, NAMES.encode())])
        status, m, _ = self.server.request(
            "POST", "/models/upload", raw=body,
            headers={"Content-Type": ct, "Authorization": f"Bearer {self.CONTROLLER}"})
        self.assertEqual(status, 201, m)
        self.assertEqual(m["name"], "argus-sky-320")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args, rest = ap.parse_known_args()
    ARGUS = os.path.abspath(args.argus)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)
