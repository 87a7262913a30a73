#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A loopback ONVIF PTZ device for tests (issue 16), Python stdlib only.

What it serves
    SOAP 1.2 over HTTP on 127.0.0.1, answering with responses recorded from
    real cameras: the XML files the npm package `onvif` ships in
    test/serverMockup/ (pinned as onvif@0.8.0 in package.json; `make
    node-deps` installs it into node_modules/). The recorded service addresses
    (http://192.168.68.111/onvif/services, http://192.168.30.65/...) are
    rewritten to http://127.0.0.1:PORT/... and rtsp:// hosts to 127.0.0.1.
    Nothing of the npm package's own mock server is used: only its data.

    The operation is the local name of the SOAP Body's first child, looked up
    together with the service its namespace names (device, media, ptz,
    imaging, events). Each recorded file answers the operation its
    <...Response> element names, for the service its file name prefix names
    (ptz.ContinuousMove.xml, media.GetVideoSources.xml) or, without a
    prefix, the service of that element's namespace (GetStatus.xml holds
    tptz:GetStatusResponse: PTZ; GetProfiles.xml trt:: media). The prefix
    wins because several media.* recordings carry a tds: response element.
    recording_for(service, op) says which file answers. Files that are not
    well-formed XML (Error.xml, and files with an unbound prefix) and
    Probe.xml (WS-Discovery) are left out: see skipped_files. doT template
    marks in some recordings are resolved ({{? it.bad }} variants dropped,
    other conditionals kept, {{= }} filled). An operation with no recording
    is a SOAP fault env:Receiver / ter:ActionNotSupported (HTTP 500).
    HTTP/1.1 with keep-alive; POST on any path under /onvif/ (the recorded
    camera has one endpoint, /onvif/services, for all services; the entry
    point is /onvif/device_service), 404 elsewhere; the path is recorded.

Authentication
    WS-Security UsernameToken with PasswordDigest:
    Password == base64(sha1(base64decode(Nonce) + Created + password)).
    Pre-authentication operations (ONVIF Core, "access class PRE_AUTH"):
    GetSystemDateAndTime, GetCapabilities, GetServices,
    GetServiceCapabilities, GetWsdlUrl, GetHostname and GetEndpointReference
    are answered without a header. Every other operation needs a valid
    digest, and a header that is present is always checked, on every
    operation: a wrong user or digest, or a PasswordText token, is refused
    with env:Sender / ter:NotAuthorized, HTTP 400. Created is not checked
    against the clock (no replay window), since clients derive it from
    GetSystemDateAndTime's recorded 2014 date.

Checks that make a wrong client fail
    PTZ operations need ProfileToken "main" (the recorded profile) or get
    env:Sender/ter:InvalidArgVal/ter:NoProfile (400); velocities outside
    [-1, 1] give ter:InvalidVelocity, a space URI other than the generic
    space of the operation gives ter:SpaceNotSupported, an unparsable Timeout
    gives ter:InvalidArgVal, GotoPreset to an unknown token ter:NoToken, and a
    body that is not XML env:Sender/ter:WellFormed.

