#!/usr/bin/python3
"""Structured logs and the opt-in `stats` WebSocket message on a real server.

One server with `logging.format: json`: requests with and without an
`X-Request-Id` get it (or a new one) back and their log lines carry it;
session and camera lines carry their ids; after shutdown every line the
server wrote to stderr (and every stdout line but the "argus listening"
handshake) parses as one JSON object. On the same server a strict client
and `?ext=stats&stats_hz=N` clients share one session: only the clients
that asked get `stats`, at the asked rate measured by the messages' own
timestamps. Every wait has a deadline; nothing sleeps.
"""
import argparse
import http.client
import json
import os
import re
import sys
import time
import unittest

import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from argus_server import ArgusServer, validate  # noqa: E402

ARGUS = None
CONFIG = """
logging: {level: info, format: json}
detector: {model: models/argus-sky.onnx}
session: {publish_hz: 10, confirm_hits: 3, end_after_ms: 800}
cameras:
  - {id: cam_01, source: synthetic, width: 320, height: 180, fps: 15, seed: 7, drones: 2, birds: 1}
"""
HEX16 = re.compile(r"^[0-9a-f]{16}$")


def raw_get(port, path, headers=None):
    """GET with http.client (headers as sent, no urllib defaults): status,
    headers (lower-case names), body bytes."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        conn.close()


def upgrade_status(port, path):
    """The status of a WebSocket upgrade of `path` (refusals are JSON)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={
            "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
        res = conn.getresponse()
        return res.status, json.loads(res.read() or b"null")
    finally:
        conn.close()


class Observability(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ArgusServer(ARGUS, CONFIG)
        status, info, _ = cls.server.request("POST", "/sessions", {"camera_id": "cam_01"})
        assert status == 201, info
        cls.sid = info["session_id"]
        cls.ws_path = info["ws_path"]

    @classmethod
    def tearDownClass(cls):
        if cls.server.proc.poll() is None:
            cls.server.stop()

    def ws(self, query=""):
        return websocket.create_connection(
            f"ws://127.0.0.1:{self.server.port}{self.ws_path}{query}", timeout=10)

    def test_1_request_ids_are_echoed_or_made(self):
        port = self.server.port
        status, headers, _ = raw_get(port, "/healthz", {"X-Request-Id": "test-req-0001"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("x-request-id"), "test-req-0001")
        # None sent: a new one; a 404 gets one too.
        status, headers, _ = raw_get(port, "/no/such/path")
        self.assertEqual(status, 404)
        self.assertRegex(headers.get("x-request-id", ""), HEX16)
        made = headers["x-request-id"]
        status, headers, _ = raw_get(port, "/healthz")
        self.assertNotEqual(headers["x-request-id"], made)
        # Too long to be sane: replaced.
        status, headers, _ = raw_get(port, "/healthz", {"X-Request-Id": "x" * 65})
        self.assertRegex(headers.get("x-request-id", ""), HEX16)
        # 64 printable characters are kept as they are.
        ok = "a-" * 32
        status, headers, _ = raw_get(port, "/readyz", {"X-Request-Id": ok})
        self.assertEqual(headers.get("x-request-id"), ok)
        # Tokens in a query are never logged, however the name is escaped.
        for query in ("?access_token=sekrit-token-1&x=1", "?x=1&access%5Ftoken=sekrit-token-2"):
            self.assertEqual(raw_get(port, "/healthz" + query)[0], 200)
        # The WebSocket handshake echoes it as well.
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}{self.ws_path}", timeout=10,
            header=["X-Request-Id: test-ws-0001"])
        try:
            self.assertEqual(ws.getheaders().get("x-request-id"), "test-ws-0001")
        finally:
            ws.close()

    def test_2_stats_only_for_clients_that_ask_at_their_rate(self):
        strict = self.ws()
        fast = self.ws("?ext=stats&stats_hz=5")
        slow = self.ws("?ext=timing,stats&stats_hz=2")
        try:
            def stats_of(ws, n, deadline_s=30):
                got = []
                end = time.monotonic() + deadline_s
                while len(got) < n and time.monotonic() < end:
                    msg = json.loads(ws.recv())
                    if msg["type"] == "stats":
                        validate(msg, "session_stats.schema.json")
                        got.append(msg)
                self.assertEqual(len(got), n, "stats messages within the deadline")
                return got

            fast_stats = stats_of(fast, 11)
            slow_stats = stats_of(slow, 5)
            for got, hz in ((fast_stats, 5), (slow_stats, 2)):
                ts = [m["ts_unix_ms"] for m in got]
                mean = (ts[-1] - ts[0]) / (len(ts) - 1)
                # The session keeps the rate on average (each one due a
                # period after the last one's due time).
                self.assertGreater(mean, 1000 / hz * 0.7, (hz, ts))
                self.assertLess(mean, 1000 / hz * 1.3, (hz, ts))
            last = fast_stats[-1]
            self.assertEqual(last["session_id"], self.sid)
            self.assertEqual(last["camera_id"], "cam_01")
            self.assertGreaterEqual(last["clients"], 3)
            self.assertGreater(last["frames_processed"], 0)
            # The strict client read everything up to a tick captured after
            # the last stats message above: no stats among it.
            end_ts = max(fast_stats[-1]["ts_unix_ms"], slow_stats[-1]["ts_unix_ms"])
            kinds = set()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                msg = json.loads(strict.recv())
                kinds.add(msg["type"])
                self.assertNotEqual(msg["type"], "stats", msg)
                validate(msg, "metadata_tick.schema.json" if msg["type"] == "metadata_tick"
                         else "track_event.schema.json")
                if msg["type"] == "metadata_tick" and msg["ts_unix_ms"] > end_ts:
                    break
            else:
                self.fail("the strict client saw no tick after the stats window")
            self.assertIn("metadata_tick", kinds)
        finally:
            for ws in (strict, fast, slow):
                ws.close()

    def test_3_stats_rate_is_checked_at_the_upgrade(self):
        port = self.server.port
        for query in ("?ext=stats&stats_hz=0", "?ext=stats&stats_hz=6", "?ext=stats&stats_hz=2.5",
                      "?ext=stats&stats_hz=abc", "?stats_hz=2", "?ext=stats&stats_hz=2&stats_hz=3"):
            with self.subTest(query=query):
                status, body = upgrade_status(port, self.ws_path + query)
                self.assertEqual(status, 400, body)
                self.assertEqual(body["error"], "invalid_argument")
                self.assertIn("stats_hz", body["detail"])
        # Without a rate: 1 Hz, accepted.
        ws = self.ws("?ext=stats")
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                msg = json.loads(ws.recv())
                if msg["type"] == "stats":
                    break
            else:
                self.fail("no stats message at the default rate")
        finally:
            ws.close()

    def test_9_every_log_line_is_json_with_ids(self):
        s = self.server
        # Lines written while the server runs and at shutdown alike.
        rc, _ = s.stop()
        self.assertEqual(rc, 0)
        s.log.seek(0)  # the file is unlinked, the handle still reads it
        err_lines = [l for l in s.log.read().splitlines() if l.strip()]
        out_lines = [l for l in s.proc.stdout.read().splitlines() if l.strip()]
        self.assertGreater(len(err_lines), 5)
        lines = []
        for line in err_lines + out_lines:
            try:
                doc = json.loads(line)
            except ValueError:
                self.fail(f"not a JSON log line: {line!r}")
            self.assertIsInstance(doc, dict, line)
            for key in ("ts", "level", "msg", "logger", "thread"):
                self.assertIn(key, doc, line)
            self.assertRegex(doc["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertIn(doc["level"], ("trace", "debug", "info", "warn", "error", "critical"))
            lines.append(doc)
        by_request = {}
        for d in lines:
            if "request_id" in d:
                by_request.setdefault(d["request_id"], []).append(d)
        # The request's line carries its id, method, path and status.
        self.assertIn("test-req-0001", by_request)
        self.assertTrue(any("GET /healthz 200" in d["msg"] for d in by_request["test-req-0001"]))
        # Every request line has an id.
        for d in lines:
            if d["msg"].startswith("http "):
                self.assertIn("request_id", d, d)
        self.assertTrue(any("/no/such/path 404" in d["msg"] for d in lines if "request_id" in d))
        # A refused upgrade and an accepted one carry theirs too.
        self.assertTrue(any("stats_hz=6" in d["msg"] and " 400 " in d["msg"] for d in lines
                            if "request_id" in d))
        self.assertIn("test-ws-0001", by_request)
        self.assertNotIn("sekrit-token", "\n".join(err_lines))
        self.assertTrue(any("/healthz?x=1&access%5Ftoken=*** 200" in d["msg"] for d in lines))
        # Session and camera lines carry their ids.
        self.assertTrue(any(d.get("session_id") == self.sid and d.get("camera_id") == "cam_01"
                            and "started" in d["msg"] for d in lines), "session start line")
        self.assertTrue(any(d.get("camera_id") == "cam_01" and "online" in d["msg"]
                            and "session_id" not in d for d in lines), "camera online line")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args, rest = ap.parse_known_args()
    ARGUS = os.path.abspath(args.argus)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)
