#!/usr/bin/python3
"""Black-box robustness test (issue 13 §2): thousands of mutated HTTP
requests, hand-built WebSocket frames, random JSON commands and corrupt
H.265 clips thrown at a live server over loopback.

Asserts, for every input, a clear answer (HTTP 4xx with a JSON
{error, detail} body where a reply is possible, never 500/504; WebSocket
close codes per RFC 6455: 1002 protocol error, 1007 invalid UTF-8, 1009
too big; an answer to every command), and after the campaign: /healthz
answers, the process is alive, every analytics session still ticks (a
metadata_tick with a newer frame_index), RSS stayed bounded (campaign
growth, and a per-connection leak probe run before it), SIGTERM still exits
0, and the server's stderr has no "terminate called" or sanitizer report.

Inputs come from one seeded RNG (--seed, printed); a case id such as
r2:http.mutated:mut17 names the same bytes on every run (--only replays
one). --gdb runs the server under gdb and keeps every thread's backtrace.
The default mode stops at the first failure and prints its reproducer;
--keep-going restarts the server after a crash and lists every distinct
problem (exploration by hand).
"""
import argparse
import collections
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blackbox_cases as cases  # noqa: E402
import blackbox_wire as wire  # noqa: E402
from argus_server import ArgusServer  # noqa: E402

CONFIG = """
logging: {level: warn}
session: {publish_hz: 10}
server: {max_body_bytes: 65536, max_ws_message_bytes: 4096}
frames: {s3_endpoint: "http://127.0.0.1:9", s3_timeout_ms: 2000, cache_mb: 16}
cameras:
  - {id: cam_01, source: synthetic, width: 320, height: 180, fps: 5, seed: 7, drones: 2, birds: 1}
  - {id: cam_02, source: synthetic, width: 320, height: 180, fps: 5, seed: 8, drones: 1}
  - {id: cam_03, source: synthetic, width: 160, height: 90, fps: 2, seed: 9}
"""
DEFAULT_SEED = 1302
# RSS bounds (MB): total growth over the campaign, and growth over its
# second half, when a server that does not leak has reached steady state
# (same mix of inputs in every round). The JPEG cache is held to 16 MB
# above; each registered clip costs memory by design, and the corrupt clips
# register before the baseline. Measured with argus's malloc arena limit
# (core/malloc_arenas.hpp): 39-56 MB in total over six runs, 1-7 MB over the
# last rounds; with glibc's default arenas 59-102 MB over three runs.
RSS_TOTAL_MB = 100
RSS_SECOND_HALF_MB = 25
# Leak probe before the campaign: connections per endpoint and the bound.
# glibc grows and trims the heap in steps of about 1 MB while the cameras
# run, so a batch must be large enough that one step stays under the bound
# (1 MB / 3000 = 350 B); the first 1000 /ws/sessions connections after
# start-up grow RSS by 5-10 MB once (CAF's and the allocator's caches).
# Measured on a server with one camera: 20,000 /ws/sessions connections
# after the warm-up grew RSS by 0.3 MB (17 B per connection).
LEAK_WARMUP = 1000
LEAK_BATCHES = 3
LEAK_CONNS = 3000
LEAK_BYTES_PER_CONN = 500
STDERR_BAD = ["terminate called", "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
              "runtime error:", "ThreadSanitizer", "stack-buffer", "heap-buffer"]


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