The stateful variant (stateful=True)
    Keeps a pose in the ONVIF generic spaces, pan and tilt in [-1, 1], zoom in
    [0, 1], integrated on the device's clock (time.monotonic unless a test
    passes `clock=`). ContinuousMove sets the velocity of the axes it names
    (an omitted PanTilt or Zoom leaves that axis as it was): velocity 1 moves
    pan by pan_speed, tilt by tilt_speed and zoom by zoom_speed units per
    second. A Timeout (ISO-8601 duration, PT1S, PT0.5S) ends the move after
    that long, clamped to the recorded PTZTimeout range PT0S..PT10S; without
    one the recorded DefaultPTZTimeout applies (PT1093754.348S, i.e. until
    Stop). Stop stops the axes it names (PanTilt/Zoom absent = true, as
    ONVIF says). GotoHomePosition, GotoPreset, AbsoluteMove and RelativeMove
    drive every axis to its target at full speed (pan_speed etc., times the
    request's Speed when given) and stop there. Positions clamp to the range.
    GetStatus answers the recorded GetStatus.xml with Position, MoveStatus
    (MOVING/IDLE per PanTilt and Zoom) and UtcTime filled in. Presets are the
    tokens of ptz.GetPresets.xml, each with a pose (`device.presets`); Home
    and Home2 are the home pose. SetPreset stores the current pose and
    RemovePreset removes one. The non-stateful variant answers every
    recording verbatim (addresses rewritten), GetStatus included.

Test hooks
    calls() lists every request in order, as it arrives (before it is
    answered): {"op", "path", "t" (the device clock), "auth" ({"username",
    "digest_ok"} or None without a WS-Security header), "fields" (parsed
    arguments: profile, pan, tilt, zoom, pan_tilt_space, zoom_space, timeout,
    stop_pan_tilt, stop_zoom, preset, speed_*...; None when absent), "ns" (the
    operation's namespace) and "injected" (the fail() mode used, or None)};
    op is None for a body that is not a SOAP envelope. wait_for(predicate)
    waits on a Condition. fail(op, mode, count, delay_s) answers the next
    count requests of op (or "*") with: soap_fault (env:Receiver/ter:Action/
    ter:InjectedFault, HTTP 500), http_500 (text/plain), unauthorized
    (env:Sender/ter:NotAuthorized, HTTP 400) or hang (held delay_s, then
    answered normally; stop() drops it unanswered). A faulted request changes
    no state. stop() closes the listening socket and every connection (a
    device that goes away) and start() comes back on the same port, with its
    pose, presets and calls kept.

Command line (manual runs and tests/integration/onvif_device_client.js):
    /usr/bin/python3 tests/integration/onvif_device.py [--port 0] [--stateful]
        [--username admin] [--password secret]
    prints "READY <port>" once listening; SIGTERM or SIGINT stops it.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import math
import os
import re
import signal
import socket
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_MOCKUPS = os.path.join(REPO, "node_modules", "onvif", "test", "serverMockup")

NS_SOAP = "http://www.w3.org/2003/05/soap-envelope"
NS_DEVICE = "http://www.onvif.org/ver10/device/wsdl"
NS_MEDIA = "http://www.onvif.org/ver10/media/wsdl"
NS_PTZ = "http://www.onvif.org/ver20/ptz/wsdl"
NS_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
DIGEST_TYPE = ("http://docs.oasis-open.org/wss/2004/01/"
               "oasis-200401-wss-username-token-profile-1.0#PasswordDigest")

PRE_AUTH_OPS = frozenset({
    "GetSystemDateAndTime", "GetCapabilities", "GetServices", "GetServiceCapabilities",
    "GetWsdlUrl", "GetHostname", "GetEndpointReference"})

PTZ_PROFILE_OPS = frozenset({
    "ContinuousMove", "Stop", "GetStatus", "AbsoluteMove", "RelativeMove", "GotoHomePosition",
    "SetHomePosition", "GetPresets", "GotoPreset", "SetPreset", "RemovePreset"})

SPACE_PT_VELOCITY = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace"
SPACE_Z_VELOCITY = "http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace"
SPACE_PT_POSITION = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace"
SPACE_Z_POSITION = "http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace"
SPACE_PT_TRANSLATION = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationGenericSpace"
SPACE_Z_TRANSLATION = "http://www.onvif.org/ver10/tptz/ZoomSpaces/TranslationGenericSpace"
SPACE_PT_SPEED = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/GenericSpeedSpace"
SPACE_Z_SPEED = "http://www.onvif.org/ver10/tptz/ZoomSpaces/ZoomGenericSpeedSpace"

FAIL_MODES = ("soap_fault", "http_500", "unauthorized", "hang")

_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_RECORDED_HOST = re.compile(r"(https?|rtsp)://192\.168\.\d{1,3}\.\d{1,3}(?::\d+)?")
_CONDITIONAL = re.compile(r"\{\{\?([^}]*)\}\}(.*?)\{\{\?\}\}", re.S)
_INTERPOLATION = re.compile(r"\{\{=([^}]*)\}\}")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")

SERVICE_OF_NS = {
    "http://www.onvif.org/ver10/device/wsdl": "device",
    "http://www.onvif.org/ver10/media/wsdl": "media",
    "http://www.onvif.org/ver20/ptz/wsdl": "ptz",
    "http://www.onvif.org/ver20/imaging/wsdl": "imaging",
    "http://www.onvif.org/ver10/events/wsdl": "events",
    "http://docs.oasis-open.org/wsn/b-2": "events",
}


def _untemplate(text):
    """Undo the doT template marks some recordings carry: `{{? it.bad }}X{{?}}`
    (the mock's broken-answer variant) goes, every other conditional keeps its
    content (ptz.GetPresets.xml's `{{? !it.one }}` keeps all 46 presets); the
    declaration says UTF-8 (two files say utf-16 but are UTF-8 bytes)."""
    text = _CONDITIONAL.sub(lambda m: "" if m.group(1).strip() == "it.bad" else m.group(2), text)
    return _XML_DECL.sub('<?xml version="1.0" encoding="UTF-8"?>', text, count=1)


def parse_duration(text):
    """ISO-8601 duration (PnDTnHnMnS, fractions allowed) in seconds, or None."""
    m = _DURATION.match((text or "").strip())
    if not m or text.strip() in ("P", "PT") or text.strip().endswith("T"):
        return None
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + s


def password_digest(nonce_b64, created, password):
    """The WS-Security UsernameToken PasswordDigest."""
    raw = base64.b64decode(nonce_b64) + created.encode() + password.encode()
    return base64.b64encode(hashlib.sha1(raw).digest()).decode()


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag):
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _child(el, name):
    if el is None:
        return None
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _path(el, *names):
    for n in names:
        el = _child(el, n)
    return el


def _text(el):
    return el.text.strip() if el is not None and el.text is not None else None


def _float_attr(el, name):
    if el is None or el.get(name) is None:
        return None
    return float(el.get(name))


def _bool(text):
    if text is None:
        return None
    return text.strip().lower() in ("true", "1")


def soap_fault(code, subcodes, reason):
    """A SOAP 1.2 Fault envelope: code env:Sender|env:Receiver, ter: subcodes."""
    sub = ""
    for s in reversed(subcodes):
        sub = f"<env:Subcode><env:Value>{s}</env:Value>{sub}</env:Subcode>"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<env:Envelope xmlns:env="{NS_SOAP}" xmlns:ter="http://www.onvif.org/ver10/error">'
            "<env:Body><env:Fault>"
            f"<env:Code><env:Value>{code}</env:Value>{sub}</env:Code>"
            f'<env:Reason><env:Text xml:lang="en">{reason}</env:Text></env:Reason>'
            "</env:Fault></env:Body></env:Envelope>")


class _Fault(Exception):
    def __init__(self, status, code, subcodes, reason):
        super().__init__(reason)
        self.status, self.body = status, soap_fault(code, subcodes, reason)


def _sender(reason, *subcodes):
    return _Fault(400, "env:Sender", list(subcodes), reason)


class _Axis:
    """One axis: a position integrated from a velocity until an end time."""

    def __init__(self, lo, hi, pos):
        self.lo, self.hi = lo, hi
        self.pos, self.t0, self.vel, self.t_end, self.target = pos, 0.0, 0.0, 0.0, None

    def at(self, now):
        if self.target is not None and now >= self.t_end:
            return self.target
        dt = max(0.0, min(now, self.t_end) - self.t0)
        return min(self.hi, max(self.lo, self.pos + self.vel * dt))

    def moving(self, now):
        if self.vel == 0.0 or now >= self.t_end:
            return False
        p = self.at(now)
        return not ((self.vel > 0 and p >= self.hi) or (self.vel < 0 and p <= self.lo))

    def _rebase(self, now):
        self.pos, self.t0, self.target = self.at(now), now, None

    def velocity(self, now, vel, duration):
        self._rebase(now)
        self.vel, self.t_end = vel, now + duration

    def stop(self, now):
        self._rebase(now)
        self.vel, self.t_end = 0.0, now

    def move_to(self, now, target, speed):
        self._rebase(now)
        target = min(self.hi, max(self.lo, target))
        dist = target - self.pos
        if dist == 0.0 or speed <= 0.0:
            self.pos, self.vel, self.t_end = target, 0.0, now
            return
        self.vel = math.copysign(speed, dist)
        self.t_end, self.target = now + abs(dist) / speed, target


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, device):
        self.device = device
        self.conns = set()
        self.conns_lock = threading.Lock()
        super().__init__(addr, handler)

    def process_request(self, request, client_address):
        # ThreadingMixIn's, plus a record of the socket and thread so that stop()
        # can close every connection and wait (bounded) for every handler
        t = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                             daemon=True)
        with self.conns_lock:
            self.conns.add(request)
            self.threads = [x for x in getattr(self, "threads", []) if x.is_alive()] + [t]
        t.start()

    def shutdown_request(self, request):
        with self.conns_lock:
            self.conns.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        pass  # a client or stop() closed the connection: not an error of the device


