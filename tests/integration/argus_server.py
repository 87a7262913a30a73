"""Starts and stops a real argus server for integration tests.

The server binds 127.0.0.1:0 and prints its port; we read that line instead
of sleeping. Every wait here has a deadline. The server's log goes to a file
(a pipe nobody reads would block it once full).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago (for test peers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_schema(name):
    with open(os.path.join(ROOT, "schemas", name)) as f:
        return json.load(f)


def validate(doc, name):
    """Validates `doc` against schemas/`name` with every schema of schemas/
    in the resolver's store, so $ref between them resolves locally."""
    import jsonschema  # only the tests that validate need it
    store = {}
    for fn in os.listdir(os.path.join(ROOT, "schemas")):
        if fn.endswith(".json"):
            s = load_schema(fn)
            store[s["$id"]] = s
    schema = load_schema(name)
    resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
    jsonschema.validate(doc, schema, resolver=resolver)


class ArgusServer:
    def __init__(self, binary, config_text, start_timeout=30, data_dir=None, wrapper=None,
                 cwd=ROOT):
        """`data_dir` keeps the track database across restarts (the caller
        owns it); `wrapper` is a command prefix the binary runs under; `cwd`
        is where relative paths in the config resolve (the checkout)."""
        # Each server gets its own track database unless the config names one.
        self.own_data_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="argus-test-")
        self.db_path = os.path.join(self.data_dir, "argus.db")
        if "\nstore:" not in "\n" + config_text:
            config_text += f"\nstore: {{path: {self.db_path}}}\n"
        # Likewise the relay's latest-frame files.
        if "\nrelay:" not in "\n" + config_text:
            config_text += f"\nrelay: {{persist_dir: {os.path.join(self.data_dir, 'relay')}}}\n"
        self.cfg = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        self.cfg.write(config_text)
        self.cfg.close()
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            (wrapper or []) + [binary, "serve", "--config", self.cfg.name, "--listen", "127.0.0.1:0"],
            cwd=cwd, stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.monotonic() + start_timeout
        self.port = None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("argus listening on http://"):
                self.port = int(line.strip().rsplit(":", 1)[1])
                break
        if self.port is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise RuntimeError("argus did not start: " + self.log_text())
        self.base = f"http://127.0.0.1:{self.port}"

    def log_text(self):
        with open(self.log.name) as f:
            return f.read()

    def request(self, method, path, body=None, raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers or {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, json.loads(res.read() or b"null"), dict(res.headers)
        except urllib.error.HTTPError as err:
            text = err.read()
            return err.code, json.loads(text) if text else None, dict(err.headers)

    def get(self, path):
        """GET that must succeed: returns the JSON body."""
        status, body, _ = self.request("GET", path)
        if status != 200:
            raise AssertionError(f"GET {path}: {status} {body}")
        return body

    def wait_until(self, what, probe, timeout=30, interval=0.1):
        """Polls `probe()` until it returns a truthy value (returned) or fails
        with `what` after `timeout` seconds. A poll with a deadline is a
        wait for a condition, not a sleep standing in for synchronization."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = probe()
            if last:
                return last
            if self.proc.poll() is not None:
                raise AssertionError(f"argus exited ({self.proc.returncode}) waiting for {what}:\n"
                                     + self.log_text()[-3000:])
            time.sleep(interval)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}; last: {last}")

    def _cleanup(self):
        for path in (self.cfg.name, self.log.name):
            if os.path.exists(path):
                os.unlink(path)
        if self.own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def kill(self):
        """SIGKILL: no shutdown code runs (crash tests)."""
        self.proc.kill()
        self.proc.wait(timeout=15)
        self._cleanup()

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Sends `sig` and returns (exit code, seconds it took)."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        took = time.monotonic() - t0
        self._cleanup()
        return rc, took
