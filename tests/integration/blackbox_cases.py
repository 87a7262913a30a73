"""Inputs for the black-box test: valid requests for every route, the ways
of breaking them, hand-built WebSocket frames, random JSON commands, and
corrupt H.265 clips. Everything is drawn from a `random.Random` the caller
seeds, so a case id names the same bytes on every run.

A case is (category, label, run); run(env) returns a `Result` whose
`problems` list is empty when the server answered clearly. `sent` is what
went on the wire, for the reproducer.
"""
import json
import os
import random
import struct
import subprocess

import blackbox_wire as wire

# HTTP statuses a bad request may get. 502/503 are documented answers
# (source_unavailable, no_frame, too_many_viewers, shutting_down); 500 and
# 504 (an actor that did not answer) never are.
ALLOWED_5XX = {502, 503}

# Beast closes the connection without a reply when its parser rejects a
# request (bad request line, header syntax, Content-Length). A complete but
# malformed request can still be answered 400; the issue asks for a clear
# error, so the hand-written cases require one unless this is True.
ALLOW_SILENT_CLOSE_ON_PARSE_ERROR = False

SESSION_CODES = {"invalid_json", "invalid_command", "unknown_command", "target_id_must_be_int",
                 "unknown_target", "too_many_pending_commands", "forbidden"}
FRAME_CODES = {"invalid_json", "invalid_message", "unknown_type", "duplicate_request_id", "unknown_clip",
               "unknown_frame", "decode_failed", "source_not_found", "source_denied", "clip_conflict",
               "unsupported_clip", "source_unavailable", "invalid_argument", "forbidden"}


class Result:
    def __init__(self):
        self.problems = []
        self.sent = b""
        self.statuses = []  # HTTP statuses seen
        self.close_codes = []  # WebSocket close codes seen
        self.outcome = ""  # short label for the histogram
        self.maybe_crash = False  # no answer: the runner checks liveness
        self.note = ""

    def fail(self, what):
        self.problems.append(what)


class Case:
    def __init__(self, category, label, run):
        self.category = category
        self.label = label
        self.run = run


# -- HTTP --------------------------------------------------------------------

def http_req(env, method, target, body=None, headers=b"", version=b"HTTP/1.1", host=True, close=True,
             content_type=True):
    if isinstance(target, str):
        target = target.encode()
    if isinstance(method, str):
        method = method.encode()
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    out = method + b" " + target + b" " + version + b"\r\n"
    if host:
        out += f"Host: 127.0.0.1:{env['port']}\r\n".encode()
    if close:
        out += b"Connection: close\r\n"
    out += headers
    if body is not None:
        if content_type:
            out += b"Content-Type: application/json\r\n"
        out += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
    out += b"\r\n"
    if body is not None:
        out += body
    return out


def upgrade(env, target, extra=b""):
    if isinstance(target, str):
        target = target.encode()
    return (b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1:" + str(env["port"]).encode()
            + b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extra + b"\r\n")


def templates(env):
    """One valid request per route (and per interesting variant)."""
    sid, sid3 = env["sid1"], env["sid3"]
    clip = env["good_clip"]
    c0 = env["good_index"]["iraps"][0]
    f3 = c0["frames"][min(3, len(c0["frames"]) - 1)]
    R = lambda *a, **k: http_req(env, *a, **k)
    tracks_q = ("/tracks?camera_id=cam_01&label=drone&after=0&before=9999999999999&min_score=0.25"
                "&in_progress=false&confirmed=true&limit=10")
    chunked = (b"POST /sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n"
               b"5\r\n{\"cam\r\n11\r\nera_id\":\"cam_03\"}\r\n0\r\n\r\n")
    return [
        ("healthz", R("GET", "/healthz")),
        ("healthz.head", R("HEAD", "/healthz")),
        ("readyz", R("GET", "/readyz")),
        ("cameras", R("GET", "/cameras")),
        ("camera", R("GET", "/cameras/cam_01")),
        ("camera.latest", R("GET", "/cameras/cam_02/latest.jpg")),
        ("camera.reinit", R("POST", "/cameras/cam_03/reinit")),
        ("sessions.create", R("POST", "/sessions", {"camera_id": "cam_03"})),
        ("sessions.create.empty_obj", R("POST", "/sessions", {})),
        ("sessions.create.no_body", R("POST", "/sessions")),
        ("sessions.create.chunked", chunked),
        ("session.get", R("GET", f"/sessions/{sid}")),
        ("session.delete", R("DELETE", f"/sessions/{sid3}")),
        ("session.tracks", R("GET", f"/sessions/{sid}/tracks?limit=5&confirmed=true")),
        ("tracks.query", R("GET", tracks_q)),
        ("tracks.cursor", R("GET", "/tracks?limit=2&cursor=MTcwMDAwMDAwMDAwMDoxMg")),
        ("track.get", R("GET", "/tracks/cam_01/1")),
        ("track.get.escaped", R("GET", "/tracks/cam_01%2F2?samples=false&max_samples=10")),
        ("track.delete", R("DELETE", "/tracks/cam_02/3")),
        ("track.retain", R("POST", "/tracks/cam_01/2/retain", {"retain": True})),
        ("store", R("GET", "/store")),
        ("ptz.commands", R("GET", "/ptz/commands?camera_id=cam_01&after=0&before=4102444800000&limit=10")),
        ("clips", R("GET", "/clips")),
        ("clips.register", R("POST", "/clips", {"clip_id": "fz-good", "uri": "file://" + env["good_path"]})),
        ("clip", R("GET", f"/clips/{clip}")),
        ("clip.index", R("GET", f"/clips/{clip}/index")),
        ("clip.frame", R("GET", f"/clips/{clip}/frame?irap={c0['offset']}&offset={f3['offset']}&quality=50")),
        ("config", R("GET", "/config")),
        ("web.index", R("GET", "/")),
        ("ws.plain_get", R("GET", "/ws/frames")),
        ("ws.upgrade.session", upgrade(env, f"/ws/sessions/{sid}")),
        ("ws.upgrade.camera", upgrade(env, "/ws/cameras/cam_01?fps=2")),
        ("ws.upgrade.frames", upgrade(env, "/ws/frames")),
    ]


TOKENS = [b"\xbf", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xff\xfe", b"%", b"%zz",
          b"%0", b"%00", b"%ff", b"%c3%28", b"%2F", b"99999999999999999999", b"-1", b"-9223372036854775809",
          b"18446744073709551616", b"9223372036854775807", b"1e309", b"NaN", b"\r\n", b"\r\nX-A: b",
          b"\n", b"\x00", b"?", b"&", b"=", b"/", b"//", b"/../", b"..", b"[[[[[[[[", b"{", b'"', b"\\u0000",
          b"\\ud800", b"\\", b" ", b"\t", b":", b";", b",", b"Content-Length: 5\r\n",
          b"Transfer-Encoding: chunked\r\n", b"Connection: keep-alive\r\n", b"Upgrade: websocket\r\n",
          b"Expect: 100-continue\r\n", b"HTTP/1.0", b"HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n"]
BYTES = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x25, 0x2F, 0x3A, 0x3F, 0x5B, 0x7B, 0x7F, 0x80, 0xBF,
         0xC0, 0xC3, 0xFE, 0xFF]


def mutate_bytes(rng, data, ops=None):
    """1-3 random edits: bit flips, interesting bytes, token insertion,
    deletion, duplication, truncation."""
    data = bytearray(data)
    for _ in range(ops or rng.choice([1, 1, 1, 2, 2, 3])):
        if not data:
            data += bytes([rng.randrange(256)])
        kind = rng.randrange(8)
        i = rng.randrange(len(data))
        if kind == 0:
            data[i] ^= 1 << rng.randrange(8)
        elif kind == 1:
            data[i] = rng.choice(BYTES) if rng.random() < 0.7 else rng.randrange(256)
        elif kind in (2, 3):
            tok = rng.choice(TOKENS) if rng.random() < 0.8 else bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
            if rng.random() < 0.1:
                tok = tok * rng.randint(50, 2000)
            data[i:i] = tok
        elif kind == 4:
            del data[i:i + rng.randint(1, 16)]
        elif kind == 5:
            j = rng.randrange(len(data))
            data[j:j] = data[i:i + rng.randint(1, 32)]
        elif kind == 6:
            del data[i:]
        else:
            # A digit run replaced by an extreme number.
            digits = [k for k in range(len(data)) if 48 <= data[k] <= 57]
            if digits:
                k = rng.choice(digits)
                e = k
                while e < len(data) and 48 <= data[e] <= 57:
                    e += 1
                data[k:e] = rng.choice([b"99999999999999999999", b"-1", b"0", b"9223372036854775808", b"1e99"])
    return bytes(data)


