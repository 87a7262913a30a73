#!/usr/bin/python3
"""Track history end to end on real SQLite files and a real argus server.

The /tracks API (filters, cursor pagination, details with samples, retain,
delete, hostile parameters), crash safety under SIGKILL at random moments,
and a store that loses its disk (full, read-only, corrupt) while the live
pipeline keeps running. Disk faults use a private tmpfs in a user+mount
namespace (util-linux unshare/nsenter): a real ENOSPC and a real EROFS.
"""
import argparse
import glob
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from argus_server import ROOT, ArgusServer  # noqa: E402

ARGUS = None
CONFIG = """
logging: {level: info}
detector: {model: models/argus-sky.onnx}
session: {publish_hz: 10, confirm_hits: 3, end_after_ms: 800}
cameras:
  - {id: cam_01, source: synthetic, width: 640, height: 360, fps: 15, seed: 7, drones: 3, birds: 1}
"""
STORE = "store: {path: %s, flush_interval_ms: 100, retry_ms: 200, sample_interval_ms: 250}\n"


NAME_RULES = {"camera_id": r"[A-Za-z0-9_-]{1,64}", "label": r"[A-Za-z0-9_. -]{1,64}"}


def schema_validator(name):
    store = {}
    for path in glob.glob(os.path.join(ROOT, "schemas", "*.schema.json")):
        with open(path) as f:
            doc = json.load(f)
        store[doc["$id"]] = doc
    schema = store[f"https://argus.invalid/schemas/{name}.schema.json"]
    resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
    return lambda doc: jsonschema.validate(doc, schema, resolver=resolver)


VALIDATE = {n: schema_validator(n) for n in ("track_list", "stored_track", "store_status", "rest_error",
                                            "ptz_command_page")}


def start(data_dir, wrapper=None, extra=""):
    return ArgusServer(ARGUS, CONFIG + STORE % os.path.join(data_dir, "argus.db") + extra,
                       data_dir=data_dir, wrapper=wrapper)


def all_tracks(server, query=""):
    """Every page of GET /tracks (validated), following next_cursor."""
    tracks, cursor = [], None
    for _ in range(1000):
        q = query + ("&" if query else "") + (f"cursor={cursor}" if cursor else "")
        page = server.get("/tracks?" + q if q else "/tracks")
        VALIDATE["track_list"](page)
        tracks += page["tracks"]
        cursor = page["next_cursor"]
        if not cursor:
            return tracks
    raise AssertionError("pagination did not end")


def store_status(server):
    st = server.get("/store")
    VALIDATE["store_status"](st)
    return st


def run_session(server, min_tracks, min_samples=1):
    """Creates a session, waits for `min_tracks` confirmed tracks with samples,
    deletes the session (ending them) and waits until they are committed."""
    status, info, _ = server.request("POST", "/sessions", {"camera_id": "cam_01"})
    assert status == 201, (status, info)
    sid = info["session_id"]
    server.wait_until(f"{min_tracks} sampled tracks",
                      lambda: len([t for t in server.get(f"/sessions/{sid}/tracks")["tracks"]
                                   if t["sample_count"] >= min_samples]) >= min_tracks, timeout=60)
    status, _, _ = server.request("DELETE", f"/sessions/{sid}")
    assert status == 200
    server.wait_until("every track of the session ended and committed",
                      lambda: not server.get(f"/sessions/{sid}/tracks?in_progress=true")["tracks"]
                      and store_status(server)["pending_events"] == 0)
    return sid


class TrackHistoryApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data_dir = tempfile.mkdtemp(prefix="argus-store-")
        cls.server = start(cls.data_dir)
        cls.session_id = run_session(cls.server, min_tracks=3, min_samples=3)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.data_dir, ignore_errors=True)

    def test_tracks_have_sensible_times_and_samples(self):
        tracks = all_tracks(self.server, f"camera_id=cam_01")
        self.assertGreaterEqual(len([t for t in tracks if t["label"] == "drone"]), 2)
        session = self.server.get(f"/sessions/{self.session_id}/tracks?limit=1000")["tracks"]
        self.assertEqual({t["track_id"] for t in session}, {t["track_id"] for t in tracks})
        for t in tracks:
            self.assertFalse(t["in_progress"])
            self.assertGreaterEqual(t["end_ts_unix_ms"], t["start_ts_unix_ms"])
            self.assertFalse(t["interrupted"])
            detail = self.server.get("/tracks/" + t["track_id"])
            VALIDATE["stored_track"](detail)
            self.assertEqual(len(detail["samples"]), detail["sample_count"])
            times = [s["ts_unix_ms"] for s in detail["samples"]]
            self.assertEqual(times, sorted(times))
            for ts in times:
                self.assertGreaterEqual(ts, t["start_ts_unix_ms"])
                self.assertLessEqual(ts, t["end_ts_unix_ms"])
        sampled = max(tracks, key=lambda t: t["sample_count"])
        self.assertGreater(sampled["sample_count"], 1)
        # The escaped form of the id names the same track; samples=false drops them.
        escaped = urllib.parse.quote(sampled["track_id"], safe="")
        brief = self.server.get(f"/tracks/{escaped}?samples=false")
        self.assertNotIn("samples", brief)
        self.assertEqual(brief["track_id"], sampled["track_id"])

    def test_filters_and_pagination(self):
        everything = all_tracks(self.server)
        self.assertGreater(len(everything), 1)
        starts = [(t["start_ts_unix_ms"]) for t in everything]
        self.assertEqual(starts, sorted(starts, reverse=True))
        paged = all_tracks(self.server, "limit=1")
        self.assertEqual([t["track_id"] for t in paged], [t["track_id"] for t in everything])
        self.assertEqual(all_tracks(self.server, "camera_id=nope"), [])
        drones = all_tracks(self.server, "label=drone")
        self.assertTrue(drones and all(t["label"] == "drone" for t in drones))
        self.assertEqual(all_tracks(self.server, "in_progress=true"), [])
        top = max(t["top_score"] for t in everything)
        best = all_tracks(self.server, f"min_score={top}")
        self.assertTrue(best and all(t["top_score"] >= top for t in best))
        middle = sorted(starts)[len(starts) // 2]
        after = all_tracks(self.server, f"after={middle}")
        self.assertEqual({t["track_id"] for t in after},
                         {t["track_id"] for t in everything if t["start_ts_unix_ms"] >= middle})
        before = all_tracks(self.server, f"before={middle}&confirmed=true")
        self.assertEqual({t["track_id"] for t in before},
                         {t["track_id"] for t in everything if t["start_ts_unix_ms"] < middle})

    def test_hostile_parameters_get_400_naming_the_parameter(self):
        nasty = ["'", "1 OR 1=1", "1; DROP TABLE tracks", "%27%20OR%201=1--", "-1", "1e309",
                 "NaN", "\u00e9\u00e8", "9" * 40, "", "true; --", "0x10", " 1"]
        for param in ("camera_id", "label", "after", "before", "min_score", "in_progress",
                      "confirmed", "limit", "cursor"):
            for value in nasty:
                if param in NAME_RULES and re.fullmatch(NAME_RULES[param], value):
                    continue  # a well-formed name: simply matches nothing
                path = "/tracks?" + urllib.parse.urlencode({param: value})
                status, body, _ = self.server.request("GET", path)
                self.assertEqual(status, 400, (path, body))
                VALIDATE["rest_error"](body)
                self.assertEqual(body["error"], "invalid_argument")
                self.assertTrue(body["detail"].startswith(param + ":"), (path, body))
        for path, code in [("/tracks?limit=5&limit=6", 400), ("/tracks?bogus=1", 400),
                           ("/tracks?label=%ZZ", 400), ("/tracks?after=5&before=4", 400),
                           ("/tracks/cam_01/999999", 404), ("/tracks/not-a-track", 404),
                           ("/tracks/cam_01/1/2", 404), (f"/tracks/{'x' * 5000}/1", 404),
                           ("/tracks/cam_01/1?max_samples=0", 400)]:
            status, body, _ = self.server.request("GET", path)
            self.assertEqual(status, code, (path, body))
            VALIDATE["rest_error"](body)
        status, body, _ = self.server.request("PUT", "/tracks")
        self.assertEqual(status, 405)

    def test_retain_and_delete(self):
        track = all_tracks(self.server)[-1]["track_id"]
        status, body, _ = self.server.request("POST", f"/tracks/{track}/retain")
        self.assertEqual((status, body), (200, {"track_id": track, "retain_indefinitely": True}))
        self.assertTrue(self.server.get(f"/tracks/{track}?samples=false")["retain_indefinitely"])
        status, body, _ = self.server.request("POST", f"/tracks/{track}/retain", {"retain": "yes"})
        self.assertEqual(status, 400)
        status, _, _ = self.server.request("POST", f"/tracks/{track}/retain", {"retain": False})
        self.assertEqual(status, 200)
        self.assertFalse(self.server.get(f"/tracks/{track}?samples=false")["retain_indefinitely"])
        victim = all_tracks(self.server)[0]["track_id"]
        status, body, _ = self.server.request("DELETE", f"/tracks/{victim}")
        self.assertEqual((status, body), (200, {"deleted": True, "track_id": victim}))
        self.assertEqual(self.server.request("GET", f"/tracks/{victim}")[0], 404)
        status, body, _ = self.server.request("DELETE", f"/tracks/{victim}")
        self.assertEqual((status, body["error"]), (404, "unknown_track"))
        self.assertEqual(self.server.request("POST", "/tracks/cam_01/999999/retain")[0], 404)

    def test_readiness_reports_the_store(self):
        status, body, _ = self.server.request("GET", "/readyz")
        self.assertEqual((status, body["store"]["state"]), (200, "ok"))


def integrity(db_path):
    con = sqlite3.connect(db_path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


class CrashSafety(unittest.TestCase):
    def test_sigkill_at_random_moments_loses_no_committed_track(self):
        rng = random.Random(20261122)
        data_dir = tempfile.mkdtemp(prefix="argus-crash-")
        db_path = os.path.join(data_dir, "argus.db")
        ended = {}
        max_id = 0
        try:
            for round_no in range(4):
                server = start(data_dir)
                try:
                    st = store_status(server)
                    # Tracks open at the previous kill were closed as interrupted.
                    open_now = all_tracks(server, "in_progress=true")
                    self.assertEqual(open_now, [], f"round {round_no}")
                    present = {t["track_id"]: t for t in all_tracks(server)}
                    for tid, t in ended.items():
                        self.assertIn(tid, present, f"round {round_no}: committed track lost")
                        self.assertEqual(present[tid]["end_ts_unix_ms"], t["end_ts_unix_ms"])
                    if round_no:
                        self.assertGreaterEqual(st["interrupted_at_start"], 1)
                        self.assertTrue(any(t["interrupted"] for t in present.values()))
                    run_session(server, min_tracks=1)
                    for t in all_tracks(server, "in_progress=false"):
                        ended[t["track_id"]] = t
                    new_ids = [int(t.split("/")[1]) for t in ended]
                    self.assertGreater(max(new_ids), max_id, "track ids continue across restarts")
                    max_id = max(new_ids)
                    # Keep writing, then die at a random point of it.
                    server.request("POST", "/sessions", {"camera_id": "cam_01"})
                    target = store_status(server)["samples_written"] + rng.randint(1, 40)
                    server.wait_until("more samples written",
                                      lambda: store_status(server)["samples_written"] >= target
                                      and all_tracks(server, "in_progress=true"), timeout=60,
                                      interval=rng.uniform(0.005, 0.05))
                finally:
                    server.kill()
                self.assertEqual(integrity(db_path), "ok")
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


def namespaces_work():
    try:
        return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                              capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@unittest.skipUnless(namespaces_work(), "needs unprivileged user+mount namespaces (unshare)")
class DiskFaults(unittest.TestCase):
    """argus runs in its own mount namespace with the database on a 16 MiB
    tmpfs; the test fills it, or mounts it read-only, from inside."""

    def start(self, read_only=False):
        self.data_dir = tempfile.mkdtemp(prefix="argus-disk-")
        setup = 'mount -t tmpfs -o size=16m tmpfs "$0"'
        if read_only:
            # An existing database on a file system mounted read-only.
            seed = os.path.join(tempfile.mkdtemp(prefix="argus-seed-"), "argus.db")
            sqlite3.connect(seed).execute("CREATE TABLE t (x)").connection.close()
            setup += f' && cp {seed} "$0"/argus.db && mount -o remount,ro "$0"'
        wrapper = ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private",
                   "sh", "-c", setup + ' && exec "$@"', self.data_dir]
        self.server = start(self.data_dir, wrapper=wrapper)
        status, info, _ = self.server.request("POST", "/sessions", {"camera_id": "cam_01"})
        self.assertEqual(status, 201)
        self.session_id = info["session_id"]

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def inside(self, script):
        return subprocess.run(["nsenter", "-t", str(self.server.proc.pid), "-U", "-m",
                               "--preserve-credentials", "sh", "-c", script],
                              capture_output=True, text=True, timeout=30)

    def frames(self):
        return self.server.get(f"/sessions/{self.session_id}")["frames_processed"]

    def store_errors(self):
        return [l for l in self.server.log_text().splitlines() if " error " in l and "store:" in l]

    def assert_degraded_but_live(self, words):
        st = self.server.wait_until("store degraded",
                                    lambda: (lambda s: s if s["state"] == "degraded" else None)(
                                        store_status(self.server)))
        self.assertTrue(any(w in st["detail"].lower() for w in words), st)
        status, ready, _ = self.server.request("GET", "/readyz")
        self.assertEqual(status, 200)
        self.assertEqual(ready["store"]["state"], "degraded")
        before = self.frames()
        self.server.wait_until("the live pipeline still processing", lambda: self.frames() > before + 5)
        return st

    def assert_recovers(self):
        self.server.wait_until("store ok again", lambda: (lambda s: s["state"] == "ok" and s["pending_events"] == 0)(
            store_status(self.server)))
        self.assertIn("writable again", self.server.log_text())

    def test_full_disk_degrades_keeps_events_and_recovers(self):
        self.start()
        self.server.wait_until("open tracks stored", lambda: all_tracks(self.server, "in_progress=true"))
        # Queries may fail (503) while the disk is full: note the open tracks first.
        ending = [t["track_id"] for t in all_tracks(self.server, "in_progress=true")]
        # Another process fills the disk and keeps taking any space freed.
        filler = subprocess.Popen(["nsenter", "-t", str(self.server.proc.pid), "-U", "-m",
                                   "--preserve-credentials", "sh", "-c",
                                   f"while :; do cat /dev/zero >> {self.data_dir}/filler 2>/dev/null;"
                                   " sleep 0.02; done"])
        try:
            self.assert_degraded_but_live(["full"])
            # Ending the session now: its end events must survive the outage.
            self.assertEqual(self.server.request("DELETE", f"/sessions/{self.session_id}")[0], 200)
            self.server.wait_until("end events pending", lambda: store_status(self.server)["pending_events"] > 0)
            self.assertEqual(len(self.store_errors()), 1, self.store_errors())  # one per outage, not per retry
        finally:
            filler.kill()
            filler.wait(timeout=10)
        rm = self.inside(f"rm {self.data_dir}/filler")
        self.assertEqual(rm.returncode, 0, rm.stderr)
        self.assert_recovers()
        closed = {t["track_id"]: t for t in all_tracks(self.server)}
        for tid in ending:
            self.assertFalse(closed[tid]["in_progress"], tid)

    def test_read_only_database_degrades_and_recovers(self):
        self.start(read_only=True)
        self.assert_degraded_but_live(["readonly", "read-only"])
        status, body, _ = self.server.request("GET", "/tracks")
        self.assertIn(status, (200, 503), body)  # readable or not: never a 500
        self.assertEqual(len(self.store_errors()), 1, self.store_errors())
        rw = self.inside(f"mount -o remount,rw {self.data_dir}")
        self.assertEqual(rw.returncode, 0, rw.stderr)
        self.assert_recovers()
        self.server.wait_until("tracks stored", lambda: all_tracks(self.server))


class Contracts(unittest.TestCase):
    def test_fixtures_match_and_bad_documents_fail(self):
        for name in ("stored_track", "track_list", "store_status", "ptz_command_page"):
            with open(os.path.join(ROOT, "fixtures", "store", name + ".example.json")) as f:
                VALIDATE[name](json.load(f))
        with self.assertRaises(jsonschema.ValidationError):
            VALIDATE["track_list"]({"tracks": [{"track_id": "x"}], "next_cursor": None})
        with self.assertRaises(jsonschema.ValidationError):
            VALIDATE["ptz_command_page"]({"commands": [], "next_cursor": None, "extra": 1})

    def test_openapi_lists_every_track_route(self):
        import yaml  # python3-yaml
        with open(os.path.join(ROOT, "schemas", "openapi.yaml")) as f:
            paths = yaml.safe_load(f)["paths"]
        for route in ("/tracks", "/tracks/{track_id}", "/tracks/{track_id}/retain",
                      "/sessions/{session_id}/tracks", "/store", "/ptz/commands"):
            self.assertIn(route, paths)


class CorruptDatabase(unittest.TestCase):
    def test_garbage_file_degrades_the_store_not_the_pipeline(self):
        data_dir = tempfile.mkdtemp(prefix="argus-corrupt-")
        db_path = os.path.join(data_dir, "argus.db")
        with open(db_path, "wb") as f:
            f.write(random.Random(5).randbytes(64 * 1024))
        server = start(data_dir)
        try:
            status, info, _ = server.request("POST", "/sessions", {"camera_id": "cam_01"})
            self.assertEqual(status, 201)
            sid = info["session_id"]
            st = store_status(server)
            self.assertEqual(st["state"], "degraded")
            self.assertIn("not a database", st["detail"])
            status, body, _ = server.request("GET", "/tracks")
            self.assertEqual((status, body["error"]), (503, "store_unavailable"))
            status, body, _ = server.request("GET", "/ptz/commands")
            self.assertEqual((status, body["error"]), (503, "store_unavailable"))
            server.wait_until("frames processed", lambda: server.get(f"/sessions/{sid}")["frames_processed"] > 10)
            # The operator moves the broken file away: a fresh database appears.
            os.rename(db_path, db_path + ".broken")
            server.wait_until("store ok", lambda: store_status(server)["state"] == "ok")
            server.wait_until("tracks stored", lambda: all_tracks(server))
        finally:
            server.stop()
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args, rest = ap.parse_known_args()
    ARGUS = os.path.abspath(args.argus)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)