class TickMonitor(threading.Thread):
    """Reads one session's WebSocket the whole campaign long (a reader that
    stops reading would be closed as slow), remembering the newest tick."""

    def __init__(self, port, sid):
        super().__init__(daemon=True)
        self.sid = sid
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws/sessions/{sid}", timeout=1)
        self.lock = threading.Lock()
        self.frame_index = None
        self.ticks = 0
        self.ended = None  # why the stream ended
        self.stop_flag = False
        self.start()

    def run(self):
        while not self.stop_flag:
            try:
                op, data = self.ws.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException:
                continue
            except Exception as err:  # noqa: BLE001 - any end of the stream is recorded
                self.ended = f"{type(err).__name__}: {err}"
                return
            if op == websocket.ABNF.OPCODE_CLOSE:
                code = int.from_bytes(data[:2], "big") if len(data) >= 2 else None
                self.ended = f"close {code} {data[2:]!r}"
                return
            if op != websocket.ABNF.OPCODE_TEXT:
                continue
            msg = json.loads(data)
            if msg.get("type") == "metadata_tick":
                with self.lock:
                    self.frame_index = msg["frame_index"]
                    self.ticks += 1

    def newest(self):
        with self.lock:
            return self.frame_index, self.ticks

    def stop(self):
        self.stop_flag = True
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            pass
        self.join(timeout=5)


class Finding:
    def __init__(self, kind, signature, case_id, case, res, detail):
        self.kind = kind
        self.signature = signature
        self.case_id = case_id
        self.category = case.category if case else ""
        self.label = case.label if case else ""
        self.problems = res.problems if res else []
        self.sent = res.sent if res else b""
        self.detail = detail
        self.count = 1
        self.confirmed = None
        self.repro_path = None


def normalize(text):
    text = re.sub(r"0x[0-9A-Fa-f]+", "0xN", text)
    text = re.sub(r"\d+", "N", text)
    return text[:160]