HTTP_REALM = "argus-onvif-device"


def _digest_fields(header):
    """The key="value" pairs of an `Authorization: Digest …` header."""
    if not header or not header.startswith("Digest "):
        return None
    return dict((k, v.strip('"')) for k, v in re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', header[7:]))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "argus-onvif-device/1"
    sys_version = ""

    def log_message(self, *args):
        pass

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status, body, content_type):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self):
        self._send(405, "POST SOAP 1.2 requests\n", "text/plain")

    def do_POST(self):
        body = self._read_body()
        device = self.server.device
        if device.http_digest and not device._http_digest_ok(
                self.command, self.path, self.headers.get("Authorization")):
            # RFC 7616 challenge (MD5, qop auth), as cameras that want
            # HTTP authentication answer.
            self.send_response(401)
            self.send_header("WWW-Authenticate",
                             f'Digest realm="{HTTP_REALM}", qop="auth", '
                             f'nonce="{device._http_nonce}", algorithm=MD5')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not self.path.startswith("/onvif/"):
            self._send(404, "ONVIF services are under /onvif/\n", "text/plain")
            return
        answer = self.server.device._handle(self.path, self.headers, body)
        if answer is None:  # stop() while holding a hung request: the device went away
            self.close_connection = True
            return
        status, text, ctype = answer
        self._send(status, text, ctype)


