#!/usr/bin/env python3
"""The MQTT bridge against a real broker: Debian's mosquitto on 127.0.0.1
(a free port, no persistence) and its mosquitto_sub / mosquitto_pub
clients. Checks availability (online, and offline at shutdown), retained
tracks, events, stats and PTZ state (each validated against schemas/), the
commands target/set, target/clear and autotrack/set and their effect
(the next tick's selected_target_id, GET /cameras/{id} ptz autotrack),
malformed commands answered with an error and the server alive, and a
broker restart that argus rides out (online again, undelivered counted).
No sleeps as synchronization: every wait has a deadline and a condition."""
import argparse
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from argus_server import ArgusServer, free_port, validate  # noqa: E402

ARGUS = None
SKIP = 77  # ctest SKIP_RETURN_CODE: no mosquitto on this machine
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"  # sbin: not on every PATH


class Broker:
    """A mosquitto broker on 127.0.0.1:port; start() waits for its port."""

    def __init__(self, port):
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="argus-mqtt-")
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        self.proc = None

    def start(self, timeout=15):
        self.log = open(os.path.join(self.dir, "broker.log"), "a")
        self.proc = subprocess.Popen([MOSQUITTO, "-c", self.conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mosquitto exited: " + open(self.log.name).read())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)  # polling the port with a deadline
        raise RuntimeError("mosquitto did not open its port")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc:
            self.log.close()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Sub:
    """mosquitto_sub on `topics`, each message (retained flag, topic,
    payload) read by a thread into a queue; -W bounds its life."""

    def __init__(self, port, *topics, life_s=120):
        args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-W", str(life_s),
                "-F", "%r %t %p"]
        for t in topics:
            args += ["-t", t]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            retained, topic, payload = line.rstrip("\n").split(" ", 2)
            self.q.put((retained == "1", topic, payload))

    def wait(self, what, pred, timeout=20):
        """The first message for which pred(retained, topic, payload) holds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no MQTT message: {what}")
            try:
                msg = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if pred(*msg):
                return msg

    def close(self):
        self.proc.kill()
        self.proc.wait(timeout=10)


def pub(port, topic, payload):
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", topic,
                    "-m", payload], check=True, timeout=10)


def one(port, topic, timeout=10):
    """The retained message of `topic` (mosquitto_sub -C 1 -W)."""
    out = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", topic,
                          "-C", "1", "-W", str(timeout), "-F", "%r %p"],
                         capture_output=True, text=True, timeout=timeout + 5)
    if out.returncode != 0 or not out.stdout:
        raise AssertionError(f"no retained message on {topic}")
    retained, payload = out.stdout.rstrip("\n").split(" ", 1)
    return retained == "1", payload


def config(port):
    return f"""
logging: {{level: info}}
detector: {{model: models/argus-sky.onnx}}
session: {{publish_hz: 10, confirm_hits: 3, end_after_ms: 1500}}
mqtt:
  host: 127.0.0.1
  port: {port}
  client_id: argus-test
  stats_interval_s: 0.5
  tracks_interval_s: 0.5
  retry_min_ms: 300
  retry_max_ms: 600
cameras:
  - id: ptz_cam
    source: synthetic
    width: 640
    height: 360
    fps: 15
    seed: 11
    drones: 2
    birds: 0
    occluders: 0
    ptz: {{backend: sim}}
  - {{id: fixed, source: synthetic, width: 320, height: 180, fps: 10, seed: 8}}
"""


class WithBroker(unittest.TestCase):
    """A broker, a subscriber of argus/# and an argus bridged to them,
    shared by a class's tests; `make_config(port)` is argus's config."""
    SUB_LIFE_S = 280

    @staticmethod
    def make_config(port):
        return config(port)

    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.broker = Broker(cls.port)
        cls.broker.start()
        cls.sub = Sub(cls.port, "argus/#", life_s=cls.SUB_LIFE_S)
        cls.server = ArgusServer(ARGUS, cls.make_config(cls.port))

    @classmethod
    def tearDownClass(cls):
        if cls.server.proc.poll() is None:
            cls.server.stop()
        cls.sub.close()
        cls.broker.cleanup()


class MqttBridge(WithBroker):

    def reply(self, camera="ptz_cam"):
        _, _, payload = self.sub.wait(f"a reply on argus/{camera}/command/reply",
                                      lambda r, t, p: t == f"argus/{camera}/command/reply")
        return json.loads(payload)

    def test_1_publishes_availability_tracks_events_stats_ptz_state(self):
        self.sub.wait("online", lambda r, t, p: t == "argus/available" and p == "online")
        status, info, _ = self.server.request("POST", "/sessions", {"camera_id": "ptz_cam"})
        self.assertIn(status, (200, 201), info)
        _, _, tick = self.sub.wait("a tick with tracks", lambda r, t, p: t == "argus/ptz_cam/tracks"
                                   and json.loads(p)["tracks"], timeout=40)
        validate(json.loads(tick), "metadata_tick.schema.json")
        retained, payload = one(self.port, "argus/ptz_cam/tracks")
        self.assertTrue(retained)
        validate(json.loads(payload), "metadata_tick.schema.json")
        _, _, event = self.sub.wait("an event", lambda r, t, p: t == "argus/events", timeout=40)
        validate(json.loads(event), "track_event.schema.json")
        self.assertEqual(json.loads(event)["camera_id"], "ptz_cam")
        _, _, stats = self.sub.wait("stats with the session", lambda r, t, p: t == "argus/stats"
                                    and json.loads(p)["sessions"])
        validate(json.loads(stats), "mqtt_stats.schema.json")
        retained, state = one(self.port, "argus/ptz_cam/ptz/state")
        self.assertTrue(retained)
        validate(json.loads(state), "ptz_status.schema.json")

    def test_2_commands_take_effect(self):
        _, _, tick = self.sub.wait("a tick with tracks", lambda r, t, p: t == "argus/ptz_cam/tracks"
                                   and json.loads(p)["tracks"], timeout=40)
        target = json.loads(tick)["tracks"][0]["id"]
        pub(self.port, "argus/ptz_cam/target/set", str(target))
        ack = self.reply()
        validate(ack, "mqtt_command_reply.schema.json")
        self.assertEqual(ack, {"type": "ack", "command": "set_target_id", "target_id": target})
        self.sub.wait("the target in a tick", lambda r, t, p: t == "argus/ptz_cam/tracks"
                      and json.loads(p)["selected_target_id"] == target)
        pub(self.port, "argus/ptz_cam/autotrack/set", "OFF")
        self.assertEqual(self.reply(), {"type": "ack", "command": "autotrack", "enabled": False})
        cam = self.server.get("/cameras/ptz_cam")
        self.assertFalse(cam["ptz"]["autotrack"]["enabled"])
        _, _, state = self.sub.wait("ptz state off", lambda r, t, p: t == "argus/ptz_cam/ptz/state"
                                    and not json.loads(p)["autotrack"]["enabled"])
        pub(self.port, "argus/ptz_cam/autotrack/set", "ON")
        self.assertEqual(self.reply()["enabled"], True)
        self.assertTrue(self.server.get("/cameras/ptz_cam")["ptz"]["autotrack"]["enabled"])
        pub(self.port, "argus/ptz_cam/target/clear", "")
        self.assertEqual(self.reply(), {"type": "ack", "command": "clear_target"})
        self.sub.wait("no target in a tick", lambda r, t, p: t == "argus/ptz_cam/tracks"
                      and json.loads(p)["selected_target_id"] is None)

    def test_3_malformed_commands_get_errors_and_argus_lives(self):
        cases = [
            ("argus/ptz_cam/target/set", "abc", "ptz_cam", "target_id_must_be_int"),
            ("argus/ptz_cam/target/set", "987654321", "ptz_cam", "unknown_target"),
            ("argus/ptz_cam/autotrack/set", "maybe", "ptz_cam", "invalid_argument"),
            ("argus/ptz_cam/target/set", "1" * 300, "ptz_cam", "payload_too_large"),
            ("argus/fixed/autotrack/set", "ON", "fixed", "no_ptz"),
            ("argus/fixed/target/set", "1", "fixed", "no_session"),
        ]
        for topic, payload, camera, code in cases:
            pub(self.port, topic, payload)
            err = self.reply(camera)
            validate(err, "mqtt_command_reply.schema.json")
            self.assertEqual((err["type"], err["error"]), ("error", code), (topic, payload, err))
        pub(self.port, "argus/nocam/target/set", "1")
        _, _, text = self.sub.wait("an error on argus/errors", lambda r, t, p: t == "argus/errors")
        self.assertEqual(json.loads(text)["error"], "unknown_camera")
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)
        self.assertIn("refused a command", self.server.log_text())

    def test_4_broker_restart(self):
        self.sub.close()
        self.broker.stop()
        # While the broker is down argus keeps running and counts what it
        # could not deliver: three failed attempts (backoff from 300 ms)
        # outlast a stats interval (0.5 s), so something was undelivered.
        self.server.wait_until("the outage logged",
                               lambda: "mqtt: broker 127.0.0.1" in self.server.log_text(), timeout=15)
        self.server.wait_until("three failed reconnects",
                               lambda: "reconnect attempt 3 failed" in self.server.log_text(), timeout=15)
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)
        self.broker.start()
        type(self).sub = Sub(self.port, "argus/#", life_s=200)
        self.sub.wait("online again", lambda r, t, p: t == "argus/available" and p == "online", timeout=20)
        _, _, stats = self.sub.wait("stats after the restart", lambda r, t, p: t == "argus/stats"
                                    and json.loads(p)["mqtt"]["connects"] >= 2)
        counters = json.loads(stats)["mqtt"]
        self.assertGreater(counters["undelivered"], 0, counters)
        self.assertGreater(counters["connect_failures"], 0, counters)
        # The new broker holds no retained messages: argus sends them again.
        retained, _ = one(self.port, "argus/ptz_cam/tracks")
        self.assertTrue(retained)

    def test_5_offline_at_shutdown(self):
        watch = Sub(self.port, "argus/available", life_s=60)
        try:
            watch.wait("online (retained)", lambda r, t, p: p == "online")
            rc, _ = self.server.stop()
            self.assertEqual(rc, 0)
            watch.wait("offline at shutdown", lambda r, t, p: p == "offline", timeout=10)
        finally:
            watch.close()
        retained, payload = one(self.port, "argus/available")
        self.assertEqual((retained, payload), (True, "offline"))


class SessionsPublishedFromTheStart(WithBroker):
    """A session's ticks reach MQTT from its start: the registry tells the
    bridge, it does not wait for its next poll (here a minute away)."""
    SUB_LIFE_S = 120

    @staticmethod
    def make_config(port):
        slow_poll = config(port).replace("stats_interval_s: 0.5", "stats_interval_s: 60")
        assert "stats_interval_s: 60" in slow_poll
        return slow_poll

    def test_a_new_session_is_published_without_a_poll(self):
        # The bridge asks for the session list (its first poll) before it
        # connects, so before "online" goes out: that poll found no
        # session, and the next one is a minute away.
        self.sub.wait("online", lambda r, t, p: t == "argus/available" and p == "online")
        status, info, _ = self.server.request("POST", "/sessions", {"camera_id": "fixed"})
        self.assertEqual(status, 201, info)
        _, _, tick = self.sub.wait(
            "a tick of the new session",
            lambda r, t, p: t == "argus/fixed/tracks"
            and json.loads(p)["session_id"] == info["session_id"], timeout=15)
        validate(json.loads(tick), "metadata_tick.schema.json")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args, rest = ap.parse_known_args()
    ARGUS = os.path.abspath(args.argus)
    if not os.path.exists(MOSQUITTO) or not shutil.which("mosquitto_sub"):
        print("mosquitto or mosquitto-clients missing (make deps)", file=sys.stderr)
        sys.exit(SKIP)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)
