"""Starts and stops a real argus server for integration tests.

The server binds 127.0.0.1:0 and prints its port; we read that line instead
of sleeping. Every wait here has a deadline.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ArgusServer:
    def __init__(self, binary, config_text, start_timeout=30, data_dir=None):
        # Each server gets its own track database unless the config names one.
        self.own_data_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="argus-test-")
        self.db_path = os.path.join(self.data_dir, "argus.db")
        if "\nstore:" not in "\n" + config_text:
            config_text += f"\nstore: {{path: {self.db_path}}}\n"
        self.cfg = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        self.cfg.write(config_text)
        self.cfg.close()
        self.proc = subprocess.Popen(
            [binary, "serve", "--config", self.cfg.name, "--listen", "127.0.0.1:0"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
            raise RuntimeError("argus did not start: " + self.proc.stderr.read())
        self.base = f"http://127.0.0.1:{self.port}"

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

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Sends `sig` and returns (exit code, seconds it took)."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        os.unlink(self.cfg.name)
        if self.own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        return rc, time.monotonic() - t0