class Runner:
    def __init__(self, args):
        self.args = args
        self.binary = args.argus
        self.counts = collections.Counter()
        self.http_hist = collections.Counter()
        self.ws_close_hist = collections.Counter()
        self.ws_error_hist = collections.Counter()
        self.outcomes = collections.defaultdict(collections.Counter)
        self.findings = collections.OrderedDict()
        self.history = collections.deque(maxlen=12)
        self.stop = False
        self.srv = None
        self.monitors = []
        self.rss = []  # (label, MB)
        self.clip_counts = []
        self.probe_fails = []
        self.restarts = 0
        self.out = args.out or tempfile.mkdtemp(prefix="argus-blackbox-")
        os.makedirs(self.out, exist_ok=True)
        self.clip_dir = os.path.join(self.out, "clips")
        os.makedirs(self.clip_dir, exist_ok=True)

    # -- server and fixtures ---------------------------------------------------

    def make_clips(self):
        raw = os.path.join(self.clip_dir, "good.hevc")
        mp4 = os.path.join(self.clip_dir, "good.mp4")
        cases.encode_clip(raw, "hevc")
        cases.encode_clip(mp4, "mp4")
        rng = random.Random(f"{self.args.seed}:clips")
        self.variants = []
        raw_b, mp4_b = open(raw, "rb").read(), open(mp4, "rb").read()
        made = cases.corrupt_variants(rng, raw_b, mp4_b)
        made += [(f"mut{k}", d) for k, d in enumerate(cases.round_variants(rng, raw_b, mp4_b, self.args.variants))]
        for name, data in made:
            path = os.path.join(self.clip_dir, f"bad-{name}.bin")
            with open(path, "wb") as f:
                f.write(data)
            self.variants.append((name, path))
        # Special files: empty reads, endless reads, a directory.
        self.special = [("dev_null", "/dev/null"), ("dev_zero", "/dev/zero"), ("dev_urandom", "/dev/urandom"),
                        ("proc_maps", "/proc/self/maps"), ("directory", self.clip_dir)]
        self.good_raw, self.good_mp4 = raw, mp4

    def start_server(self):
        wrapper = None
        if self.args.gdb:
            # Backtraces of every thread when the server faults, into a file
            # next to the reproducers; signals pass straight through.
            self.gdb_log = os.path.join(self.out, f"gdb-{self.restarts}.log")
            wrapper = ["gdb", "-q", "-batch", "-ex", f"set logging file {self.gdb_log}", "-ex",
                       "set logging redirect on", "-ex", "set logging enabled on", "-ex",
                       "handle SIGPIPE SIGTERM SIGINT SIGUSR1 SIGUSR2 nostop noprint pass", "-ex", "run", "-ex",
                       "thread apply all bt 40", "--args"]
        self.srv = ArgusServer(self.binary, CONFIG, start_timeout=60, wrapper=wrapper)
        self.log_pos = 0
        port = self.srv.port
        ready = lambda: (wire.simple_request(port, "GET", "/readyz") or wire.Response(0, "", {}, b"")).status == 200
        self.srv.wait_until("readyz", ready, timeout=60)
        env = {"port": port, "max_ws_message_bytes": 4096, "indexes": {}, "bad_clips": [],
               "good_path": self.good_raw, "good_clip": "good-raw"}
        for cam, key in (("cam_01", "sid1"), ("cam_02", "sid2"), ("cam_03", "sid3")):
            r = wire.simple_request(port, "POST", "/sessions", {"camera_id": cam}, timeout=15)
            if r is None or r.status not in (200, 201):
                raise AssertionError(f"POST /sessions {cam}: {r}")
            env[key] = r.json()["session_id"]
        for cid, path in (("good-raw", self.good_raw), ("good-mp4", self.good_mp4)):
            r = wire.simple_request(port, "POST", "/clips", {"clip_id": cid, "uri": "file://" + path}, timeout=30)
            if r is None or r.status not in (200, 201):
                raise AssertionError(f"POST /clips {cid}: {r}")
            env["indexes"][cid] = wire.simple_request(port, "GET", f"/clips/{cid}/index").json()
        env["good_index"] = env["indexes"]["good-raw"]
        env["bad_uris"] = ["file://" + p for _, p in self.variants[:6]] + ["file://" + p for _, p in self.special[:2]]
        self.env = env
        self.monitors = [TickMonitor(port, env["sid1"]), TickMonitor(port, env["sid2"])]
        # Both sessions tick before anything else happens.
        for m in self.monitors:
            self.srv.wait_until(f"first tick of {m.sid}", lambda m=m: m.newest()[1] > 0, timeout=30)
        return env

    def stop_server(self):
        for m in self.monitors:
            m.stop()
        self.monitors = []
        if self.srv is None:
            return
        if self.srv.proc.poll() is None:
            self.srv.stop(timeout=20)
        else:
            self.srv._cleanup()
        self.srv = None

    def server_pid(self):
        """The argus process (under --gdb, gdb's child)."""
        pid = self.srv.proc.pid
        if self.args.gdb:
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    kids = f.read().split()
                return int(kids[0]) if kids else pid
            except OSError:
                return pid
        return pid

    def stderr_text(self):
        try:
            return self.srv.log_text()
        except (OSError, AttributeError):
            return ""

    def new_stderr(self):
        """What the server wrote to stderr since the last call."""
        try:
            with open(self.srv.log.name, "rb") as f:
                f.seek(self.log_pos)
                data = f.read()
        except (OSError, AttributeError):
            return ""
        self.log_pos += len(data)
        return data.decode("utf-8", "replace")

    def healthy(self, timeout=5.0):
        if self.srv.proc.poll() is not None:
            return False
        r = wire.simple_request(self.srv.port, "GET", "/healthz", timeout=timeout)
        return r is not None and r.status == 200

    # -- cases -----------------------------------------------------------------

    def round_cases(self, rnd):
        """Round `rnd`'s cases, in order. Every round mixes every category
        so the RSS samples compare like with like."""
        a = self.args
        rng = random.Random(f"{a.seed}:{rnd}")
        out = []
        out += cases.specific_http_cases()
        out += cases.mutated_http_cases(rng, a.http)
        out += cases.json_body_cases(rng, a.http // 5)
        out += cases.pipeline_cases(rng, 2)
        if rnd == 1:
            out.append(cases.slowloris_case())
        else:
            out.append(cases.churn_case(rng, a.churn))
        out += cases.abort_cases(rng, a.aborts)
        out += cases.flood_cases()
        out += cases.ws_protocol_cases()
        out += cases.ws_sanity_cases()
        out += cases.ws_json_cases(rng, a.ws_json)
        out += cases.frame_request_cases(rng, a.frames)
        out.append(cases.chunk_ws_case(rng, a.frames // 3))
        if a.categories:
            keep = tuple(a.categories.split(","))
            out = [c for c in out if c.category.startswith(keep) or c.category == "h265.register"]
        # Interleave deterministically so no category runs all at once.
        rng.shuffle(out)
        return self.name_cases(f"r{rnd}", out)

    def setup_cases(self):
        """The corrupt clips, registered before the RSS baseline (each
        registered clip costs memory by design)."""
        out = [cases.register_clip_case(f"bad-{name}", path, set(range(200, 202)) | set(range(400, 500)))
               for name, path in self.variants]
        out += [cases.register_clip_case(f"special-{name}", path, set(range(400, 500)) | {200, 201})
                for name, path in self.special]
        return self.name_cases("setup", out)

    def name_cases(self, prefix, out):
        ids = collections.Counter()
        result = []
        for c in out:
            key = f"{prefix}:{c.category}:{c.label}"
            ids[key] += 1
            result.append((key if ids[key] == 1 else f"{key}#{ids[key]}", c))
        return result

    def execute(self, case_id, case, index):
        t0 = time.monotonic()
        try:
            res = case.run(self.env)
        except Exception as err:  # noqa: BLE001 - a harness error is reported like a finding
            res = cases.Result()
            res.fail(f"harness error {type(err).__name__}: {err}\n{traceback.format_exc()}")
            res.maybe_crash = True
        took = time.monotonic() - t0
        self.counts[case.category] += 1
        for s in res.statuses:
            if isinstance(s, int):
                self.http_hist[s] += 1
            else:
                self.ws_error_hist[s] += 1
        for c in res.close_codes:
            self.ws_close_hist[c] += 1
        self.outcomes[case.category][res.outcome or "-"] += 1
        self.history.append((case_id, case, res))
        if self.args.verbose:
            print(f"  {case_id} {took * 1000:.0f} ms {res.outcome} {res.problems[:1]}")
        alive = self.srv.proc.poll() is None
        if alive and (res.maybe_crash or res.problems or index % 25 == 0):
            alive = self.healthy()
            if not alive and self.srv.proc.poll() is None:
                # Not answering: give a dying process a moment to exit.
                try:
                    self.srv.proc.wait(timeout=5)
                except Exception:  # noqa: BLE001
                    pass
        if not alive:
            self.on_crash(case_id, case, res)
            return
        new = self.new_stderr()
        bad = [w for w in STDERR_BAD if w in new]
        if bad:
            self.record("stderr", "stderr: " + ",".join(bad), case_id, case, res, new[-3000:])
        for p in res.problems:
            # Random cases group by category and problem; hand-written ones
            # are each their own finding.
            random_kind = case.category.startswith(("http.mutated", "http.json_body", "h265.frame.rest"))
            sig = f"{case.category}:{'' if random_kind else case.label}:{normalize(p.split(':')[0])}"
            self.record("problem", sig, case_id, case, res, p)
            break

    def record(self, kind, sig, case_id, case, res, detail):
        if sig in self.findings:
            self.findings[sig].count += 1
            return self.findings[sig]
        f = Finding(kind, sig, case_id, case, res, detail)
        self.findings[sig] = f
        f.repro_path = os.path.join(self.out, re.sub(r"[^A-Za-z0-9_.-]", "_", case_id) + ".bin")
        with open(f.repro_path, "wb") as fh:
            fh.write(res.sent if res else b"")
        print(f"!! {kind}: {case_id}: {detail.splitlines()[0] if detail else ''}", flush=True)
        if not self.args.keep_going:
            self.stop = True
        return f

    def crash_signature(self, log, rc):
        what = [ln for ln in log.splitlines() if "what()" in ln or "terminate called" in ln or "Sanitizer" in ln
                or "runtime error" in ln]
        if what:
            return normalize(" | ".join(what[-2:]))
        return f"exit {rc}" if rc is not None else "unresponsive: alive but /healthz unanswered"

    def on_crash(self, case_id, case, res):
        rc = self.srv.proc.poll()
        log = self.stderr_text()
        sig = "crash: " + self.crash_signature(log, rc)
        if case.category.startswith(("http.mutated", "http.json_body", "h265.frame", "ws.json")):
            key = f"{sig} @ {case.category}"
        else:
            key = f"{sig} @ {case.category}:{case.label}"
        first = key not in self.findings
        history = list(self.history)
        saved = os.path.join(self.out, "server-" + re.sub(r"[^A-Za-z0-9_.-]", "_", case_id) + ".log")
        with open(saved, "w") as fh:
            fh.write(log)
        f = self.record("crash", key, case_id, case, res,
                        f"server died (exit {rc}) after {case_id}; its log: {saved}\n"
                        + "\n".join(log.splitlines()[-8:]))
        self.stop_server()
        self.restarts += 1
        if first and not self.args.no_confirm:
            f.confirmed = self.confirm(history, sig)
        if self.args.keep_going:
            try:
                self.start_server_again()
            except Exception as err:  # noqa: BLE001
                print(f"could not restart the server: {err}")
                self.stop = True
        else:
            self.stop = True

    def start_server_again(self):
        env = self.start_server()
        # Re-register the corrupt clips that registered before (quietly).
        for name, path in self.variants:
            r = wire.simple_request(env["port"], "POST", "/clips", {"clip_id": f"bad-{name}", "uri": "file://" + path},
                                    timeout=30)
            if r is not None and r.status in (200, 201):
                idx = wire.simple_request(env["port"], "GET", f"/clips/bad-{name}/index")
                if idx is not None and idx.status == 200:
                    env["indexes"][f"bad-{name}"] = idx.json()
                    env["bad_clips"].append({"id": f"bad-{name}", "path": path, "index": idx.json()})

    def confirm(self, history, sig):
        """Replays the last case alone on a fresh server, then (if that
        does not crash) the last few in order. @returns a description."""
        attempts = [history[-1:], history[-6:]]
        for seq in attempts:
            try:
                self.start_server_again()
            except Exception as err:  # noqa: BLE001
                return f"could not restart to confirm: {err}"
            crashed = False
            for cid, case, _ in seq:
                try:
                    case.run(self.env)
                except Exception:  # noqa: BLE001
                    pass
                if not self.healthy():
                    crashed = True
                    break
            log = self.stderr_text()
            rc = self.srv.proc.poll()
            self.stop_server()
            if crashed:
                same = ("crash: " + self.crash_signature(log, rc)) == sig
                ids = ", ".join(c for c, _, _ in seq)
                return f"reproduced on a fresh server by [{ids}]" + ("" if same else " (different message)")
        return "did not reproduce on a fresh server (timing or state dependent); last cases: " + \
            ", ".join(c for c, _, _ in history[-6:])

    # -- the campaign ----------------------------------------------------------

    def sample(self, label):
        """RSS, with the number of registered clips (each costs memory by
        design, so it explains growth that is not a leak)."""
        if self.srv is None or self.srv.proc.poll() is not None:
            return
        r = wire.simple_request(self.srv.port, "GET", "/clips", timeout=10)
        clips = len((r.json() or {}).get("clips", [])) if r is not None and r.status == 200 else None
        self.rss.append((label, rss_mb(self.server_pid())))
        self.clip_counts.append(clips)

    def campaign(self):
        a = self.args
        t_start = time.monotonic()
        index = 0
        rounds_run = 0
        for case_id, case in self.setup_cases():
            if a.only and case_id != a.only and not a.only.startswith("r"):
                continue
            index += 1
            self.execute(case_id, case, index)
            if self.stop:
                break
        # The leak probe runs on a heap the campaign has not churned yet:
        # afterwards, memory the bounded caches freed would hide a leak.
        self.probe_fails = self.leak_probe() if not self.stop and not a.only else []
        self.sample("before")
        before = {m.sid: m.newest()[0] for m in self.monitors}
        for rnd in range(a.rounds if not self.stop else 0):
            for case_id, case in self.round_cases(rnd):
                if a.only and case_id != a.only:
                    continue
                index += 1
                self.execute(case_id, case, index)
                if self.stop:
                    break
            rounds_run += 1
            if self.stop:
                break
            self.sample(f"round {rnd}")
            elapsed = time.monotonic() - t_start
            print(f"round {rnd}: {index} cases, {elapsed:.1f} s, RSS {self.rss[-1][1]:.1f} MB", flush=True)
            if elapsed > a.budget_s and rnd + 1 >= a.min_rounds:
                print(f"time budget of {a.budget_s} s reached after {rounds_run} rounds")
                break
        self.elapsed = time.monotonic() - t_start
        self.rounds_run = rounds_run
        return before

    def final_checks(self, before):
        """After the campaign: alive, /healthz, every session ticks, RSS."""
        fails = []
        if self.srv is None or self.srv.proc.poll() is not None:
            return ["server is not running after the campaign"]
        if not self.healthy(timeout=10):
            fails.append("/healthz does not answer 200 after the campaign")
        port = self.srv.port
        for m in self.monitors:
            old = before.get(m.sid)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and m.ended is None:
                idx, _ = m.newest()
                if idx is not None and (old is None or idx > old):
                    break
                m.join(timeout=0.1)  # waits on the reader thread, bounded
            idx, n = m.newest()
            if m.ended is not None:
                fails.append(f"session {m.sid}: its stream ended during the campaign ({m.ended})")
            elif idx is None or (old is not None and idx <= old):
                fails.append(f"session {m.sid}: no newer tick (frame_index {idx}, was {old})")
            else:
                print(f"session {m.sid}: {n} ticks during the campaign, frame_index {old} -> {idx}")
        # Every session that exists now (the campaign may have made more)
        # ticks for a new subscriber, with a growing frame_index.
        r = wire.simple_request(port, "GET", "/cameras", timeout=10)
        sids = [c["session_id"] for c in (r.json() or {}).get("cameras", []) if c.get("session_id")] if r else []
        if not sids:
            fails.append(f"GET /cameras lists no sessions after the campaign: {r}")
        for sid in sids:
            try:
                ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws/sessions/{sid}", timeout=10)
                seen = []
                deadline = time.monotonic() + 15
                while time.monotonic() < deadline and len(set(seen)) < 2:
                    msg = json.loads(ws.recv())
                    if msg.get("type") == "metadata_tick":
                        seen.append(msg["frame_index"])
                ws.close()
                if len(set(seen)) < 2 or seen[-1] <= seen[0]:
                    fails.append(f"session {sid}: ticks did not advance for a new subscriber ({seen})")
            except Exception as err:  # noqa: BLE001
                fails.append(f"session {sid}: new subscriber failed: {type(err).__name__}: {err}")
        fails += self.probe_fails
        # Memory: total growth, and growth over the second half.
        self.sample("after")
        vals = [v for _, v in self.rss if v is not None]
        if self.restarts:
            print("RSS bounds not checked: the server was restarted during the campaign")
        elif len(vals) >= 4:
            total = vals[-1] - vals[0]
            mid = vals[len(vals) // 2]
            second = vals[-1] - mid
            if total > RSS_TOTAL_MB:
                fails.append(f"RSS grew {total:.1f} MB over the campaign (bound {RSS_TOTAL_MB} MB)")
            if second > RSS_SECOND_HALF_MB:
                fails.append(f"RSS grew {second:.1f} MB over the campaign's second half (bound {RSS_SECOND_HALF_MB}"
                             " MB): still growing, not a steady state")
        # An orderly shutdown still works after all that (exit 0, no abort).
        for m in self.monitors:
            m.stop()
        self.monitors = []
        log_name = self.srv.log.name
        os.kill(self.server_pid(), signal.SIGTERM)
        try:
            rc = self.srv.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            rc = "none: still running 20 s after SIGTERM"
        with open(log_name, errors="replace") as f:
            log = f.read()
        self.stop_server()
        if rc != 0:
            saved = os.path.join(self.out, "server-shutdown.log")
            with open(saved, "w") as f:
                f.write(log)
            tail = "\n  ".join(log.splitlines()[-10:])
            fails.append(f"SIGTERM after the campaign: exit {rc} (server log: {saved})\n  {tail}")
        bad = [w for w in STDERR_BAD if w in log]
        if bad:
            fails.append(f"server stderr has {bad}:\n{log[-2000:]}")
        return fails

    def leak_probe(self):
        """Per-connection memory: RSS across batches of connections opened
        and closed one after another, after a warm-up, before the campaign
        (see campaign()). A server that frees what a connection took stays
        flat (measured: 0-130 B/connection for /ws/frames and plain HTTP);
        a leak grows in every batch."""
        fails = []
        port = self.srv.port
        probes = [("/ws/sessions/{id}", f"/ws/sessions/{self.env['sid1']}"), ("/ws/cameras/{id}", "/ws/cameras/cam_03"),
                  ("/ws/frames", "/ws/frames"), ("HTTP /healthz", None)]

        def one(path):
            if path is None:
                return wire.simple_request(port, "GET", "/healthz", timeout=10) is not None
            conn, _ = wire.WsConn.open(port, path)
            if conn is None:
                return False
            conn.send(cases.F(cases.T, cases.CLEAR))
            conn.close()
            return True
        for name, path in probes:
            t0 = time.monotonic()
            for _ in range(LEAK_WARMUP):
                one(path)
            fds = open_fds(self.server_pid())
            ok, per_batch = True, []
            for _ in range(LEAK_BATCHES):
                start = rss_mb(self.server_pid())
                ok = all(one(path) for _ in range(LEAK_CONNS)) and ok
                per_batch.append((rss_mb(self.server_pid()) - start) * 1024 * 1024 / LEAK_CONNS)
            # A leak grows in every batch; background noise is a one-off step.
            per = min(per_batch)
            print(f"leak probe {name}: {LEAK_BATCHES} x {LEAK_CONNS} connections, RSS "
                  + "/".join(f"{b:.0f}" for b in per_batch) + f" B/connection, open fds {fds} -> "
                  f"{open_fds(self.server_pid())} ({time.monotonic() - t0:.1f} s)")
            if not ok:
                fails.append(f"leak probe {name}: a connection failed")
            elif per > LEAK_BYTES_PER_CONN:
                fails.append(f"{name}: RSS grew at least {per:.0f} bytes per connection in each of {LEAK_BATCHES} "
                             f"batches of {LEAK_CONNS} connections opened and closed (bound {LEAK_BYTES_PER_CONN}):"
                             " memory is not given back")
        return fails

    # -- report ----------------------------------------------------------------

    def summary(self, final_fails):
        print("\n==== black-box summary ====")
        print(f"seed {self.args.seed}; {getattr(self, 'rounds_run', 0)} rounds; "
              f"campaign {getattr(self, 'elapsed', 0):.1f} s; server restarts {self.restarts}")
        print("cases per category:")
        for cat, n in sorted(self.counts.items()):
            top = ", ".join(f"{k}×{v}" for k, v in self.outcomes[cat].most_common(6))
            print(f"  {cat:28s} {n:6d}   {top}")
        print(f"total cases: {sum(self.counts.values())}")
        print("HTTP status histogram: " + ", ".join(f"{k}:{v}" for k, v in sorted(self.http_hist.items())))
        print("WebSocket close codes: " + ", ".join(f"{k}:{v}" for k, v in sorted(self.ws_close_hist.items())))
        print("WebSocket error codes: " + ", ".join(f"{k}:{v}" for k, v in sorted(self.ws_error_hist.items())))
        print("RSS (MB): " + ", ".join(f"{k}={v:.1f}" for k, v in self.rss if v is not None))
        print("registered clips at those points: " + ", ".join(str(c) for c in self.clip_counts))
        if self.findings:
            print(f"\n{len(self.findings)} distinct finding(s) (reproducers under {self.out}):")
            for f in self.findings.values():
                print(f"\n[{f.kind}] {f.signature}  (×{f.count})")
                print(f"  first case: {f.case_id}")
                for p in f.problems[:3]:
                    print(f"  problem: {p.splitlines()[0][:300]}")
                if f.kind == "crash":
                    print("  " + f.detail.replace("\n", "\n  "))
                if f.confirmed:
                    print(f"  confirmation: {f.confirmed}")
                sent = f.sent if len(f.sent) <= 600 else f.sent[:600] + b"..."
                print(f"  bytes ({len(f.sent)}): {sent!r}")
                print(f"  file: {f.repro_path}")
        for msg in final_fails:
            print(f"FINAL CHECK FAILED: {msg}")
        ok = not self.findings and not final_fails
        print("\nRESULT: " + ("PASS" if ok else "FAIL"))
        return ok


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--argus", required=True)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--min-rounds", type=int, default=4, help="rounds run even past the time budget (RSS trend)")
    p.add_argument("--budget-s", type=float, default=60.0, help="campaign time after which no new round starts")
    p.add_argument("--http", type=int, default=1200, help="mutated HTTP requests per round")
    p.add_argument("--ws-json", type=int, default=150, help="random commands per WebSocket endpoint per round")
    p.add_argument("--frames", type=int, default=80, help="corrupt-clip frame requests per round")
    p.add_argument("--variants", type=int, default=60, help="randomly mutated clips (besides the crafted ones)")
    p.add_argument("--churn", type=int, default=2, help="session create/subscribe/delete cycles per round")
    p.add_argument("--aborts", type=int, default=40, help="requests reset by the client per round")
    p.add_argument("--keep-going", action="store_true", help="restart after crashes and report every distinct one")
    p.add_argument("--no-confirm", action="store_true", help="do not replay crashes on a fresh server")
    p.add_argument("--categories", help="comma-separated category prefixes to run (exploration)")
    p.add_argument("--only", help="run only this case id (e.g. r0:http.utf8:path.nope_bf)")
    p.add_argument("--out", help="folder for reproducers and clips (default: a new temp folder, kept)")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--gdb", action="store_true", help="run the server under gdb; backtraces land in --out")
    args = p.parse_args()
    print(f"black-box test: seed {args.seed} (rerun with --seed {args.seed}); argus {args.argus}", flush=True)
    t0 = time.monotonic()
    runner = Runner(args)
    ok = False
    try:
        runner.make_clips()
        runner.start_server()
        print(f"server on port {runner.env['port']}, set-up {time.monotonic() - t0:.1f} s", flush=True)
        before = runner.campaign()
        # Also after stopping at a first problem, as long as the server
        # lives: ticks and an orderly shutdown are still worth checking.
        alive = runner.srv is not None and runner.srv.proc.poll() is None
        final = runner.final_checks(before) if alive else []
        ok = runner.summary(final)
    finally:
        runner.stop_server()
        print(f"total {time.monotonic() - t0:.1f} s")
        if ok and not args.out:
            shutil.rmtree(runner.out, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
