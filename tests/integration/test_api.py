#!/usr/bin/python3
"""End-to-end test of the live-analytics path on a real argus server.

REST session lifecycle, the WebSocket metadata stream (every message checked
against schemas/), target commands with ack/error replies, bad input of every
kind, and an orderly SIGTERM shutdown. Uses Debian's python3-websocket and
python3-jsonschema.
"""
import argparse
import collections
import glob
import http.client
import json
import os
import signal
import socket
import sys
import time
import unittest
import urllib.parse

import jsonschema
import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from argus_server import ROOT, ArgusServer  # noqa: E402

CONFIG = """
logging: {level: warn}
detector: {model: models/argus-sky.onnx}
session: {publish_hz: 10, confirm_hits: 3}
server: {max_body_bytes: 4096, max_ws_message_bytes: 1024}
cameras:
  - {id: cam_01, source: synthetic, width: 640, height: 360, fps: 15, seed: 7, drones: 3, birds: 1}
  - {id: cam_02, source: synthetic, width: 320, height: 180, fps: 10, seed: 8}
"""

ARGUS = None


def load_schema(name):
    with open(os.path.join(ROOT, "schemas", name + ".schema.json")) as f:
        return json.load(f)


SCHEMAS = {n: load_schema(n) for n in
           ["metadata_tick", "metadata_tick.timing", "track_event", "command", "command_reply",
            "rest_error", "session_created", "session_status", "cameras", "session_stats",
            "model", "shadow_report"]}


def validate(kind, doc):
    jsonschema.validate(doc, SCHEMAS[kind])


class WsClient:
    """A WebSocket client that validates every message it receives.

    `tick_schema` names the schema ticks must meet: the closed seed contract
    by default, "metadata_tick.timing" for a ?ext=timing connection."""

    def __init__(self, url, timeout=10, tick_schema="metadata_tick"):
        self.ws = websocket.create_connection(url, timeout=timeout)
        self.seen = collections.defaultdict(list)
        self.tick_schema = tick_schema

    def recv_json(self):
        msg = json.loads(self.ws.recv())
        kind = msg.get("type")
        if kind == "metadata_tick":
            validate(self.tick_schema, msg)
        elif kind == "track_event":
            validate("track_event", msg)
        elif kind in ("ack", "error"):
            validate("command_reply", msg)
        else:
            raise AssertionError("unexpected message type: %r" % msg)
        self.seen[kind].append(msg)
        return msg

    def wait_for(self, pred, deadline_s=20):
        """Reads messages until pred(msg) holds; returns that message."""
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            msg = self.recv_json()
            if pred(msg):
                return msg
        raise AssertionError("condition not met within %s s" % deadline_s)

    def command(self, payload, **kw):
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        self.ws.send(payload, **kw)
        return self.wait_for(lambda m: m["type"] in ("ack", "error"))

    def close(self):
        self.ws.close()


class LiveAnalyticsApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ArgusServer(ARGUS, CONFIG)

    @classmethod
    def tearDownClass(cls):
        if cls.server.proc.poll() is None:
            cls.server.stop()

    def create(self, body):
        return self.server.request("POST", "/sessions", body)

    def ws_url(self, path):
        return f"ws://127.0.0.1:{self.server.port}{path}"

    # -- REST ----------------------------------------------------------------

    def test_health_readiness_and_cameras(self):
        self.assertEqual(self.server.request("GET", "/healthz")[:2], (200, {"status": "ok"}))
        status, body, _ = self.server.request("GET", "/readyz")
        self.assertEqual(status, 200, body)
        status, body, _ = self.server.request("GET", "/cameras")
        self.assertEqual(status, 200)
        validate("cameras", body)
        self.assertEqual([c["camera_id"] for c in body["cameras"]], ["cam_01", "cam_02"])

    def test_session_create_is_idempotent_per_camera(self):
        status, first, _ = self.create({"camera_id": "cam_02"})
        self.assertEqual(status, 201, first)
        validate("session_created", first)
        self.assertTrue(first["created"])
        self.assertEqual(first["ws_path"], "/ws/sessions/" + first["session_id"])
        status, again, _ = self.create({"camera_id": "cam_02"})
        self.assertEqual(status, 200)
        self.assertFalse(again["created"])
        self.assertEqual(again["session_id"], first["session_id"])
        status, listed, _ = self.server.request("GET", "/cameras")
        self.assertEqual(listed["cameras"][1]["session_id"], first["session_id"])
        # Delete, then it is gone.
        sid = first["session_id"]
        status, body, _ = self.server.request("DELETE", "/sessions/" + sid)
        self.assertEqual((status, body), (200, {"deleted": True, "session_id": sid}))
        status, body, _ = self.server.request("GET", "/sessions/" + sid)
        self.assertEqual(status, 404)
        validate("rest_error", body)
        self.assertEqual(body["error"], "unknown_session")
        status, body, _ = self.server.request("DELETE", "/sessions/" + sid)
        self.assertEqual(status, 404)

    def test_bad_rest_input_gets_clear_json_errors(self):
        cases = [
            ("POST", "/sessions", {"camera_id": "cam_99"}, None, 404, "unknown_camera"),
            ("POST", "/sessions", None, b"{not json", 400, "invalid_json"),
            ("POST", "/sessions", None, b"[1,2]", 400, "invalid_json"),
            ("POST", "/sessions", {"camera_id": 7}, None, 400, "invalid_argument"),
            ("POST", "/sessions", None, b"x" * 10000, 413, "payload_too_large"),
            ("GET", "/sessions", None, None, 405, "method_not_allowed"),
            ("PUT", "/cameras", None, b"{}", 405, "method_not_allowed"),
            ("GET", "/nope", None, None, 404, "not_found"),
            ("GET", "/sessions/does-not-exist", None, None, 404, "unknown_session"),
            ("GET", "/ws/sessions/whatever", None, None, 426, "upgrade_required"),
        ]
        for method, path, body, raw, want_status, want_code in cases:
            with self.subTest(method=method, path=path, raw=raw and raw[:20]):
                status, got, headers = self.server.request(method, path, body, raw)
                self.assertEqual(status, want_status, got)
                validate("rest_error", got)
                self.assertEqual(got["error"], want_code)
                self.assertTrue(got["detail"])
        # The server is still healthy afterwards.
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)

    def test_every_405_names_the_allowed_methods(self):
        # RFC 9110 §15.5.6: a 405 carries Allow. One case per place in the
        # gateway that answers 405 (router, cameras, tracks, clips).
        cases = [
            ("POST", "/healthz", "GET, HEAD"),
            ("POST", "/readyz", "GET"),
            ("POST", "/config", "GET"),
            ("GET", "/sessions", "POST"),
            ("PATCH", "/sessions/some-id", "GET, DELETE"),
            ("PUT", "/cameras", "GET"),
            ("POST", "/cameras/cam_01", "GET"),
            ("POST", "/cameras/cam_01/latest.jpg", "GET"),
            ("GET", "/cameras/cam_01/reinit", "POST"),
            ("POST", "/tracks", "GET"),
            ("POST", "/store", "GET"),
            ("POST", "/sessions/some-id/tracks", "GET"),
            ("GET", "/tracks/cam_01/7/retain", "POST"),
            ("PUT", "/tracks/cam_01/7", "GET, DELETE"),
            ("PUT", "/clips", "GET, POST"),
            ("POST", "/clips/some-clip/index", "GET"),
        ]
        for method, path, allow in cases:
            with self.subTest(method=method, path=path):
                status, got, headers = self.server.request(method, path, raw=b"{}" if method != "GET" else None)
                self.assertEqual(status, 405, got)
                validate("rest_error", got)
                self.assertEqual(got["error"], "method_not_allowed")
                self.assertEqual(headers.get("Allow"), allow)
                self.assertIn(allow, got["detail"])

    def test_default_stream_is_the_seed_contract_and_extensions_are_opt_in(self):
        status, info, _ = self.create({"camera_id": "cam_01"})
        self.assertIn(status, (200, 201), info)
        # Default: exactly the contract; cam_01 has no PTZ, so no ptz block.
        ws = WsClient(self.ws_url(info["ws_path"]))
        try:
            tick = ws.wait_for(lambda m: m["type"] == "metadata_tick")
            self.assertNotIn("published_unix_ms", tick)
            self.assertNotIn("ptz", tick)
        finally:
            ws.close()
        # ?ext=timing adds published_unix_ms (and validates against the
        # timing schema, which is closed too).
        ws = WsClient(self.ws_url(info["ws_path"] + "?ext=timing"),
                      tick_schema="metadata_tick.timing")
        try:
            tick = ws.wait_for(lambda m: m["type"] == "metadata_tick")
            self.assertIsInstance(tick["published_unix_ms"], (int, float))
            self.assertGreaterEqual(tick["published_unix_ms"], tick["ts_unix_ms"])
            self.assertLess(abs(tick["published_unix_ms"] - time.time() * 1000), 60_000)
            self.assertNotIn("ptz", tick)
        finally:
            ws.close()
        # An unknown extension is refused at the upgrade, naming it.
        for query in ("?ext=bogus", "?ext=timing,bogus", "?ext=timing&ext=bogus"):
            with self.subTest(query=query):
                # http.client, not urllib: urllib forces "Connection: close",
                # which would make this a plain GET instead of an upgrade.
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
                try:
                    conn.request("GET", info["ws_path"] + query, headers={
                        "Connection": "Upgrade", "Upgrade": "websocket",
                        "Sec-WebSocket-Version": "13",
                        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
                    res = conn.getresponse()
                    status, body = res.status, json.loads(res.read())
                finally:
                    conn.close()
                self.assertEqual(status, 400, body)
                validate("rest_error", body)
                self.assertEqual(body["error"], "invalid_argument")
                self.assertIn("bogus", body["detail"])
        with self.assertRaises(websocket.WebSocketBadStatusException) as ctx:
            websocket.create_connection(self.ws_url(info["ws_path"] + "?ext=bogus"), timeout=5)
        self.assertEqual(ctx.exception.status_code, 400)

    def test_upgrade_to_unknown_session_is_refused_with_404(self):
        with self.assertRaises(websocket.WebSocketBadStatusException) as ctx:
            websocket.create_connection(self.ws_url("/ws/sessions/nope"), timeout=5)
        self.assertEqual(ctx.exception.status_code, 404)

    def test_escaped_ids_in_paths_are_decoded_once(self):
        # What the web client sends: encodeURIComponent of ids holding ':'
        # (a session id's time) and '/' (a track id is "<camera_id>/<n>").
        def esc(text):
            return urllib.parse.quote(text, safe="")

        status, info, _ = self.create({"camera_id": "cam_01"})
        self.assertIn(status, (200, 201), info)
        sid = info["session_id"]
        self.assertIn(":", sid)
        try:
            self.check_escaped_ids(sid, esc)
        finally:
            # Other tests expect to start cam_01's session (and see its first
            # track events) themselves; the escaped id deletes it too.
            status, body, _ = self.server.request("DELETE", "/sessions/" + esc(sid))
            self.assertEqual((status, body), (200, {"deleted": True, "session_id": sid}))

    def check_escaped_ids(self, sid, esc):
        status, st, _ = self.server.request("GET", "/sessions/" + esc(sid))
        self.assertEqual(status, 200, st)
        validate("session_status", st)
        self.assertEqual(st["session_id"], sid)
        # Once, not until nothing is left: an escaped escape names another id.
        status, body, _ = self.server.request("GET", "/sessions/" + esc(esc(sid)))
        self.assertEqual((status, body["error"]), (404, "unknown_session"), body)
        ws = WsClient(self.ws_url("/ws/sessions/" + esc(sid)))
        try:
            tick = ws.wait_for(lambda m: m["type"] == "metadata_tick")
            self.assertEqual(tick["session_id"], sid)
        finally:
            ws.close()
        tracks = self.server.wait_until(
            "a stored cam_01 track", lambda: self.server.get("/tracks?camera_id=cam_01")["tracks"])
        tid = tracks[0]["track_id"]
        self.assertIn("/", tid)
        for path in ("/tracks/" + esc(tid), "/tracks/" + tid):
            with self.subTest(path=path):
                self.assertEqual(self.server.get(path + "?samples=false")["track_id"], tid)
        status, body, _ = self.server.request("GET", "/tracks/" + esc(esc(tid)))
        self.assertEqual((status, body["error"]), (404, "unknown_track"), body)
        # Paths that do not decode to text: 400 naming what is wrong.
        for path, code, detail in [
                ("/sessions/%zz", "invalid_argument", "malformed percent-escape"),
                ("/sessions/a%2", "invalid_argument", "malformed percent-escape"),
                ("/sessions/a%00b", "invalid_argument", "NUL"),
                ("/tracks/cam_01%2F1%FF", "invalid_utf8", "not valid UTF-8"),
                ("/cameras/%C3", "invalid_utf8", "not valid UTF-8")]:
            with self.subTest(path=path):
                status, body, _ = self.server.request("GET", path)
                self.assertEqual((status, body["error"]), (400, code), body)
                validate("rest_error", body)
                self.assertIn(detail, body["detail"])
        with self.assertRaises(websocket.WebSocketBadStatusException) as ctx:
            websocket.create_connection(self.ws_url("/ws/sessions/%zz"), timeout=5)
        self.assertEqual(ctx.exception.status_code, 400)

    # -- the live path -------------------------------------------------------

    def test_metadata_stream_target_commands_and_status(self):
        status, info, _ = self.create({})  # {} means the first camera
        self.assertIn(status, (200, 201))
        self.assertEqual(info["camera_id"], "cam_01")
        ws = WsClient(self.ws_url(info["ws_path"]))
        try:
            # Collect ~3 s of ticks (10 Hz) and at least one "new" event.
            ws.wait_for(lambda m: m["type"] == "track_event" and m["event"] == "new")
            ticks_before = len(ws.seen["metadata_tick"])
            ws.wait_for(lambda m: m["type"] == "metadata_tick"
                        and len(ws.seen["metadata_tick"]) >= ticks_before + 30)
            ticks = ws.seen["metadata_tick"][-30:]
            frames = [t["frame_index"] for t in ticks]
            self.assertEqual(frames, sorted(frames), "ticks out of order")
            self.assertTrue(all(t["session_id"] == info["session_id"] for t in ticks))
            self.assertTrue(all(t["frame_size"] == {"w": 640, "h": 360} for t in ticks))
            # Stable ids: the drones are tracked by the same ids over 3 s.
            counts = collections.Counter(tr["id"] for t in ticks for tr in t["tracks"]
                                         if tr["label"] == "drone")
            steady = [i for i, n in counts.items() if n >= 0.8 * len(ticks)]
            self.assertGreaterEqual(len(steady), 2, counts)
            for ev in ws.seen["track_event"]:
                self.assertEqual(ev["after"]["track_id"], "cam_01/%d" % ev["after"]["id"])

            target = steady[0]
            reply = ws.command({"type": "set_target_id", "target_id": target})
            self.assertEqual(reply, {"type": "ack", "command": "set_target_id", "target_id": target})
            tick = ws.wait_for(lambda m: m["type"] == "metadata_tick"
                               and m["selected_target_id"] == target)
            self.assertIn(tick["tracking_phase"], ("tracking", "lost", "searching"))
            status, st, _ = self.server.request("GET", "/sessions/" + info["session_id"])
            self.assertEqual(status, 200)
            validate("session_status", st)
            self.assertEqual(st["selected_target_id"], target)
            self.assertTrue(st["running"])
            self.assertGreater(st["fps"], 3)
            self.assertGreater(st["frames_processed"], 20)
            self.assertEqual(st["camera_state"], "online")
            self.assertGreaterEqual(st["clients"], 1)

            reply = ws.command({"type": "clear_target"})
            self.assertEqual(reply, {"type": "ack", "command": "clear_target"})
            tick = ws.wait_for(lambda m: m["type"] == "metadata_tick"
                               and m["selected_target_id"] is None)
            self.assertEqual(tick["tracking_phase"], "idle")

            # Bad commands: precise error codes, connection stays open.
            for payload, code in [
                ("{nope", "invalid_json"),
                ('"just a string"', "invalid_command"),
                ('{"type": "pan_left"}', "unknown_command"),
                ('{"type": "set_target_id", "target_id": "17"}', "target_id_must_be_int"),
                ('{"type": "set_target_id", "target_id": 1.5}', "target_id_must_be_int"),
                ('{"type": "set_target_id", "target_id": 987654}', "unknown_target"),
            ]:
                with self.subTest(payload=payload):
                    reply = ws.command(payload)
                    self.assertEqual(reply["type"], "error")
                    self.assertEqual(reply["error"], code)
            reply = ws.command(b"\x00\x01binary", opcode=websocket.ABNF.OPCODE_BINARY)
            self.assertEqual(reply["error"], "invalid_command")

            # 1000 rapid commands: every one is answered, in order, nothing lost.
            for _ in range(1000):
                ws.ws.send('{"type": "clear_target"}')
            replies = 0
            end = time.monotonic() + 60
            while replies < 1000 and time.monotonic() < end:
                m = ws.recv_json()
                if m["type"] in ("ack", "error"):
                    replies += 1
                    if m["type"] == "error":
                        self.assertEqual(m["error"], "too_many_pending_commands")
            self.assertEqual(replies, 1000)
            self.assertGreater(len([m for m in ws.seen["ack"] if m["command"] == "clear_target"]), 100)
        finally:
            ws.close()

    def test_oversized_ws_message_closes_with_1009(self):
        status, info, _ = self.create({"camera_id": "cam_01"})
        ws = websocket.create_connection(self.ws_url(info["ws_path"]), timeout=10)
        ws.send(json.dumps({"type": "clear_target", "pad": "x" * 4000}))
        end = time.monotonic() + 10
        code = None
        while time.monotonic() < end:
            frame = ws.recv_frame()
            if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
                code = int.from_bytes(frame.data[:2], "big")
                break
        self.assertEqual(code, 1009)
        ws.close()
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)

    def test_deleting_a_session_closes_its_websockets_with_a_reason(self):
        status, info, _ = self.create({"camera_id": "cam_02"})
        ws = websocket.create_connection(self.ws_url(info["ws_path"]), timeout=10)
        self.server.request("DELETE", "/sessions/" + info["session_id"])
        end = time.monotonic() + 10
        close = None
        while time.monotonic() < end:
            frame = ws.recv_frame()
            if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
                close = (int.from_bytes(frame.data[:2], "big"), frame.data[2:].decode())
                break
        self.assertEqual(close, (1000, "session deleted"))
        ws.close()

    def test_fixtures_match_the_schemas(self):
        files = sorted(glob.glob(os.path.join(ROOT, "fixtures", "*.example.json")))
        self.assertGreaterEqual(len(files), 10)
        for path in files:
            # "metadata_tick.timing.example.json" -> the timing schema;
            # "metadata_tick.empty.example.json" -> metadata_tick.
            parts = os.path.basename(path).split(".")
            kind = ".".join(parts[:2]) if ".".join(parts[:2]) in SCHEMAS else parts[0]
            with self.subTest(fixture=os.path.basename(path)), open(path) as f:
                validate(kind, json.load(f))
        # And a bad document is rejected (the schemas can fail).
        with self.assertRaises(jsonschema.ValidationError):
            validate("metadata_tick", {"type": "metadata_tick", "tracks": []})

    def test_schemas_are_closed_like_the_seed_projects(self):
        """Strict clients validate with closed schemas: any field the contract
        does not name must fail here too, at every level."""
        def load(name):
            with open(os.path.join(ROOT, "fixtures", name + ".example.json")) as f:
                return json.load(f)

        tick, event = load("metadata_tick"), load("track_event.end")
        cases = [
            ("metadata_tick", tick, lambda d: d.update(published_unix_ms=1.0)),
            ("metadata_tick", tick, lambda d: d.update(extra=1)),
            ("metadata_tick", tick, lambda d: d["frame_size"].update(d=1)),
            ("metadata_tick", tick, lambda d: d["tracks"][0].update(extra=1)),
            ("metadata_tick", tick, lambda d: d["tracks"][0]["bbox"].update(extra=1)),
            ("metadata_tick", tick, lambda d: d["ptz"].update(connected=True)),
            ("metadata_tick", tick, lambda d: d["ptz"]["cmd"].update(extra=1)),
            ("metadata_tick", tick, lambda d: d["ptz"].update(control_mode="none")),
            ("metadata_tick.timing", load("metadata_tick.timing"), lambda d: d.update(extra=1)),
            ("metadata_tick.timing", load("metadata_tick.timing"), lambda d: d.pop("published_unix_ms")),
            ("track_event", event, lambda d: d.update(extra=1)),
            ("track_event", event, lambda d: d["after"].update(extra=1)),
            ("track_event", event, lambda d: d["before"].update(extra=1)),
            ("track_event", event, lambda d: d["after"]["best_bbox"].update(extra=1)),
            ("command", load("command.set_target_id"), lambda d: d.update(extra=1)),
            ("command", load("command.clear_target"), lambda d: d.update(extra=1)),
            ("command_reply", load("command_reply.ack_set"), lambda d: d.update(extra=1)),
            ("command_reply", load("command_reply.ack_clear"), lambda d: d.update(extra=1)),
            ("command_reply", load("command_reply.error"), lambda d: d.update(command="set_target_id")),
        ]
        for kind, doc, mutate in cases:
            bad = json.loads(json.dumps(doc))
            mutate(bad)
            with self.subTest(kind=kind, doc=bad):
                validate(kind, doc)  # the original is fine ...
                with self.assertRaises(jsonschema.ValidationError):
                    validate(kind, bad)  # ... one stray field is not
        # ptz is optional: a camera without PTZ simply has no block.
        no_ptz = json.loads(json.dumps(tick))
        del no_ptz["ptz"]
        validate("metadata_tick", no_ptz)
        # The timing schema is the default one plus published_unix_ms only.
        base, timing = SCHEMAS["metadata_tick"], SCHEMAS["metadata_tick.timing"]
        self.assertEqual(timing["required"], base["required"] + ["published_unix_ms"])
        self.assertEqual({k: v for k, v in timing["properties"].items() if k != "published_unix_ms"},
                         base["properties"])
        self.assertEqual(timing["$defs"], base["$defs"])
        self.assertEqual(timing["additionalProperties"], False)


class Lifecycle(unittest.TestCase):
    def test_config_errors_name_the_key_and_exit_non_zero(self):
        import subprocess
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("cameras:\n  - {id: a, fps: -3}\n")
            f.flush()
            res = subprocess.run([ARGUS, "serve", "--config", f.name], cwd=ROOT,
                                 capture_output=True, text=True, timeout=30)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("cameras[0].fps", res.stderr)

    def test_sigterm_closes_clients_with_a_reason_and_exits_zero(self):
        server = ArgusServer(ARGUS, CONFIG)
        try:
            status, info, _ = server.request("POST", "/sessions", {})
            ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}{info['ws_path']}",
                                             timeout=10)
            ws.recv()  # the stream is live
            rc, took = server.stop(signal.SIGTERM)
            self.assertEqual(rc, 0)
            self.assertLess(took, 10)
            close = None
            end = time.monotonic() + 5
            while time.monotonic() < end:
                try:
                    frame = ws.recv_frame()
                except (websocket.WebSocketConnectionClosedException, ConnectionError, socket.timeout):
                    break
                if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
                    close = int.from_bytes(frame.data[:2], "big")
                    break
            self.assertEqual(close, 1001)
        finally:
            if server.proc.poll() is None:
                server.proc.kill()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args, rest = ap.parse_known_args()
    ARGUS = os.path.abspath(args.argus)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)