def mutate_request(rng, req):
    """Mutates a request's head or its body; half the time fixes
    Content-Length afterwards so the body reaches the JSON parser."""
    head, sep, body = req.partition(b"\r\n\r\n")
    if body and rng.random() < 0.5:
        body = mutate_bytes(rng, body)
        if rng.random() < 0.5:
            lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"content-length:")]
            head = b"\r\n".join(lines + [b"Content-Length: " + str(len(body)).encode()])
        return head + sep + body
    return mutate_bytes(rng, req)


def check_http(ex, res, expect=None, codes=None, allow_close=False):
    """Generic rules for every HTTP answer, then the case's own."""
    res.statuses += ex.statuses
    if ex.refused:
        res.fail("connection refused")
        res.maybe_crash = True
        return
    if ex.hung:
        res.fail("no reply and no close within the deadline (hang)")
        res.maybe_crash = True
    upgraded = False
    for r in ex.responses:
        if r.status == 101:
            upgraded = True
            break
        if r.status >= 500 and r.status not in ALLOWED_5XX:
            res.fail(f"HTTP {r.status}: {r.body[:200]!r}")
        if r.status >= 400:
            doc = r.json()
            ctype = r.headers.get("content-type", "")
            if res.note == "head":
                continue  # a HEAD answer has no body to check
            if not (isinstance(doc, dict) and isinstance(doc.get("error"), str)
                    and isinstance(doc.get("detail"), str) and doc["error"]):
                res.fail(f"HTTP {r.status} without a JSON {{error, detail}} body: {ctype} {r.body[:200]!r}")
            elif "application/json" not in ctype:
                res.fail(f"HTTP {r.status} JSON error with Content-Type {ctype!r}")
    if ex.garbage and not upgraded:
        res.fail(f"unparseable bytes from the server: {ex.garbage[:120]!r}")
    if not ex.responses:
        res.outcome = "reset" if ex.reset else ("closed" if ex.closed else "hung")
        res.maybe_crash = True
    else:
        res.outcome = ",".join(str(s) for s in ex.statuses[:4])
    if expect is not None:
        first = ex.responses[0] if ex.responses else None
        if first is None:
            if not (allow_close or ALLOW_SILENT_CLOSE_ON_PARSE_ERROR and expect_is_parse_error(expect)):
                res.fail(f"closed without a reply; expected HTTP {sorted(expect)}")
        elif first.status not in expect:
            res.fail(f"HTTP {first.status} {first.body[:160]!r}; expected {sorted(expect)}")
        elif codes is not None and first.status >= 400:
            doc = first.json() or {}
            if doc.get("error") not in codes:
                res.fail(f"error {doc.get('error')!r}; expected one of {sorted(codes)}")


def expect_is_parse_error(expect):
    return 400 in expect


def http_case(category, label, build, expect=None, codes=None, allow_close=False, timeout=10.0):
    def run(env):
        res = Result()
        req = build(env)
        res.sent = req
        res.note = "head" if req.startswith(b"HEAD") else ""
        ex = wire.http_exchange(env["port"], req, head_flags=[req.startswith(b"HEAD")] * 64, timeout=timeout)
        check_http(ex, res, expect, codes, allow_close)
        return res
    return Case(category, label, run)


def mutated_http_cases(rng, n):
    cases = []
    for i in range(n):
        seed = rng.getrandbits(64)

        def build(env, seed=seed):
            r = random.Random(seed)
            name, req = r.choice(templates(env))
            return mutate_request(r, req)
        cases.append(http_case("http.mutated", f"mut{i}", build))
    return cases