class OnvifDevice:
    """A loopback ONVIF device; see the module docstring."""

    def __init__(self, mockups_dir=None, stateful=False, username="admin", password="secret",
                 port=0, home=(0.0, 0.0, 0.0), pan_speed=0.5, tilt_speed=0.5, zoom_speed=0.5,
                 clock=time.monotonic, http_digest=False):
        self.mockups_dir = mockups_dir or DEFAULT_MOCKUPS
        if not os.path.isdir(self.mockups_dir):
            raise FileNotFoundError(
                f"ONVIF recordings not found at {self.mockups_dir}: run `make node-deps` "
                "(npm ci installs the pinned onvif package and its test/serverMockup/*.xml)")
        self.stateful = stateful
        # http_digest: every request must also carry HTTP Digest
        # authentication (some cameras want it besides WS-Security).
        self.http_digest = http_digest
        self._http_nonce = hashlib.md5(os.urandom(16)).hexdigest()
        self.http_digest_passed = 0
        self.username, self.password = username, password
        self.port = port
        self.home = tuple(float(v) for v in home)
        self.speeds = (float(pan_speed), float(tilt_speed), float(zoom_speed))
        self._clock = clock
        self._cond = threading.Condition()
        self._calls = []
        self._faults = []  # [op, mode, remaining, delay_s]
        self._stopping = threading.Event()
        self._server = None
        self._thread = None
        self._load_recordings()
        self.presets = {}
        for i, token in enumerate(self._preset_tokens):
            if token.startswith("Home"):
                self.presets[token] = self.home
            else:
                n = max(1, len(self._preset_tokens) - 1)
                self.presets[token] = (round(-0.9 + 1.8 * i / n, 6), 0.4 if i % 2 else -0.4,
                                       (i % 5) / 4.0)
        self._axes = [_Axis(-1.0, 1.0, self.home[0]), _Axis(-1.0, 1.0, self.home[1]),
                      _Axis(0.0, 1.0, self.home[2])]

    def _http_digest_ok(self, method, uri, header):
        f = _digest_fields(header)
        if not f or f.get("username") != self.username or f.get("nonce") != self._http_nonce:
            return False

        def md5(text):
            return hashlib.md5(text.encode()).hexdigest()
        ha1 = md5(f"{self.username}:{HTTP_REALM}:{self.password}")
        ha2 = md5(f"{method}:{f.get('uri', uri)}")
        if f.get("qop"):
            want = md5(f"{ha1}:{f['nonce']}:{f.get('nc')}:{f.get('cnonce')}:{f['qop']}:{ha2}")
        else:
            want = md5(f"{ha1}:{f['nonce']}:{ha2}")
        ok = f.get("uri", uri) == uri and hmac.compare_digest(want, f.get("response", ""))
        if ok:
            with self._cond:
                self.http_digest_passed += 1
        return ok

    # ---- recordings --------------------------------------------------------------------

    def _load_recordings(self):
        self._files = {}  # (service, op) -> (file name, text)
        self.skipped_files = []
        for name in sorted(os.listdir(self.mockups_dir)):
            if not name.endswith(".xml"):
                continue
            with open(os.path.join(self.mockups_dir, name), encoding="utf-8") as f:
                text = _untemplate(f.read())
            try:
                root = ET.fromstring(text.encode("utf-8"))
            except ET.ParseError:
                # Error.xml (typographic quotes), and files with an unbound prefix
                self.skipped_files.append(name)
                continue
            body = _child(root, "Body")
            resp = next(iter(body), None) if body is not None else None
            if resp is None or not _local(resp.tag).endswith("Response"):
                self.skipped_files.append(name)  # Probe.xml: WS-Discovery, not SOAP over HTTP
                continue
            op = _local(resp.tag)[:-len("Response")]
            parts = name[:-4].split(".")
            service = parts[0] if len(parts) > 1 else SERVICE_OF_NS.get(_ns(resp.tag))
            key = (service, op)
            # GetCapabilitiesEncoder.xml & co are a second device's answers: the plain name wins
            if key not in self._files or parts[-1] == op:
                self._files[key] = (name, text)
        opts = self._recording("ptz", "GetConfigurationOptions")
        tmo = _path(opts, "Body", "GetConfigurationOptionsResponse", "PTZConfigurationOptions",
                    "PTZTimeout")
        self.timeout_range = (parse_duration(_text(_child(tmo, "Min"))) or 0.0,
                              parse_duration(_text(_child(tmo, "Max"))) or 10.0)
        conf = self._recording("ptz", "GetConfigurations")
        self.default_timeout = parse_duration(_text(_path(
            conf, "Body", "GetConfigurationsResponse", "PTZConfiguration",
            "DefaultPTZTimeout"))) or math.inf
        profiles = self._recording("media", "GetProfiles")
        self.profile_tokens = [p.get("token") for p in _path(profiles, "Body", "GetProfilesResponse")
                               if _local(p.tag) == "Profiles"]
        presets = self._recording("ptz", "GetPresets")
        self._preset_tokens = [p.get("token") for p in _path(presets, "Body", "GetPresetsResponse")
                               if _local(p.tag) == "Preset"]

    def _recording(self, service, op):
        return ET.fromstring(self._files[(service, op)][1].encode("utf-8"))

    def recording_for(self, service, op):
        """The recorded file that answers op of service ("device", "media", "ptz",
        "imaging", "events"), or None."""
        hit = self._files.get((service, op))
        return hit[0] if hit else None

    def _rewrite(self, text):
        def sub(m):
            return "rtsp://127.0.0.1" if m.group(1) == "rtsp" else f"http://127.0.0.1:{self.port}"

        def fill(m):  # doT interpolations of the events recordings
            expr = m.group(1).strip()
            now = datetime.datetime.now(datetime.timezone.utc)
            if expr == "it.hostname":
                return "127.0.0.1"
            if expr == "it.port":
                return str(self.port)
            if expr == "it.pullPointUrl":
                return "/onvif/services"
            if "Date.now()+" in expr.replace(" ", ""):
                now += datetime.timedelta(milliseconds=int(re.findall(r"\d+", expr)[-1]))
            return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        return _RECORDED_HOST.sub(sub, _INTERPOLATION.sub(fill, text))

    # ---- lifecycle ---------------------------------------------------------------------

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/onvif/device_service"

    def start(self):
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", self.port), _Handler, self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name=f"onvif-device-{self.port}")
        self._thread.start()
        return self

    def stop(self):
        server = self._server
        if server is None:
            return
        self._stopping.set()  # releases hung requests without an answer
        server.shutdown()  # no more accepts
        server.server_close()  # the listening socket: new connects are refused
        with server.conns_lock:
            conns, threads = list(server.conns), list(getattr(server, "threads", []))
        for c in conns:  # open and kept-alive connections see EOF
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + 5.0
        for t in [self._thread] + threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()))
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- test hooks ----------------------------------------------------------------------

    def calls(self):
        with self._cond:
            return [dict(c) for c in self._calls]

    def clear_calls(self):
        with self._cond:
            self._calls.clear()

    def wait_for(self, predicate, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                calls = [dict(c) for c in self._calls]
                if predicate(calls):
                    return calls
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"device did not see the expected calls within {timeout} s; it saw:\n"
                        + "\n".join(f"  {c['op']} {c['path']} auth={c['auth']} {c['fields']}"
                                    for c in calls))
                self._cond.wait(left)

    def fail(self, op, mode, count=1, delay_s=0.0):
        if mode not in FAIL_MODES:
            raise ValueError(f"fail mode {mode!r} is not one of {FAIL_MODES}")
        with self._cond:
            self._faults.append([op, mode, int(count), float(delay_s)])

    def pose(self):
        now = self._clock()
        with self._cond:
            pan, tilt, zoom = (a.at(now) for a in self._axes)
            return (pan, tilt, zoom, any(a.moving(now) for a in self._axes))

    # ---- requests ----------------------------------------------------------------------

    def _take_fault(self, op):
        for f in self._faults:
            if f[0] in ("*", op) and f[2] > 0:
                f[2] -= 1
                if f[2] == 0:
                    self._faults.remove(f)
                return f[1], f[3]
        return None, 0.0

    def _auth(self, header):
        token = _path(header, "Security", "UsernameToken")
        if token is None:
            return None
        user = _text(_child(token, "Username")) or ""
        pw = _child(token, "Password")
        nonce, created = _text(_child(token, "Nonce")), _text(_child(token, "Created"))
        ok = False
        if pw is not None and (pw.get("Type") or DIGEST_TYPE) == DIGEST_TYPE and nonce and created:
            try:
                expect = password_digest(nonce, created, self.password)
                ok = user == self.username and hmac.compare_digest(expect, _text(pw) or "")
            except (ValueError, TypeError):
                ok = False
        return {"username": user, "digest_ok": ok}

    def _handle(self, path, headers, body):
        now = self._clock()
        try:
            root = ET.fromstring(body)
            if _local(root.tag) != "Envelope":
                raise ET.ParseError("not a SOAP envelope")
            req = next(iter(_child(root, "Body")))
        except (ET.ParseError, TypeError, StopIteration):
            with self._cond:
                self._calls.append({"op": None, "path": path, "t": now, "auth": None,
                                    "fields": {}, "ns": None, "injected": None})
                self._cond.notify_all()
            return 400, soap_fault("env:Sender", ["ter:WellFormed"], "Not a SOAP envelope"), \
                "application/soap+xml; charset=utf-8"
        op, ns = _local(req.tag), _ns(req.tag)
        auth = self._auth(_child(root, "Header"))
        try:
            fields = self._fields(op, req)
            field_error = None
        except (ValueError, TypeError) as e:
            fields, field_error = {}, str(e)
        with self._cond:
            mode, delay = self._take_fault(op)
            self._calls.append({"op": op, "path": path, "t": now, "auth": auth, "fields": fields,
                                "ns": ns, "injected": mode})
            self._cond.notify_all()
        ctype = "application/soap+xml; charset=utf-8"
        if mode == "hang":
            if self._stopping.wait(delay):
                return None
        elif mode == "http_500":
            return 500, "Internal Server Error\n", "text/plain"
        elif mode == "unauthorized":
            return 400, soap_fault("env:Sender", ["ter:NotAuthorized"], "Sender not Authorized"), ctype
        elif mode == "soap_fault":
            return 500, soap_fault("env:Receiver", ["ter:Action", "ter:InjectedFault"],
                                   f"Injected fault for {op}"), ctype
        try:
            if (auth is not None and not auth["digest_ok"]) or (auth is None and op not in PRE_AUTH_OPS):
                raise _sender("Sender not Authorized", "ter:NotAuthorized")
            if field_error is not None:
                raise _sender(f"Invalid argument: {field_error}", "ter:InvalidArgVal")
            text = self._answer(op, ns, fields)
            return 200, text, ctype
        except _Fault as f:
            return f.status, f.body, ctype

    def _fields(self, op, req):
        f = {}
        prof = _text(_child(req, "ProfileToken"))
        if prof is not None or op in PTZ_PROFILE_OPS:
            f["profile"] = prof

        def vec(el, prefix=""):
            pt, z = _child(el, "PanTilt"), _child(el, "Zoom")
            f[prefix + "pan"] = _float_attr(pt, "x")
            f[prefix + "tilt"] = _float_attr(pt, "y")
            f[prefix + "zoom"] = _float_attr(z, "x")
            f[prefix + "pan_tilt_space"] = pt.get("space") if pt is not None else None
            f[prefix + "zoom_space"] = z.get("space") if z is not None else None

        if op == "ContinuousMove":
            vec(_child(req, "Velocity"))
            f["timeout"] = _text(_child(req, "Timeout"))
        elif op == "Stop":
            f["stop_pan_tilt"] = _bool(_text(_child(req, "PanTilt")))
            f["stop_zoom"] = _bool(_text(_child(req, "Zoom")))
        elif op in ("AbsoluteMove", "RelativeMove"):
            vec(_child(req, "Position" if op == "AbsoluteMove" else "Translation"))
            vec(_child(req, "Speed"), "speed_")
        elif op == "GotoHomePosition":
            vec(_child(req, "Speed"), "speed_")
        elif op in ("GotoPreset", "RemovePreset", "SetPreset"):
            f["preset"] = _text(_child(req, "PresetToken"))
            if op == "GotoPreset":
                vec(_child(req, "Speed"), "speed_")
            if op == "SetPreset":
                f["preset_name"] = _text(_child(req, "PresetName"))
        elif op == "GetConfigurationOptions":
            f["configuration"] = _text(_child(req, "ConfigurationToken"))
        elif op == "GetCapabilities":
            f["category"] = [_text(c) for c in req if _local(c.tag) == "Category"]
        elif op == "GetServices":
            f["include_capability"] = _bool(_text(_child(req, "IncludeCapability")))
        else:
            for c in req:
                if len(c) == 0 and _local(c.tag) not in f:
                    f[_local(c.tag)] = _text(c)
        return f

    # ---- answers -----------------------------------------------------------------------

    def _answer(self, op, ns, fields):
        hit = self._files.get((SERVICE_OF_NS.get(ns), op))
        if hit is None:
            raise _Fault(500, "env:Receiver", ["ter:ActionNotSupported"],
                         f"Optional Action Not Implemented: {op}")
        if ns == NS_PTZ and op in PTZ_PROFILE_OPS and fields.get("profile") not in self.profile_tokens:
            raise _sender(f"No profile {fields.get('profile')!r}", "ter:InvalidArgVal", "ter:NoProfile")
        self._validate(op, fields)
        text = hit[1]
        if self.stateful and ns == NS_PTZ:
            text = self._stateful(op, fields, text)
        return self._rewrite(text)

    def _validate(self, op, f):
        def space(key, allowed):
            if f.get(key) is not None and f[key] != allowed:
                raise _sender(f"Space {f[key]} not supported", "ter:InvalidArgVal",
                              "ter:SpaceNotSupported")

        if op == "ContinuousMove":
            for k in ("pan", "tilt", "zoom"):
                if f[k] is not None and not -1.0 <= f[k] <= 1.0:
                    raise _sender(f"Velocity {k}={f[k]} outside [-1, 1]", "ter:InvalidArgVal",
                                  "ter:InvalidVelocity")
            space("pan_tilt_space", SPACE_PT_VELOCITY)
            space("zoom_space", SPACE_Z_VELOCITY)
            if f["timeout"] is not None and parse_duration(f["timeout"]) is None:
                raise _sender(f"Timeout {f['timeout']!r} is not an ISO-8601 duration",
                              "ter:InvalidArgVal")
        elif op == "AbsoluteMove":
            space("pan_tilt_space", SPACE_PT_POSITION)
            space("zoom_space", SPACE_Z_POSITION)
        elif op == "RelativeMove":
            space("pan_tilt_space", SPACE_PT_TRANSLATION)
            space("zoom_space", SPACE_Z_TRANSLATION)
        if op in ("AbsoluteMove", "RelativeMove", "GotoHomePosition", "GotoPreset"):
            space("speed_pan_tilt_space", SPACE_PT_SPEED)
            space("speed_zoom_space", SPACE_Z_SPEED)
        if op == "GotoPreset" and f["preset"] not in self.presets:
            raise _sender(f"No preset {f['preset']!r}", "ter:InvalidArgVal", "ter:NoToken")

    def _speeds(self, f):
        factors = (f.get("speed_pan"), f.get("speed_tilt"), f.get("speed_zoom"))
        return [s * (abs(k) if k else 1.0) for s, k in zip(self.speeds, factors)]

    def _drive_to(self, now, target, f):
        for axis, goal, speed in zip(self._axes, target, self._speeds(f)):
            if goal is not None:
                axis.move_to(now, goal, speed)

    def _stateful(self, op, f, text):
        now = self._clock()
        with self._cond:
            if op == "ContinuousMove":
                secs = self.default_timeout if f["timeout"] is None else parse_duration(f["timeout"])
                secs = min(max(secs, self.timeout_range[0]), self.timeout_range[1]) \
                    if f["timeout"] is not None else secs
                for axis, v, speed in zip(self._axes, (f["pan"], f["tilt"], f["zoom"]), self.speeds):
                    if v is not None:
                        axis.velocity(now, v * speed, secs)
            elif op == "Stop":
                pt = f["stop_pan_tilt"] is not False
                z = f["stop_zoom"] is not False
                for axis, on in zip(self._axes, (pt, pt, z)):
                    if on:
                        axis.stop(now)
            elif op == "GotoHomePosition":
                self._drive_to(now, self.home, f)
            elif op == "GotoPreset":
                self._drive_to(now, self.presets[f["preset"]], f)
            elif op == "AbsoluteMove":
                self._drive_to(now, (f["pan"], f["tilt"], f["zoom"]), f)
            elif op == "RelativeMove":
                cur = [a.at(now) for a in self._axes]
                deltas = (f["pan"], f["tilt"], f["zoom"])
                self._drive_to(now, [None if d is None else c + d for c, d in zip(cur, deltas)], f)
            elif op == "SetHomePosition":
                self.home = tuple(a.at(now) for a in self._axes)
            elif op == "SetPreset":
                token = f["preset"] or f"P{len(self.presets) + 1:03d}"
                while token in self.presets and not f["preset"]:
                    token = f"P{int(token[1:]) + 1:03d}"
                self.presets[token] = tuple(a.at(now) for a in self._axes)
                text = re.sub(r"(<tptz:PresetToken>)[^<]*(</tptz:PresetToken>)",
                              lambda m: m.group(1) + token + m.group(2), text)
            elif op == "RemovePreset":
                if self.presets.pop(f["preset"], None) is None:
                    raise _sender(f"No preset {f['preset']!r}", "ter:InvalidArgVal", "ter:NoToken")
            elif op == "GetPresets":
                items = "".join(f'\n            <tptz:Preset token="{t}">\n'
                                f"                <tt:Name>{t}</tt:Name>\n"
                                "            </tptz:Preset>" for t in self.presets)
                text = re.sub(r"(<tptz:GetPresetsResponse>).*?(\s*</tptz:GetPresetsResponse>)",
                              lambda m: m.group(1) + items + m.group(2), text, flags=re.S)
            elif op == "GetStatus":
                pan, tilt, zoom = (a.at(now) for a in self._axes)
                pt_moving = self._axes[0].moving(now) or self._axes[1].moving(now)
                z_moving = self._axes[2].moving(now)
                text = self._status_xml(text, pan, tilt, zoom, pt_moving, z_moving)
        return text

    @staticmethod
    def _status_xml(text, pan, tilt, zoom, pt_moving, z_moving):
        def position(m):
            block = m.group(0)
            block = re.sub(r'(<tt:PanTilt\b[^>]*?\bx=")[^"]*', lambda n: n.group(1) + f"{pan:.6f}", block)
            block = re.sub(r'(<tt:PanTilt\b[^>]*?\by=")[^"]*', lambda n: n.group(1) + f"{tilt:.6f}", block)
            block = re.sub(r'(<tt:Zoom\b[^>]*?\bx=")[^"]*', lambda n: n.group(1) + f"{zoom:.6f}", block)
            return block

        def move_status(m):
            block = m.group(0)
            block = re.sub(r"(<tt:PanTilt>)[^<]*", lambda n: n.group(1) + ("MOVING" if pt_moving else "IDLE"), block)
            block = re.sub(r"(<tt:Zoom>)[^<]*", lambda n: n.group(1) + ("MOVING" if z_moving else "IDLE"), block)
            return block

        text = re.sub(r"<tt:Position>.*?</tt:Position>", position, text, flags=re.S)
        text = re.sub(r"<tt:MoveStatus>.*?</tt:MoveStatus>", move_status, text, flags=re.S)
        utc = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return re.sub(r"(<tt:UtcTime>)[^<]*", lambda n: n.group(1) + utc, text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--stateful", action="store_true")
    ap.add_argument("--username", default="admin")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--mockups", default=None, help="folder of recorded responses")
    args = ap.parse_args()
    device = OnvifDevice(mockups_dir=args.mockups, stateful=args.stateful, username=args.username,
                         password=args.password, port=args.port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    device.start()
    print(f"READY {device.port}", flush=True)
    done.wait()
    device.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
