"""Raw HTTP/1.1 and WebSocket (RFC 6455) on plain sockets, for the black-box
test: it must send bytes no well-behaved client library would (bad opcodes,
unmasked frames, broken UTF-8, lying lengths) and read whatever comes back.

Every read here has a deadline; nothing sleeps.
"""
import base64
import errno
import json
import os
import select
import socket
import struct
import time

HOST = "127.0.0.1"


class Exchange:
    """What one connection saw: the HTTP responses parsed from the bytes the
    server sent, whether it closed (EOF or reset), whether we gave up
    waiting (`hung`), and any bytes that were not a valid response."""

    def __init__(self):
        self.responses = []  # [Response]
        self.closed = False
        self.reset = False
        self.hung = False
        self.garbage = b""
        self.refused = False

    @property
    def statuses(self):
        return [r.status for r in self.responses]


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-case name -> value (last wins)
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def __repr__(self):
        return f"<{self.status} {self.headers.get('content-type', '')} {self.body[:120]!r}>"


class Incomplete(Exception):
    pass


def parse_responses(buf, head_flags, eof):
    """Splits `buf` into responses. `head_flags[i]` is True when the i-th
    request was HEAD (no body follows its headers). @returns (responses,
    rest) where rest is what could not be parsed (yet)."""
    out = []
    pos = 0
    while pos < len(buf):
        end = buf.find(b"\r\n\r\n", pos)
        if end < 0:
            break
        head = buf[pos:end].decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            break
        status = int(parts[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        body_at = end + 4
        is_head = head_flags[len(out)] if len(out) < len(head_flags) else False
        if is_head and headers.get("content-length", "0") != "0" and buf[body_at:body_at + 1] \
                and not buf.startswith(b"HTTP/1.", body_at):
            is_head = False  # a body follows: this answers a later, non-HEAD request
        if status == 101 or status == 204 or status == 304 or 100 <= status < 200 or is_head:
            out.append(Response(status, parts[2] if len(parts) > 2 else "", headers, b""))
            pos = body_at
            if status == 101:
                return out, buf[pos:]
            continue
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, used = _dechunk(buf, body_at)
            if body is None:
                break
            out.append(Response(status, parts[2] if len(parts) > 2 else "", headers, body))
            pos = used
            continue
        if "content-length" in headers:
            try:
                n = int(headers["content-length"])
            except ValueError:
                break
            if len(buf) - body_at < n:
                break
            out.append(Response(status, parts[2] if len(parts) > 2 else "", headers, buf[body_at:body_at + n]))
            pos = body_at + n
            continue
        if not eof:
            break
        out.append(Response(status, parts[2] if len(parts) > 2 else "", headers, buf[body_at:]))
        pos = len(buf)
    return out, buf[pos:]


def _dechunk(buf, pos):
    body = b""
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None, pos
        try:
            size = int(buf[pos:eol].split(b";")[0], 16)
        except ValueError:
            return None, pos
        pos = eol + 2
        if size == 0:
            end = buf.find(b"\r\n\r\n", pos - 2)
            if end < 0:
                return None, pos
            return body, end + 4
        if len(buf) < pos + size + 2:
            return None, pos
        body += buf[pos:pos + size]
        pos += size + 2


def connect(port, timeout=5.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def http_exchange(port, payload, head_flags=(), half_close=True, timeout=10.0, expect=None):
    """Sends `payload` on a new connection, closes our sending side (so a
    truncated request ends in EOF rather than waiting for the server's idle
    timeout), and reads until the server closes or `timeout` passes.
    With half_close=False it stops once `expect` responses have come."""
    ex = Exchange()
    try:
        s = connect(port)
    except OSError:
        ex.refused = True
        return ex
    buf = b""
    try:
        s.setblocking(False)
        deadline = time.monotonic() + timeout
        out = memoryview(payload)
        shut = False
        while True:
            if not out and half_close and not shut:
                try:
                    s.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                shut = True
            left = deadline - time.monotonic()
            if left <= 0:
                ex.hung = True
                break
            r, w, _ = select.select([s], [s] if out else [], [], left)
            if w and out:
                try:
                    n = s.send(out[:65536])
                    out = out[n:]
                except (BrokenPipeError, ConnectionResetError):
                    out = memoryview(b"")  # the server stopped listening: read what it said
            if r:
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    ex.closed = ex.reset = True
                    break
                if not chunk:
                    ex.closed = True
                    break
                buf += chunk
                if expect is not None and not half_close:
                    got, _ = parse_responses(buf, head_flags, False)
                    if len(got) >= expect:
                        break
    finally:
        s.close()
    ex.responses, rest = parse_responses(buf, list(head_flags), ex.closed)
    ex.garbage = rest
    return ex


def simple_request(port, method, path, body=None, timeout=10.0):
    """One well-formed request; returns the Response or None."""
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = (f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n"
           f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data
    ex = http_exchange(port, req, head_flags=[method == "HEAD"], timeout=timeout)
    return ex.responses[0] if ex.responses else None


# -- WebSocket ---------------------------------------------------------------

OP_CONT, OP_TEXT, OP_BIN, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


def upgrade_request(port, path, key=None, extra=b""):
    key = key or base64.b64encode(os.urandom(16)).decode()
    return (f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n").encode() \
        + extra + b"\r\n"


def frame(opcode, payload=b"", fin=True, rsv=0, mask_key=b"\x01\x02\x03\x04", length_form=None):
    """One frame. mask_key None sends it unmasked (illegal from a client);
    length_form '16'/'64' forces a longer (non-minimal) length encoding."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | (opcode & 0x0F)
    n = len(payload)
    mask_bit = 0x80 if mask_key is not None else 0
    if length_form == "64" or (length_form is None and n > 0xFFFF):
        head = struct.pack("!BBQ", b0, mask_bit | 127, n)
    elif length_form == "16" or (length_form is None and n > 125):
        head = struct.pack("!BBH", b0, mask_bit | 126, n)
    else:
        head = struct.pack("!BB", b0, mask_bit | n)
    if mask_key is None:
        return head + payload
    return head + mask_key + mask(payload, mask_key)


def mask(payload, key):
    if not payload:
        return b""
    import numpy as np
    reps = (len(payload) + 3) // 4
    k = np.frombuffer(key * reps, dtype=np.uint8)[:len(payload)]
    return (np.frombuffer(payload, dtype=np.uint8) ^ k).tobytes()


def close_payload(code, reason=b""):
    return struct.pack("!H", code) + reason


class WsConn:
    """A raw WebSocket client connection after a successful upgrade."""

    def __init__(self, sock, leftover):
        self.sock = sock
        self.buf = leftover
        self.eof = False
        self.reset = False
        self.close_code = None  # from the server's close frame
        self.close_reason = b""
        self.frames = []  # (opcode, payload) data frames seen, reassembled
        self._partial = None

    @classmethod
    def open(cls, port, path, timeout=10.0):
        """Returns (WsConn, None) or (None, Exchange) when the upgrade was refused."""
        s = connect(port)
        s.sendall(upgrade_request(port, path))
        deadline = time.monotonic() + timeout
        buf = b""
        s.settimeout(1.0)
        while b"\r\n\r\n" not in buf:
            if time.monotonic() > deadline:
                s.close()
                ex = Exchange()
                ex.hung = True
                return None, ex
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
        resps, rest = parse_responses(buf, [], False)
        if not resps or resps[0].status != 101:
            # Read the refusal's body to the end for the caller's checks.
            s.settimeout(2.0)
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    buf += chunk
                    resps, rest = parse_responses(buf, [], False)
                    if resps:
                        break
            except (socket.timeout, ConnectionResetError):
                pass
            s.close()
            ex = Exchange()
            ex.responses, ex.garbage = parse_responses(buf, [], True)
            ex.closed = True
            return None, ex
        s.setblocking(False)
        return cls(s, rest), None

    def _parse(self):
        while True:
            b = self.buf
            if len(b) < 2:
                return
            fin, op, n = b[0] & 0x80, b[0] & 0x0F, b[1] & 0x7F
            at = 2
            if n == 126:
                if len(b) < 4:
                    return
                n, at = struct.unpack("!H", b[2:4])[0], 4
            elif n == 127:
                if len(b) < 10:
                    return
                n, at = struct.unpack("!Q", b[2:10])[0], 10
            if b[1] & 0x80:
                at += 4  # a masked server frame is itself a protocol error; tolerate here
            if len(b) < at + n:
                return
            payload = b[at:at + n]
            self.buf = b[at + n:]
            if op == OP_CLOSE:
                if self.close_code is None:
                    self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    self.close_reason = payload[2:]
            elif op in (OP_TEXT, OP_BIN):
                if fin:
                    self.frames.append((op, payload))
                else:
                    self._partial = (op, payload)
            elif op == OP_CONT and self._partial:
                self._partial = (self._partial[0], self._partial[1] + payload)
                if fin:
                    self.frames.append(self._partial)
                    self._partial = None

    def pump(self, data=b"", until=None, timeout=5.0):
        """Sends `data` while reading; stops when `until(self)` holds, on a
        close frame, EOF, or after `timeout` (returns False then)."""
        out = memoryview(data)
        deadline = time.monotonic() + timeout
        while True:
            if until is not None and until(self):
                return True
            if self.close_code is not None or self.eof:
                return until is None or until(self)
            if until is None and not out:
                return True  # only sending was asked for, and it is out
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            r, w, _ = select.select([self.sock], [self.sock] if out else [], [], left)
            if w and out:
                try:
                    n = self.sock.send(out[:65536])
                    out = out[n:]
                except (BrokenPipeError, ConnectionResetError):
                    out = memoryview(b"")
            if r:
                try:
                    chunk = self.sock.recv(262144)
                except ConnectionResetError:
                    self.eof = self.reset = True
                    continue
                except BlockingIOError:
                    continue
                if not chunk:
                    self.eof = True
                    continue
                self.buf += chunk
                self._parse()

    def send(self, data, timeout=5.0):
        return self.pump(data, until=None, timeout=timeout)

    def text(self, i):
        """The i-th received message as JSON ({"_binary": n} for binary,
        {"_raw": bytes} for text that is not JSON)."""
        op, p = self.frames[i]
        if op != OP_TEXT:
            return {"_binary": len(p)}
        try:
            return json.loads(p.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {"_raw": p}

    def wait_text(self, pred, start, timeout=10.0):
        """Index of the first message at or after `start` for which
        pred(json) holds, reading as needed; None on close/EOF/deadline."""
        found = [None]
        scanned = [start]

        def scan(c):
            while scanned[0] < len(c.frames):
                i = scanned[0]
                scanned[0] += 1
                if pred(c.text(i)):
                    found[0] = i
                    return True
            return False

        self.pump(b"", until=scan, timeout=timeout)
        return found[0]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def errno_name(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if isinstance(e, OSError) else type(e).__name__