def rand_json(rng, depth=0):
    k = rng.randrange(12 if depth < 3 else 8)
    if k == 0:
        return rng.randint(-5, 50)
    if k == 1:
        return rng.choice([2 ** 63 - 1, 2 ** 63, 2 ** 64, -2 ** 63, -2 ** 63 - 1, 10 ** 30, -(10 ** 40)])
    if k == 2:
        return rng.choice([1.5, -0.0, 1e308, -1e308, 5e-324, 17.0, 0.1])
    if k == 3:
        return "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randint(0, 20)))
    if k == 4:
        return rng.choice(["", "\u0000", "\u00ff\u20ac\U0001F600", "\ufffd", "a" * 3000, "cam_01", "cam_01/1",
                           "set_target_id", "clear_target", "request_frames", "../../etc/passwd"])
    if k == 5:
        return rng.choice([True, False])
    if k in (6, 7):
        return None
    if k in (8, 9):
        return [rand_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["type", "target_id", "camera_id", "clip_id", "uri", "retain", "x"]): rand_json(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def json_body_cases(rng, n):
    """Well-formed HTTP with random JSON bodies for each POST route."""
    cases = []
    for i in range(n):
        seed = rng.getrandbits(64)

        def build(env, seed=seed):
            r = random.Random(seed)
            route = r.choice(["/sessions", "/clips", "/tracks/cam_01/1/retain", "/cameras/cam_03/reinit"])
            doc = rand_json(r) if r.random() < 0.3 else {
                "camera_id": r.choice(["cam_03", "cam_01", rand_json(r)]),
                # A bounded set of ids: every new clip costs memory by design
                # (no registry cap), which would blur the RSS check.
                "clip_id": r.choice(["fz-" + str(r.randrange(20)), "fz-" + str(rand_json(r))[:1], 7, None]),
                "uri": r.choice(["file://" + env["good_path"], "file:///nonexistent", "file:///dev/null",
                                 "file:///etc/hostname", "s3://b/k", "file://", "http://x/", rand_json(r)]),
                "retain": r.choice([True, rand_json(r)])}
            if isinstance(doc, dict) and r.random() < 0.5:
                doc = {k: v for k, v in doc.items() if r.random() < 0.7}
            body = json.dumps(doc).encode()
            if r.random() < 0.2:
                body = body.replace(b'"cam', b'"\xffcam', 1)
            return http_req(env, "POST", route, body)
        cases.append(http_case("http.json_body", f"json{i}", build))
    return cases


def specific_http_cases():
    """Hand-written bad requests with the answer each must get."""
    C = []

    def add(cat, label, build, expect, codes=None, allow_close=False):
        if cat == "http.utf8":
            # Rejecting invalid UTF-8 up front (400 invalid_utf8) is as clear
            # as the route's own answer.
            expect = set(expect) | {400}
            codes = None if codes is None else set(codes) | {"invalid_utf8"}
        C.append(http_case(cat, label, build, expect=set(expect), codes=codes, allow_close=allow_close))

    R = http_req
    E4 = set(range(400, 500))
    ok_or_4 = {200} | E4
    # Invalid UTF-8 in the path, query, headers and JSON bodies.
    add("http.utf8", "path.nope_bf", lambda e: R(e, "GET", b"/nope\xbf"), {404}, {"not_found"})
    add("http.utf8", "path.root_fffe", lambda e: R(e, "GET", b"/\xff\xfe\xfd"), {404})
    add("http.utf8", "path.camera", lambda e: R(e, "GET", b"/cameras/\xc3\x28"), {404}, {"unknown_camera"})
    add("http.utf8", "path.camera_latest", lambda e: R(e, "GET", b"/cameras/cam_01\xbf/latest.jpg"), {404})
    add("http.utf8", "path.camera_sub", lambda e: R(e, "GET", b"/cameras/cam_01/\xbf"), {404})
    add("http.utf8", "path.session", lambda e: R(e, "GET", b"/sessions/\xed\xa0\x80"), {404}, {"unknown_session"})
    add("http.utf8", "path.session_delete", lambda e: R(e, "DELETE", b"/sessions/\xf8\x88\x80\x80\x80"), {404})
    add("http.utf8", "path.session_tracks", lambda e: R(e, "GET", b"/sessions/x\xff/tracks"), ok_or_4)
    add("http.utf8", "path.track", lambda e: R(e, "GET", b"/tracks/cam_01\xff/1"), {404}, {"unknown_track"})
    add("http.utf8", "path.track_escaped", lambda e: R(e, "GET", b"/tracks/%ff%fe/1"), {404})
    add("http.utf8", "path.track_retain", lambda e: R(e, "POST", b"/tracks/\xff/1/retain", b"{}"), {404})
    add("http.utf8", "query.label_raw", lambda e: R(e, "GET", b"/tracks?label=\xff"), ok_or_4)
    add("http.utf8", "query.label_escaped", lambda e: R(e, "GET", b"/tracks?label=%ff"), ok_or_4)
    add("http.utf8", "query.camera_escaped", lambda e: R(e, "GET", b"/tracks?camera_id=%c3%28&limit=1"), ok_or_4)
    add("http.utf8", "query.cursor", lambda e: R(e, "GET", b"/tracks?cursor=%ff%fe"), ok_or_4)
    add("http.utf8", "query.key_raw", lambda e: R(e, "GET", b"/tracks?\xff=1"), {400}, {"invalid_argument"})
    add("http.utf8", "query.key_escaped", lambda e: R(e, "GET", b"/tracks?%ff=1"), {400}, {"invalid_argument"})
    add("http.utf8", "query.limit", lambda e: R(e, "GET", b"/tracks?limit=1\xff"), {400})
    add("http.utf8", "query.max_samples", lambda e: R(e, "GET", b"/tracks/cam_01/1?max_samples=%ff"), {400, 404})
    add("http.utf8", "clip.id", lambda e: R(e, "GET", b"/clips/\xff"), {404}, {"unknown_clip"})
    add("http.utf8", "clip.frame_id", lambda e: R(e, "GET", b"/clips/\xff/frame?irap=0&offset=0"), {404})
    add("http.utf8", "clip.frame_irap", lambda e: R(e, "GET", b"/clips/" + e["good_clip"].encode()
                                                    + b"/frame?irap=\xff&offset=0"), {400})
    add("http.utf8", "clip.sub", lambda e: R(e, "GET", b"/clips/" + e["good_clip"].encode() + b"/\xff"), {404})
    add("http.utf8", "body.clip_id_raw", lambda e: R(e, "POST", "/clips", b'{"clip_id":"\xff","uri":"file:///x"}'),
        {400})
    add("http.utf8", "body.uri_raw", lambda e: R(e, "POST", "/clips", b'{"clip_id":"u0","uri":"file:///tmp/\xff"}'),
        {400})
    add("http.utf8", "body.uri_escaped_ff", lambda e: R(e, "POST", "/clips",
                                                        {"clip_id": "u1", "uri": "file:///tmp/%ff.hevc"}), E4)
    add("http.utf8", "body.uri_unicode", lambda e: R(e, "POST", "/clips",
                                                     {"clip_id": "u2", "uri": "file:///nonexistent/\u00ff"}), E4)
    add("http.utf8", "body.clip_id_unicode", lambda e: R(e, "POST", "/clips",
                                                         {"clip_id": "\u00ff\u0000", "uri": "file:///x"}), {400})
    add("http.utf8", "body.camera_raw", lambda e: R(e, "POST", "/sessions", b'{"camera_id":"\xff"}'), {400},
        {"invalid_json"})
    add("http.utf8", "body.camera_unicode", lambda e: R(e, "POST", "/sessions", {"camera_id": "cam_\u00ff"}), {404},
        {"unknown_camera"})
    add("http.utf8", "body.camera_surrogate", lambda e: R(e, "POST", "/sessions", b'{"camera_id":"\\ud800"}'),
        {400})
    add("http.utf8", "body.retain", lambda e: R(e, "POST", "/tracks/cam_01/1/retain", b'{"retain":"\xff"}'), {400})
    add("http.utf8", "header.value", lambda e: R(e, "GET", "/healthz", headers=b"X-Test: \xff\xfe\r\n"), {200})
    add("http.utf8", "header.host_latest", lambda e: b"GET /cameras/cam_01/latest.jpg HTTP/1.1\r\nHost: \xff\xfe\r\n"
        b"Connection: close\r\n\r\n", {200, 503})
    add("http.utf8", "header.auth", lambda e: R(e, "GET", "/cameras", headers=b"Authorization: Bearer \xff\xfe\r\n"),
        {200})
    add("http.utf8", "header.name", lambda e: R(e, "GET", "/healthz", headers=b"X\xff: y\r\n"), {400})
    add("http.utf8", "ws.session_id", lambda e: upgrade(e, b"/ws/sessions/\xff"), {404}, {"unknown_session"})
    add("http.utf8", "ws.camera_id", lambda e: upgrade(e, b"/ws/cameras/\xff"), {404}, {"unknown_camera"})
    add("http.utf8", "ws.fps_raw", lambda e: upgrade(e, b"/ws/cameras/cam_01?fps=\xff"), {400}, {"invalid_argument"})
    add("http.utf8", "ws.fps_escaped", lambda e: upgrade(e, b"/ws/cameras/cam_01?fps=%ff"), {400})
    add("http.utf8", "ws.frames_query", lambda e: upgrade(e, b"/ws/frames?\xff"), {101} | E4)
    add("http.utf8", "ws.plain_get", lambda e: R(e, "GET", b"/ws/sessions/\xff"), {426, 404})
    # Sizes: body, headers, nesting.
    add("http.limits", "content_length.huge", lambda e: R(e, "POST", "/sessions", headers=b"Content-Length: 99999999999\r\n"),
        {413}, {"payload_too_large"})
    add("http.limits", "content_length.overflow",
        lambda e: R(e, "POST", "/sessions", headers=b"Content-Length: 99999999999999999999999\r\n"), {400, 413})
    add("http.limits", "content_length.negative", lambda e: R(e, "POST", "/sessions", headers=b"Content-Length: -1\r\n"),
        {400})
    add("http.limits", "content_length.twice",
        lambda e: R(e, "POST", "/sessions", headers=b"Content-Length: 2\r\nContent-Length: 3\r\n") + b"{}", {400})
    add("http.limits", "chunk_size.overflow",
        lambda e: R(e, "POST", "/sessions", headers=b"Transfer-Encoding: chunked\r\n") + b"ffffffffffffffffffff\r\nx",
        {400, 413})
    add("http.limits", "chunked.too_big",
        lambda e: R(e, "POST", "/sessions", headers=b"Transfer-Encoding: chunked\r\n")
        + b"".join(b"4000\r\n" + b"[" * 0x4000 + b"\r\n" for _ in range(5)) + b"0\r\n\r\n", {413})
    add("http.limits", "json.deep_array", lambda e: R(e, "POST", "/sessions", b"[" * 60000), {400}, {"invalid_json"})
    add("http.limits", "json.deep_array_closed",
        lambda e: R(e, "POST", "/sessions", b"[" * 30000 + b"]" * 30000), {400}, {"invalid_json"})
    add("http.limits", "json.deep_object", lambda e: R(e, "POST", "/sessions", b'{"a":' * 10000 + b"1" + b"}" * 10000),
        {200, 201})  # a JSON object without camera_id: the first camera's session
    add("http.limits", "json.deep_clips", lambda e: R(e, "POST", "/clips", b"[" * 60000), {400})
    add("http.limits", "json.deep_retain", lambda e: R(e, "POST", "/tracks/cam_01/1/retain", b"[" * 60000), {400, 404})
    add("http.limits", "json.100k_brackets", lambda e: R(e, "POST", "/sessions", b"[" * 100000), {413})
    add("http.limits", "header.one_20k", lambda e: R(e, "GET", "/healthz", headers=b"X-Big: " + b"a" * 20000 + b"\r\n"),
        {431}, {"headers_too_large"})
    add("http.limits", "header.2000_fields",
        lambda e: R(e, "GET", "/healthz", headers=b"".join(b"X-H%d: v\r\n" % i for i in range(2000))), {431})
    add("http.limits", "url.20k", lambda e: R(e, "GET", "/nope/" + "a" * 20000), {414, 431})
    add("http.limits", "url.15k", lambda e: R(e, "GET", "/nope/" + "a" * 15000), {404})
    add("http.limits", "query.10k_params", lambda e: R(e, "GET", "/tracks?" + "&".join("a=1" for _ in range(3000))),
        {400})
    # Bad percent-escapes.
    for label, target, exp in [("tracks.zz", "/tracks?camera_id=%zz", {400}), ("tracks.pct", "/tracks?camera_id=%", {400}),
                               ("tracks.pct0", "/tracks?camera_id=%0", {400}), ("tracks.nul", "/tracks?label=%00", {400}),
                               ("track.short", "/tracks/cam_01%2", {400, 404}), ("track.zz", "/tracks/cam_01%2F%zz", {400, 404}),
                               ("frame.zz", None, {400}), ("readyz", "/readyz?x=%zz", {200}),
                               ("camera", "/cameras/cam%zz", {400, 404})]:
        if target is None:
            add("http.percent", label, lambda e: R(e, "GET", f"/clips/{e['good_clip']}/frame?irap=%zz&offset=0"), exp)
        else:
            add("http.percent", label, lambda e, t=target: R(e, "GET", t), exp)
    add("http.percent", "ws.fps", lambda e: upgrade(e, "/ws/cameras/cam_01?fps=%zz"), {400})
    # Integer overflow and signs in query numbers.
    nums = [("limit.huge", "/tracks?limit=99999999999999999999", {400}), ("limit.neg", "/tracks?limit=-1", {400}),
            ("limit.zero", "/tracks?limit=0", {400}), ("limit.exp", "/tracks?limit=1e3", {400}),
            ("limit.plus", "/tracks?limit=+5", {200, 400}), ("limit.space", "/tracks?limit=%205", {400}),
            ("after.neg_huge", "/tracks?after=-99999999999999999999", {400}),
            ("before.int64_plus1", "/tracks?before=9223372036854775808", {400}),
            ("after.int64_min", "/tracks?after=-9223372036854775808", {200, 400}),
            ("min_score.inf", "/tracks?min_score=1e999", {400}), ("min_score.nan", "/tracks?min_score=nan", {400}),
            ("min_score.neg0", "/tracks?min_score=-0", {200}), ("cursor.junk", "/tracks?cursor=-1", {400}),
            ("track.huge_id", "/tracks/cam_01/99999999999999999999", {404, 400}),
            ("track.neg_id", "/tracks/cam_01/-1", {404}),
            ("max_samples.huge", "/tracks/cam_01/1?max_samples=99999999999999999999", {400}),
            ("max_samples.neg", "/tracks/cam_01/1?max_samples=-5", {400}),
            ("in_progress.junk", "/tracks?in_progress=maybe", {400}),
            ("repeated", "/tracks?limit=1&limit=2", {400})]
    for label, target, exp in nums:
        add("http.numbers", label, lambda e, t=target: R(e, "GET", t), exp, {"invalid_argument", "unknown_track"})
    for label, q, exp in [("irap.huge", "irap=99999999999999999999&offset=0", {400}),
                          ("irap.neg", "irap=-1&offset=-1", {400}),
                          ("quality.int32_min", "irap=0&offset=0&quality=-2147483649", {400}),
                          ("quality.zero", "irap=0&offset=0&quality=0", {400}),
                          ("offset.int64_max", "irap=9223372036854775807&offset=9223372036854775807", {404}),
                          ("offset.missing", "irap=0", {400}), ("offset.float", "irap=0&offset=1.5", {400}),
                          ("offset.hex", "irap=0x0&offset=0", {400})]:
        add("http.numbers", "frame." + label, lambda e, q=q: R(e, "GET", f"/clips/{e['good_clip']}/frame?{q}"), exp,
            {"invalid_argument", "unknown_frame"})
    for label, fps in [("fps.huge", "1e308"), ("fps.nan", "nan"), ("fps.inf", "inf"), ("fps.low", "0.0099"),
                       ("fps.neg", "-1"), ("fps.empty", "")]:
        add("http.numbers", "ws." + label, lambda e, f=fps: upgrade(e, f"/ws/cameras/cam_01?fps={f}"), {400})
    # Odd but parseable request lines and methods.
    add("http.syntax", "target.relative", lambda e: R(e, "GET", "healthz"), {400, 404})
    add("http.syntax", "target.absolute", lambda e: R(e, "GET", "http://127.0.0.1/healthz"), {200, 400, 404})
    add("http.syntax", "target.asterisk", lambda e: R(e, "OPTIONS", "*"), {400, 404, 405})
    add("http.syntax", "method.unknown", lambda e: R(e, "FOO", "/healthz"), {405, 400, 501})
    add("http.syntax", "method.post_healthz", lambda e: R(e, "POST", "/healthz", b"{}"), {405})
    add("http.syntax", "method.delete_cameras", lambda e: R(e, "DELETE", "/cameras"), {405})
    add("http.syntax", "method.put_clips", lambda e: R(e, "PUT", "/clips", b"{}"), {405})
    add("http.syntax", "method.patch_session", lambda e: R(e, "PATCH", f"/sessions/{e['sid1']}"), {405})
    add("http.syntax", "http10.no_host", lambda e: R(e, "GET", "/healthz", version=b"HTTP/1.0", host=False, close=False),
        {200})
    add("http.syntax", "version.9_9", lambda e: R(e, "GET", "/healthz", version=b"HTTP/9.9"), {400, 505})
    add("http.syntax", "version.none", lambda e: b"GET /healthz\r\n\r\n", {400})
    add("http.syntax", "leading_crlf", lambda e: b"\r\n\r\n" + R(e, "GET", "/healthz"), {200, 400}, allow_close=True)
    add("http.syntax", "bare_lf", lambda e: R(e, "GET", "/healthz").replace(b"\r\n", b"\n"), {200, 400},
        allow_close=True)
    add("http.syntax", "nul_in_target", lambda e: R(e, "GET", b"/health\x00z"), {400})
    add("http.syntax", "space_in_target", lambda e: R(e, "GET", b"/health z"), {400, 404})
    add("http.syntax", "header.no_colon", lambda e: R(e, "GET", "/healthz", headers=b"NoColon\r\n"), {400})
    add("http.syntax", "header.obs_fold", lambda e: R(e, "GET", "/healthz", headers=b"X-A: 1\r\n  folded\r\n"), {200, 400})
    add("http.syntax", "session.empty_id", lambda e: R(e, "GET", "/sessions/"), {404})
    add("http.syntax", "session.nested", lambda e: R(e, "GET", "/sessions/a/b"), {404})
    add("http.syntax", "camera.extra", lambda e: R(e, "GET", "/cameras/cam_01/latest.jpg/extra"), {404})
    add("http.syntax", "sessions.text_plain", lambda e: R(e, "POST", "/sessions", b'{"camera_id":"cam_03"}',
                                                          headers=b"Content-Type: text/plain\r\n", content_type=False),
        {200, 201})
    add("http.syntax", "ws.bad_version", lambda e: upgrade(e, "/ws/frames").replace(b"Version: 13", b"Version: 12"),
        {400, 426})
    add("http.syntax", "ws.no_key", lambda e: upgrade(e, "/ws/frames").replace(b"Sec-WebSocket-Key", b"X-Key"), {400})
    add("http.syntax", "ws.post_upgrade", lambda e: upgrade(e, "/ws/frames").replace(b"GET ", b"POST ", 1),
        {400, 405, 426})
    return C


def pipeline_cases(rng, n):
    cases = []
    for i in range(n):
        seed = rng.getrandbits(64)

        def run(env, seed=seed, i=i):
            r = random.Random(seed)
            res = Result()
            pool = [t for name, t in templates(env) if not name.startswith(("ws.upgrade", "healthz.head"))]
            reqs = [r.choice(pool).replace(b"Connection: close\r\n", b"") for _ in range(r.randint(5, 40))]
            if i % 2:
                reqs.insert(r.randrange(len(reqs)), http_req(env, "GET", b"/nope\xbf", close=False))
            reqs.append(http_req(env, "GET", "/healthz"))  # ends the pipeline: Connection: close
            payload = b"".join(reqs)
            res.sent = payload
            ex = wire.http_exchange(env["port"], payload, timeout=20, half_close=False, expect=len(reqs))
            check_http(ex, res)
            if len(ex.responses) != len(reqs):
                res.fail(f"pipeline of {len(reqs)} requests got {len(ex.responses)} responses")
                res.maybe_crash = True
            elif ex.responses[-1].status != 200:
                res.fail(f"pipeline's last /healthz answered {ex.responses[-1].status}")
            res.outcome = f"{len(ex.responses)}/{len(reqs)}"
            return res
        cases.append(Case("http.pipeline", f"pipe{i}", run))
    return cases


def slowloris_case(conns=16, seconds=3.0):
    """Connections that dribble a header byte by byte: /healthz must keep
    answering meanwhile, and a slow client that finishes is answered."""
    def run(env):
        import select
        import time
        res = Result()
        port = env["port"]
        head = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode()
        socks = []
        for _ in range(conns):
            s = wire.connect(port)
            s.sendall(head)
            socks.append(s)
        res.sent = head + b"a" * 10 + b" ... (one byte per step on %d connections)" % conns
        deadline = time.monotonic() + seconds
        probes = 0
        while time.monotonic() < deadline:
            for s in socks:
                try:
                    s.send(b"a")
                except OSError:
                    pass
            t0 = time.monotonic()
            r = wire.simple_request(port, "GET", "/healthz", timeout=3)
            probes += 1
            if r is None or r.status != 200:
                res.fail("/healthz did not answer while slow clients were connected")
                res.maybe_crash = True
                break
            if time.monotonic() - t0 > 3.0:
                res.fail(f"/healthz took {time.monotonic() - t0:.1f} s with slow clients connected")
            # Pace the dribble by a readiness wait on the sockets (bounded).
            select.select(socks, [], [], 0.05)
        finished = 0
        for k, s in enumerate(socks):
            try:
                if k % 2 == 0:
                    s.sendall(b"\r\nConnection: close\r\n\r\n")
                    s.settimeout(5)
                    data = b""
                    while b"\r\n\r\n" not in data:
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    if data.startswith(b"HTTP/1.1 200"):
                        finished += 1
                    else:
                        res.fail(f"a slow client that finished got {data[:60]!r}")
            except OSError as err:
                res.fail(f"a slow client that finished got {wire.errno_name(err)}")
            finally:
                s.close()
        res.outcome = f"probes={probes},finished={finished}"
        return res
    return Case("http.slowloris", "slowloris", run)


# -- WebSocket ---------------------------------------------------------------

def ws_endpoints(env):
    return [("session", f"/ws/sessions/{env['sid1']}"), ("camera", "/ws/cameras/cam_01?fps=1"),
            ("frames", "/ws/frames")]


F = wire.frame
T, CONT, BIN, CLOSE, PING, PONG = wire.OP_TEXT, wire.OP_CONT, wire.OP_BIN, wire.OP_CLOSE, wire.OP_PING, wire.OP_PONG
CLEAR = b'{"type":"clear_target"}'

# (label, frames, expected close codes). 1002 protocol error, 1007 invalid
# payload data (UTF-8), 1009 message too big (RFC 6455 §7.4.1).
WS_PROTOCOL = [
    ("opcode.3", lambda: F(3, b"x"), {1002}),
    ("opcode.7", lambda: F(7, b""), {1002}),
    ("opcode.11", lambda: F(0xB, b"x"), {1002}),
    ("opcode.15", lambda: F(0xF, b""), {1002}),
    ("ping.126", lambda: F(PING, b"p" * 126), {1002}),
    ("ping.fragmented", lambda: F(PING, b"p", fin=False) + F(CONT, b"q"), {1002}),
    ("close.fragmented", lambda: F(CLOSE, b"\x03\xe8", fin=False), {1002}),
    ("continuation.without_start", lambda: F(CONT, b"x"), {1002}),
    ("continuation.without_start_fin0", lambda: F(CONT, b"x", fin=False), {1002}),
    ("text.mid_fragment", lambda: F(T, b'{"ty', fin=False) + F(T, CLEAR), {1002}),
    ("binary.mid_fragment", lambda: F(T, b'{"ty', fin=False) + F(BIN, b"x"), {1002}),
    ("unmasked.text", lambda: F(T, CLEAR, mask_key=None), {1002}),
    ("unmasked.ping", lambda: F(PING, b"", mask_key=None), {1002}),
    ("rsv1", lambda: F(T, CLEAR, rsv=4), {1002}),
    ("rsv3", lambda: F(T, CLEAR, rsv=1), {1002}),
    ("rsv_on_ping", lambda: F(PING, b"", rsv=2), {1002}),
    ("length16.nonminimal", lambda: F(T, CLEAR, length_form="16"), {1002}),
    ("length64.nonminimal", lambda: F(T, CLEAR, length_form="64"), {1002}),
    ("length64.msb", lambda: bytes([0x81, 0xFF]) + b"\x80" + b"\x00" * 7 + b"\x01\x02\x03\x04", {1002, 1009}),
    ("utf8.ff", lambda: F(T, b"\xff\xfe"), {1007}),
    ("utf8.bf_in_json", lambda: F(T, b'{"type":"clear_target\xbf"}'), {1007}),
    ("utf8.overlong", lambda: F(T, b'"\xc0\xaf"'), {1007}),
    ("utf8.surrogate", lambda: F(T, b'"\xed\xa0\x80"'), {1007}),
    ("utf8.above_10ffff", lambda: F(T, b'"\xf4\x90\x80\x80"'), {1007}),
    ("utf8.split_bad", lambda: F(T, b'"\xe2\x82', fin=False) + F(CONT, b'\x28"'), {1007}),
    ("utf8.truncated_end", lambda: F(T, b'"abc\xe2\x82'), {1007}),
    ("too_big.2MB", lambda: F(T, b"[" * (2 * 1024 * 1024)), {1009}),
    ("too_big.5KB", lambda: F(T, b" " * 5000), {1009}),
    ("too_big.fragments", lambda: F(T, b" " * 3000, fin=False) + F(CONT, b" " * 3000), {1009}),
    ("too_big.binary", lambda: F(BIN, b"\0" * 100000), {1009}),
    ("close.one_byte", lambda: F(CLOSE, b"\x03"), {1002}),
    ("close.code_1005", lambda: F(CLOSE, wire.close_payload(1005)), {1002}),
    ("close.code_999", lambda: F(CLOSE, wire.close_payload(999)), {1002}),
    ("close.code_1004", lambda: F(CLOSE, wire.close_payload(1004)), {1002}),
    ("close.code_2999", lambda: F(CLOSE, wire.close_payload(2999)), {1002}),
    ("close.code_1016", lambda: F(CLOSE, wire.close_payload(1016)), {1002}),
    # RFC 6455 defines no code above 4999; rejecting or echoing it are both fine.
    ("close.code_5000", lambda: F(CLOSE, wire.close_payload(5000)), {1002, 5000}),
    ("close.reason_bad_utf8", lambda: F(CLOSE, wire.close_payload(1000, b"\xff")), {1007, 1002}),
    ("close.normal", lambda: F(CLOSE, wire.close_payload(1000, b"bye")), {1000}),
    ("close.empty", lambda: F(CLOSE, b""), {1000, 1005}),
]


def ws_protocol_cases():
    cases = []
    for ep in ("session", "camera", "frames"):
        for label, build, codes in WS_PROTOCOL:
            def run(env, ep=ep, build=build, codes=codes, label=label):
                res = Result()
                path = dict(ws_endpoints(env))[ep]
                conn, refused = wire.WsConn.open(env["port"], path)
                data = build()
                res.sent = wire.upgrade_request(env["port"], path, key="dGhlIHNhbXBsZSBub25jZQ==") + data
                if conn is None:
                    check_http(refused, res)
                    res.fail(f"upgrade to {path} refused: {refused.statuses}")
                    return res
                try:
                    conn.pump(data, until=lambda c: c.close_code is not None or c.eof, timeout=10)
                finally:
                    conn.close()
                if conn.close_code is not None:
                    res.close_codes.append(conn.close_code)
                    res.outcome = f"close {conn.close_code}"
                    if conn.close_code not in codes:
                        res.fail(f"close code {conn.close_code} ({conn.close_reason[:60]!r}); expected {sorted(codes)}")
                elif conn.eof:
                    res.outcome = "eof"
                    res.fail(f"connection dropped without a close frame; expected close {sorted(codes)}")
                    res.maybe_crash = True
                else:
                    res.outcome = "silence"
                    res.fail(f"no close within 10 s; expected close {sorted(codes)}")
                    res.maybe_crash = True
                return res
            cases.append(Case("ws.protocol." + ep, label, run))
    return cases


def ws_sanity_cases():
    """Legal but unusual framing must keep the connection working."""
    def run_session(env):
        res = Result()
        path = f"/ws/sessions/{env['sid1']}"
        conn, refused = wire.WsConn.open(env["port"], path)
        if conn is None:
            check_http(refused, res)
            res.fail("upgrade refused")
            return res
        data = (F(PING, b"hi") + F(PONG, b"unsolicited") + F(T, b'{"type":', fin=False) + F(PING, b"mid")
                + F(CONT, b'"clear_', fin=False) + F(CONT, b'target"}') + F(BIN, b"\x00\x01"))
        res.sent = data
        try:
            # Two answers, in either order (ordering has its own case).
            i = conn.wait_text(lambda m: m.get("type") in ("ack", "error"), 0, timeout=10) if conn.send(data) else None
            j = conn.wait_text(lambda m: m.get("type") in ("ack", "error"), i + 1, timeout=10) if i is not None else None
            got = sorted(json.dumps(conn.text(k), sort_keys=True) for k in (i, j) if k is not None)
            if not any('"command": "clear_target"' in g and '"ack"' in g for g in got):
                res.fail(f"fragmented clear_target with a ping inside was not acked: {got}")
            if not any('"invalid_command"' in g for g in got):
                res.fail(f"binary message not answered invalid_command: {got}")
            if conn.close_code is not None:
                res.fail(f"closed {conn.close_code}")
            res.outcome = "ok" if not res.problems else "bad"
        finally:
            conn.close()
        return res
    def run_order(env):
        """docs/protocol.md: "Replies come in command order" - also when a
        bad command follows a good one in the same write."""
        res = Result()
        path = f"/ws/sessions/{env['sid1']}"
        for trial in range(8):
            conn, refused = wire.WsConn.open(env["port"], path)
            if conn is None:
                check_http(refused, res)
                res.fail("upgrade refused")
                return res
            seq = ["ack", "error"] * 3
            data = b"".join(F(T, CLEAR) if k == "ack" else F(BIN, b"x") for k in seq)
            res.sent = data
            try:
                conn.pump(data, until=lambda c: sum(1 for k in range(len(c.frames))
                                                    if c.text(k).get("type") in ("ack", "error")) >= len(seq),
                          timeout=10)
                got = [conn.text(k)["type"] for k in range(len(conn.frames)) if conn.text(k).get("type") in ("ack", "error")]
            finally:
                conn.close()
            if got != seq:
                res.fail(f"replies out of command order: sent clear_target/binary alternately, got {got}")
                break
        res.outcome = "in order" if not res.problems else "out of order"
        return res
    return [Case("ws.sanity", "session.fragmented_with_ping", run_session),
            Case("ws.order", "session.valid_then_invalid", run_order)]


def session_command(rng):
    k = rng.randrange(10)
    if k == 0:
        return json.dumps({"type": "set_target_id", "target_id": rng.randint(-3, 40)}).encode()
    if k == 1:
        return json.dumps({"type": "set_target_id", "target_id": rand_json(rng)}).encode()
    if k == 2:
        return json.dumps({"type": rng.choice(["clear_target", "set_target_id", "CLEAR_TARGET", "", "x" * 500]),
                           **({"target_id": rand_json(rng)} if rng.random() < 0.5 else {})}).encode()
    if k == 3:
        return json.dumps(rand_json(rng)).encode()
    if k == 4:
        return rng.choice([b"{", b"", b"null", b"[]", b"1e99999", b'{"type":"set_target_id","target_id":1e400}',
                           b'{"type":"set_target_id","target_id":99999999999999999999999}',
                           b'{"type":"set_target_id","target_id":-9223372036854775809}',
                           b'{"type":"set_target_id","target_id":18446744073709551615}',
                           b'{"type":"set_target_id","target_id":NaN}', b'{"type":"clear_target"}x',
                           b'{"type":"clear_target","type":"set_target_id"}', b'{"type":"\\u0000"}',
                           b'{"type":"\\ud800"}', b"[" * 4000, b'{"a":' * 800 + b"1" + b"}" * 800])
    if k == 5:
        doc = {"type": "set_target_id", "target_id": rng.choice([2 ** 31, 2 ** 32 + 1, 2 ** 53 + 1, 2 ** 63 - 1,
                                                                 -(2 ** 63), 0, -1])}
        return json.dumps(doc).encode()
    return json.dumps({rng.choice(["type", "target_id", "x"]): rand_json(rng) for _ in range(rng.randint(0, 4))}).encode()


def frame_command(rng, env, n):
    clips = [env["good_clip"]] + [c["id"] for c in env["bad_clips"] if c.get("index")] + ["nope", "", "x" * 300]
    cid = rng.choice(clips)
    idx = env["indexes"].get(cid) or env["good_index"]
    iraps = [c["offset"] for c in idx["iraps"]] or [0]
    offsets = [f["offset"] for c in idx["iraps"] for f in c["frames"]] or [0]
    num = lambda: rng.choice([rng.choice(iraps), rng.choice(offsets), rng.choice(offsets) + 1, 0, -1, 2 ** 63 - 1,
                              2 ** 63, 2 ** 64, 10 ** 30, 1.5, "12", None, rng.randrange(100000)])
    typ = rng.choice(["request_frames", "request_frames", "request_chunk", "register_chunks", "register_clip",
                      "nope", "", rand_json(rng)])
    doc = {"type": typ, "request_id": f"j{n}", "clip_id": cid}
    if rng.random() < 0.1:
        doc["request_id"] = rng.choice([rand_json(rng), "r" * 129, ""])
    if typ == "register_clip":
        doc["clip_id"] = rng.choice(["fzc-" + str(rng.randrange(8)), cid, "bad id", "a/b", "\u00ff", ""])
        doc["uri"] = rng.choice(["file://" + env["good_path"], "file:///dev/null", "file:///dev/zero",
                                 "file:///proc/self/maps", "file:///", "file:///etc", "file://relative", "s3://",
                                 "s3://bucket", "file:///nonexistent.hevc"] + env["bad_uris"] + [rand_json(rng)])
    else:
        doc["irap"] = num()
        doc["iraps"] = [num() for _ in range(rng.choice([0, 1, 2, 5]))]
        doc["offsets"] = [num() for _ in range(rng.choice([0, 1, 3, 8]))]
        if rng.random() < 0.05:
            doc["offsets"] = list(range(0, 1001))
        if rng.random() < 0.3:
            doc["quality"] = rng.choice([1, 50, 100, 0, 101, -1, 2 ** 40, 50.5, "90"])
    for key in list(doc):
        if key != "type" and rng.random() < 0.08:
            del doc[key]
    body = json.dumps(doc).encode()
    return body


def ws_json_cases(rng, n_per_endpoint):
    """Random commands on one connection per endpoint; each must get its
    answer (sessions: ack/error in order; frames: the request's terminal
    message; cameras: read_only)."""
    cases = []
    for ep in ("session", "frames", "camera"):
        seed = rng.getrandbits(64)

        def run(env, ep=ep, seed=seed):
            r = random.Random(seed)
            res = Result()
            path = dict(ws_endpoints(env))[ep]
            conn, refused = wire.WsConn.open(env["port"], path)
            if conn is None:
                check_http(refused, res)
                res.fail(f"upgrade refused: {refused.statuses}")
                return res
            answered = 0
            sent_log = []
            try:
                cursor = 0
                for n in range(n_per_endpoint):
                    body = session_command(r) if ep != "frames" else frame_command(r, env, n)
                    sent_log.append(body)
                    res.sent = b"\n".join(sent_log[-5:])
                    too_big = len(body) > env["max_ws_message_bytes"]
                    if not conn.send(F(T, body, mask_key=bytes(r.randrange(256) for _ in range(4)))):
                        res.fail("could not send")
                        break
                    if too_big:
                        conn.pump(b"", until=lambda c: c.close_code is not None or c.eof, timeout=10)
                        res.close_codes.append(conn.close_code)
                        if conn.close_code != 1009:
                            res.fail(f"{len(body)}-byte message: close {conn.close_code}, expected 1009")
                            break
                        # Over the limit ends the connection, as it should: go on on a new one.
                        conn.close()
                        conn, refused = wire.WsConn.open(env["port"], path)
                        if conn is None:
                            check_http(refused, res)
                            res.fail(f"upgrade refused after a 1009: {refused.statuses}")
                            return res
                        cursor = 0
                        answered += 1
                        continue
                    if ep == "session":
                        i = conn.wait_text(lambda m: m.get("type") in ("ack", "error"), cursor, timeout=15)
                        ok = i is not None
                        if ok:
                            m = conn.text(i)
                            if m["type"] == "error" and m.get("error") not in SESSION_CODES:
                                res.fail(f"undocumented error code {m.get('error')!r} for {body[:200]!r}")
                            if m["type"] == "error" and not m.get("detail"):
                                res.fail(f"error without detail for {body[:200]!r}: {m}")
                    elif ep == "camera":
                        i = conn.wait_text(lambda m: m.get("type") == "error", cursor, timeout=15)
                        ok = i is not None
                        if ok and conn.text(i).get("error") != "read_only":
                            res.fail(f"camera stream answered {conn.text(i)}")
                    else:
                        rid = expected_rid(body)
                        i = conn.wait_text(lambda m: is_terminal(m, rid), cursor, timeout=30)
                        ok = i is not None
                        if ok:
                            for k in range(cursor, i + 1):
                                m = conn.text(k)
                                if m.get("type") == "error":
                                    res.statuses.append(m.get("error"))
                                    if m.get("error") not in FRAME_CODES:
                                        res.fail(f"error {m.get('error')!r} ({m.get('detail')!r}) for {body[:300]!r}")
                    if not ok:
                        why = f"close {conn.close_code}" if conn.close_code else ("EOF" if conn.eof else "silence")
                        res.fail(f"no answer to {body[:300]!r} ({why})")
                        res.maybe_crash = True
                        break
                    cursor = i + 1
                    answered += 1
            finally:
                if conn is not None:
                    conn.close()
            res.outcome = f"{answered}/{n_per_endpoint}"
            return res
        cases.append(Case("ws.json." + ep, f"json.{ep}", run))
    return cases


def expected_rid(body):
    try:
        doc = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(doc, dict):
        return ""
    rid = doc.get("request_id", "")
    return rid if isinstance(rid, str) and len(rid) <= 128 else ""


def is_terminal(m, rid):
    if m.get("request_id", "") != rid:
        return False
    t = m.get("type")
    if t in ("clip_registered", "chunks_registered", "request_done", "dropped"):
        return True
    return t == "error" and "offset" not in m


# -- H.265 -------------------------------------------------------------------

def encode_clip(path, fmt, frames=30, gop=10, size="128x72"):
    """A small libx265 clip; single-threaded so the bytes are the same on
    every run (the reproducers name offsets into them)."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-threads", "1", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
         "-frames:v", str(frames), "-pix_fmt", "yuv420p", "-c:v", "libx265", "-preset", "ultrafast",
         "-x265-params", f"keyint={gop}:min-keyint={gop}:bframes=3:no-open-gop=1:pools=none:frame-threads=1:"
                         "log-level=error", "-fflags", "+bitexact", "-flags", "+bitexact", "-f", fmt, path],
        check=True, timeout=120)


def corrupt_variants(rng, raw, mp4):
    """(name, bytes) of broken clips derived from the valid ones."""
    out = []
    nal_starts = [i for i in range(len(raw) - 4) if raw[i:i + 3] == b"\0\0\1"]
    for k in range(4):
        out.append((f"raw.trunc{k}", raw[:rng.randrange(1, len(raw))]))
    out.append(("raw.trunc_mid_nal", raw[:nal_starts[len(nal_starts) // 2] + 7]))
    out.append(("raw.headers_only", raw[:nal_starts[3] if len(nal_starts) > 3 else 40]))
    for k, flips in enumerate([1, 8, 64, 512]):
        d = bytearray(raw)
        for _ in range(flips):
            d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
        out.append((f"raw.flip{flips}", bytes(d)))
    for k in range(3):
        d = bytearray(raw)
        for _ in range(4):
            d[rng.randrange(min(120, len(d)))] ^= 1 << rng.randrange(8)
        out.append((f"raw.flip_params{k}", bytes(d)))
    d = bytearray(raw)
    for s in rng.sample(nal_starts, min(10, len(nal_starts))):
        d[s + 3] = rng.randrange(256)  # NAL header: random type/layer
    out.append(("raw.nal_types", bytes(d)))
    d = bytearray(raw)
    for s in nal_starts:
        if (raw[s + 3] >> 1) & 0x3F in (19, 20, 21):
            for j in range(s + 5, min(s + 15, len(d))):
                d[j] = 0xFF  # slice headers
    out.append(("raw.irap_slices_ff", bytes(d)))
    out.append(("random.4k", bytes(rng.randrange(256) for _ in range(4096))))
    out.append(("random.startcodes", b"".join(b"\0\0\0\1" + bytes([rng.choice([0x40, 0x42, 0x44, 0x26, 0x02, 0x4e])])
                                              + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
                                              for _ in range(300))))
    out.append(("startcodes.only", b"\0\0\1" * 2000))
    out.append(("empty", b""))
    out.append(("one_byte", b"\0"))
    out.append(("startcode", b"\0\0\0\1"))
    out.append(("zeros.64k", b"\0" * 65536))
    out.append(("raw.twice", raw + raw))
    out.append(("raw.plus_trunc", raw + raw[:len(raw) // 3]))
    out.append(("raw.reversed_nals", b"".join(reversed([raw[a:b] for a, b in zip(nal_starts, nal_starts[1:] + [len(raw)])]))))
    # MP4: truncation, flips in the moov box, lying box sizes.
    out.append(("mp4.trunc_half", mp4[:len(mp4) // 2]))
    out.append(("mp4.trunc_64", mp4[:64]))
    moov = mp4.find(b"moov")
    for k in range(3):
        d = bytearray(mp4)
        if moov > 0:
            for _ in range(6):
                d[rng.randrange(moov, len(d) if moov > len(d) // 2 else min(len(d), moov + 2000))] ^= 1 << rng.randrange(8)
        out.append((f"mp4.moov_flip{k}", bytes(d)))
    for label, size in [("mp4.box_size_huge", 0xFFFFFFFF), ("mp4.box_size_zero", 0), ("mp4.box_size_one", 1),
                        ("mp4.box_size_small", 3)]:
        d = bytearray(mp4)
        for tag in (b"moov", b"mdat", b"stsz", b"hvcC"):
            at = mp4.find(tag)
            if at >= 4:
                d[at - 4:at] = struct.pack("!I", size)
        out.append((label, bytes(d)))
    d = bytearray(mp4)
    at = mp4.find(b"stsz")
    if at > 0:
        for j in range(at + 12, min(at + 40, len(d))):
            d[j] = 0xFF  # sample sizes / count
    out.append(("mp4.stsz_ff", bytes(d)))
    d = bytearray(mp4)
    at = mp4.find(b"hvcC")
    if at > 0:
        for j in range(at + 4, min(at + 60, len(d))):
            d[j] ^= rng.randrange(1, 256)
    out.append(("mp4.hvcc_garbled", bytes(d)))
    for k in range(2):
        d = bytearray(mp4)
        for _ in range(32):
            d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
        out.append((f"mp4.flip{k}", bytes(d)))
    return out


def register_clip_case(clip_id, path, expect):
    """POST /clips for one (possibly corrupt) file; when it registers, its
    index must be served and is kept in env for the frame cases."""
    def run(env):
        res = Result()
        req = http_req(env, "POST", "/clips", {"clip_id": clip_id, "uri": "file://" + path})
        res.sent = req
        ex = wire.http_exchange(env["port"], req, timeout=30)
        check_http(ex, res, expect=expect)
        if ex.responses and ex.responses[0].status in (200, 201):
            r = wire.simple_request(env["port"], "GET", f"/clips/{clip_id}/index", timeout=15)
            if r is None or r.status != 200 or not isinstance(r.json(), dict):
                res.fail(f"registered clip's index: {r}")
                res.maybe_crash = r is None
            else:
                env["indexes"][clip_id] = r.json()
                entry = {"id": clip_id, "path": path, "index": r.json()}
                env["bad_clips"] = [c for c in env["bad_clips"] if c["id"] != clip_id] + [entry]
        return res
    return Case("h265.register", clip_id, run)


def frame_request_cases(rng, n):
    """GET /clips/{id}/frame on corrupt clips: offsets from the clip's own
    index, from the valid clip's, near misses and out of range."""
    cases = []
    for i in range(n):
        seed = rng.getrandbits(64)

        def build(env, seed=seed):
            r = random.Random(seed)
            clips = [c for c in env["bad_clips"] if c.get("index")]
            c = r.choice(clips) if clips and r.random() < 0.85 else {"id": env["good_clip"], "index": env["good_index"],
                                                                     "path": env["good_path"]}
            own = [(ch["offset"], f["offset"]) for ch in c["index"]["iraps"] for f in ch["frames"]]
            base = [(ch["offset"], f["offset"]) for ch in env["good_index"]["iraps"] for f in ch["frames"]]
            size = os.path.getsize(c["path"]) if os.path.exists(c["path"]) else 1000
            k = r.randrange(6)
            if k <= 1 and own:
                irap, off = r.choice(own)
            elif k == 2 and base:
                irap, off = r.choice(base)
            elif k == 3 and own:
                irap, off = r.choice(own)
                off += r.choice([-1, 1, 3])
            elif k == 4:
                irap, off = r.choice([(size, size), (0, size + 1), (size - 1, size - 1), (2 ** 63 - 1, 0),
                                      (0, 2 ** 63 - 1)])
            else:
                irap, off = r.randrange(size + 10), r.randrange(size + 10)
            q = r.choice(["", "&quality=1", "&quality=100", "&quality=77"])
            return http_req(env, "GET", f"/clips/{c['id']}/frame?irap={irap}&offset={off}{q}")
        cases.append(http_case("h265.frame.rest", f"frame{i}", build, expect={200, 400, 404, 422}))
    return cases


def chunk_ws_case(rng, n):
    """request_chunk / request_frames over /ws/frames for corrupt clips."""
    seed = rng.getrandbits(64)

    def run(env):
        r = random.Random(seed)
        res = Result()
        conn, refused = wire.WsConn.open(env["port"], "/ws/frames")
        if conn is None:
            check_http(refused, res)
            res.fail("upgrade refused")
            return res
        cursor, done = 0, 0
        try:
            for k in range(n):
                clips = [c for c in env["bad_clips"] if c.get("index")]
                if not clips:
                    break
                c = r.choice(clips)
                iraps = c["index"]["iraps"]
                ch = r.choice(iraps) if iraps else {"offset": 0, "frames": []}
                rid = f"c{k}"
                if r.random() < 0.5:
                    doc = {"type": "request_chunk", "request_id": rid, "clip_id": c["id"], "irap": ch["offset"],
                           "quality": r.choice([10, 90])}
                else:
                    offs = [f["offset"] for f in ch["frames"]]
                    offs = r.sample(offs, min(len(offs), 4)) + [r.randrange(1 << 20)]
                    doc = {"type": "request_frames", "request_id": rid, "clip_id": c["id"],
                           "irap": ch["offset"] + r.choice([0, 0, 0, 1]), "offsets": offs}
                body = json.dumps(doc).encode()
                res.sent = body
                conn.send(F(T, body))
                i = conn.wait_text(lambda m: is_terminal(m, rid), cursor, timeout=30)
                if i is None:
                    why = f"close {conn.close_code}" if conn.close_code else ("EOF" if conn.eof else "silence")
                    res.fail(f"no answer to {body!r} ({why})")
                    res.maybe_crash = True
                    break
                for j in range(cursor, i + 1):
                    m = conn.text(j)
                    if m.get("type") == "error":
                        res.statuses.append(m.get("error"))
                        if m.get("error") not in FRAME_CODES:
                            res.fail(f"error {m.get('error')!r} ({m.get('detail')!r}) for {body!r}")
                cursor = i + 1
                done += 1
        finally:
            conn.close()
        res.outcome = f"{done}/{n}"
        return res
    return Case("h265.frame.ws", "chunks", run)


# -- Abrupt ends, floods and churn ---------------------------------------------

def _rst(sock):
    """Closes with a TCP reset (SO_LINGER 0): the server's pending write or
    read fails at once, as when a client dies."""
    import socket
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


def abort_cases(rng, n):
    """Requests whose client vanishes (reset) before, during or right after
    the answer: actor replies then land on a dead connection."""
    cases = []
    for i in range(n):
        seed = rng.getrandbits(64)

        def run(env, seed=seed):
            r = random.Random(seed)
            res = Result()
            sid, clip = env["sid1"], env["good_clip"]
            c0 = env["good_index"]["iraps"][-1]
            kind = r.randrange(6)
            if kind == 0:
                data = http_req(env, "GET", "/cameras/cam_02/latest.jpg", close=False)
            elif kind == 1:
                f = r.choice(c0["frames"])
                data = http_req(env, "GET", f"/clips/{clip}/frame?irap={c0['offset']}&offset={f['offset']}&quality="
                                + str(r.randint(1, 100)), close=False)
            elif kind == 2:
                data = b"".join(http_req(env, "GET", p, close=False) for p in ("/cameras", "/readyz", "/tracks?limit=5",
                                                                               f"/sessions/{sid}", "/store"))
            elif kind == 3:
                data = upgrade(env, f"/ws/sessions/{sid}") + F(T, b'{"type":"set_target_id","target_id":1}')
            elif kind == 4:
                f = c0["frames"]
                data = upgrade(env, "/ws/frames") + F(T, json.dumps(
                    {"type": "request_chunk", "request_id": "a", "clip_id": clip, "irap": c0["offset"],
                     "quality": 95}).encode())
            else:
                data = upgrade(env, "/ws/cameras/cam_01?fps=120")
            cut = r.choice([len(data), len(data), r.randrange(1, len(data))])
            res.sent = data[:cut] + b" <reset>"
            try:
                s = wire.connect(env["port"])
                s.sendall(data[:cut])
                if r.random() < 0.5:
                    s.settimeout(0.5)
                    try:
                        s.recv(r.choice([1, 100, 5000]))  # some of the answer, then vanish
                    except OSError:
                        pass
                _rst(s)
            except OSError as err:
                res.fail(f"connect/send failed: {wire.errno_name(err)}")
                res.maybe_crash = True
            res.outcome = f"kind{kind}"
            res.maybe_crash = True  # always check liveness after one
            return res
        cases.append(Case("abort", f"abort{i}", run))
    return cases


def flood_cases():
    """Many commands in one write: each still gets its answer (sessions: in
    order, ack/error or too_many_pending_commands; frames: every request
    ends in request_done, dropped or error)."""
    def run_session(env):
        res = Result()
        path = f"/ws/sessions/{env['sid1']}"
        conn, refused = wire.WsConn.open(env["port"], path)
        if conn is None:
            check_http(refused, res)
            res.fail("upgrade refused")
            return res
        n = 200
        cmds = [F(T, b'{"type":"set_target_id","target_id":%d}' % (k % 7) if k % 3 else CLEAR) for k in range(n)]
        data = b"".join(cmds)
        res.sent = data[:300] + b"..."
        got = [0]

        def enough(c):
            got[0] = sum(1 for k in range(len(c.frames)) if c.text(k).get("type") in ("ack", "error"))
            return got[0] >= n
        try:
            conn.pump(data, until=enough, timeout=30)
        finally:
            conn.close()
        codes = collections_counter(conn.text(k).get("error") for k in range(len(conn.frames))
                                    if conn.text(k).get("type") == "error")
        res.outcome = f"{got[0]}/{n}"
        if got[0] < n:
            res.fail(f"{n} commands in one write got {got[0]} answers (close {conn.close_code})")
            res.maybe_crash = True
        bad = set(codes) - SESSION_CODES
        if bad:
            res.fail(f"undocumented error codes {bad}")
        return res

    def run_frames(env):
        res = Result()
        conn, refused = wire.WsConn.open(env["port"], "/ws/frames")
        if conn is None:
            check_http(refused, res)
            res.fail("upgrade refused")
            return res
        clip = env["good_clip"]
        pairs = [(c["offset"], f["offset"]) for c in env["good_index"]["iraps"] for f in c["frames"]]
        n = 40
        data = b"".join(F(T, json.dumps({"type": "request_frames", "request_id": f"f{k}", "clip_id": clip,
                                          "irap": pairs[k % len(pairs)][0], "offsets": [pairs[k % len(pairs)][1]],
                                          "quality": 20 + k}).encode()) for k in range(n))
        res.sent = data[:300] + b"..."
        done = set()

        def enough(c):
            for k in range(len(c.frames)):
                m = c.text(k)
                if m.get("request_id", "").startswith("f") and is_terminal(m, m.get("request_id")):
                    done.add(m["request_id"])
            return len(done) >= n
        try:
            conn.pump(data, until=enough, timeout=60)
        finally:
            conn.close()
        res.outcome = f"{len(done)}/{n}"
        if len(done) < n:
            res.fail(f"{n} frame requests in one write: {len(done)} ended (close {conn.close_code})")
            res.maybe_crash = True
        return res
    return [Case("ws.flood", "session.200_commands", run_session), Case("ws.flood", "frames.40_requests", run_frames)]


def collections_counter(it):
    import collections
    return collections.Counter(it)


def churn_case(rng, n):
    """Sessions on cam_03 created, subscribed to and deleted while their
    sockets are open: each socket ends with close 1000."""
    def run(env):
        res = Result()
        port = env["port"]
        for k in range(n):
            r = wire.simple_request(port, "POST", "/sessions", {"camera_id": "cam_03"}, timeout=15)
            if r is None or r.status not in (200, 201):
                res.fail(f"POST /sessions cam_03: {r}")
                res.maybe_crash = r is None
                return res
            sid = r.json()["session_id"]
            env["sid3"] = sid
            conns = []
            for _ in range(3):
                c, refused = wire.WsConn.open(port, f"/ws/sessions/{sid}")
                if c is None:
                    check_http(refused, res)
                    if refused.statuses != [404]:  # a racing delete may have won
                        res.fail(f"subscribe to {sid}: {refused.statuses}")
                    continue
                c.send(F(T, CLEAR))
                conns.append(c)
            d = wire.simple_request(port, "DELETE", f"/sessions/{sid}", timeout=15)
            if d is None or d.status not in (200, 404):
                res.fail(f"DELETE /sessions/{sid}: {d}")
            for c in conns:
                c.pump(b"", until=lambda c: c.close_code is not None or c.eof, timeout=15)
                res.close_codes.append(c.close_code)
                if c.close_code != 1000:
                    res.fail(f"subscriber of a deleted session: close {c.close_code} {c.close_reason!r}, expected 1000")
                c.close()
            res.sent = f"POST /sessions cam_03; 3 x WS /ws/sessions/{sid}; DELETE /sessions/{sid}".encode()
        # Viewers of a camera that is reinitialised under them.
        viewers = []
        for _ in range(3):
            c, refused = wire.WsConn.open(port, "/ws/cameras/cam_03?fps=5")
            if c is None:
                check_http(refused, res)
                res.fail(f"viewer of cam_03 refused: {refused.statuses}")
            else:
                viewers.append(c)
        for _ in range(n * 2):
            r = wire.simple_request(port, "POST", "/cameras/cam_03/reinit", timeout=15)
            if r is None or r.status != 200:
                res.fail(f"POST /cameras/cam_03/reinit: {r}")
                res.maybe_crash = r is None
        for c in viewers:
            # Each viewer still hears from the camera (state or a frame) or
            # is closed with a reason; never silence.
            if not c.pump(b"", until=lambda c: len(c.frames) > 0 or c.close_code is not None, timeout=15):
                res.fail("a viewer of a reinitialised camera got nothing within 15 s")
            elif c.eof and c.close_code is None and not c.frames:
                res.fail("a viewer of a reinitialised camera was dropped without a close frame")
            c.close()
        res.sent += b"; 3 x WS /ws/cameras/cam_03?fps=5; POST /cameras/cam_03/reinit x%d" % (n * 2)
        res.outcome = f"{n} cycles"
        return res
    return Case("session.churn", "churn", run)


def round_variants(rng, raw, mp4, n):
    """Fresh corrupt clips for one round (generic byte mutations of the
    valid clips)."""
    out = []
    for k in range(n):
        base = raw if rng.random() < 0.6 else mp4
        data = bytearray(base)
        for _ in range(rng.choice([1, 2, 4, 16])):
            i = rng.randrange(len(data))
            op = rng.randrange(4)
            if op == 0:
                data[i] ^= 1 << rng.randrange(8)
            elif op == 1:
                data[i:i + 4] = rng.choice([b"\0\0\1", b"\0\0\0\1", b"\xff\xff\xff\xff", b"\0\0\0\0"])
            elif op == 2:
                del data[i:i + rng.randrange(1, 200)]
            else:
                data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        out.append(bytes(data))
    return out
