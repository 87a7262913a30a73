#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The loopback ONVIF device (tests/integration/onvif_device.py) itself: the
recordings it serves and their rewritten addresses, the WS-Security digest
check, the stateful pose on an injected clock (exact, no sleeps), fault
injection, a device that goes away and comes back on its port, and the npm
`onvif` package's Cam client (tests/integration/onvif_device_client.js) as an
independent client of the stateful device.

Exit 77 (ctest: skipped) when node_modules/onvif is absent (`make
node-deps`), or when node is missing (the other tests still run first, and a
failure still fails)."""
import base64
import hashlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import onvif_device as od  # noqa: E402

NODE = shutil.which("node")
CLIENT_JS = os.path.join(HERE, "onvif_device_client.js")
NS = {"device": od.NS_DEVICE, "media": od.NS_MEDIA, "ptz": od.NS_PTZ}
PT_VEL = od.SPACE_PT_VELOCITY


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def envelope(op, inner="", service="ptz", auth=("admin", "secret"), password_type=od.DIGEST_TYPE):
    header = ""
    if auth is not None:
        user, password = auth
        nonce = base64.b64encode(os.urandom(16)).decode()
        created = "2014-12-24T19:14:37.000Z"
        pw = (od.password_digest(nonce, created, password) if password_type == od.DIGEST_TYPE
              else password)
        header = (
            f'<s:Header><Security s:mustUnderstand="1" xmlns="{od.NS_WSSE}"><UsernameToken>'
            f"<Username>{user}</Username><Password Type=\"{password_type}\">{pw}</Password>"
            f"<Nonce>{nonce}</Nonce>"
            '<Created xmlns="http://docs.oasis-open.org/wss/2004/01/'
            f'oasis-200401-wss-wssecurity-utility-1.0.xsd">{created}</Created>'
            "</UsernameToken></Security></s:Header>")
    return (f'<s:Envelope xmlns:s="{od.NS_SOAP}">{header}<s:Body>'
            f'<{op} xmlns="{NS[service]}">{inner}</{op}></s:Body></s:Envelope>')


def post(port, body, path="/onvif/services", timeout=5.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body=body.encode(),
                     headers={"Content-Type": "application/soap+xml; charset=utf-8"})
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def soap(dev, op, inner="", service="ptz", **kw):
    auth = kw.pop("auth", ("admin", "secret"))
    return post(dev.port, envelope(op, inner, service, auth=auth, **kw.pop("env", {})), **kw)


def profile(token="main"):
    return f"<ProfileToken>{token}</ProfileToken>"


def velocity(pan=None, tilt=None, zoom=None, space=None):
    pt = "" if pan is None else (
        f'<PanTilt xmlns="http://www.onvif.org/ver10/schema" x="{pan}" y="{tilt}"'
        + (f' space="{space}"' if space else "") + "/>")
    z = "" if zoom is None else f'<Zoom xmlns="http://www.onvif.org/ver10/schema" x="{zoom}"/>'
    return f"<Velocity>{pt}{z}</Velocity>"


def position_of(xml):
    root = ET.fromstring(xml)
    pos = od._path(root, "Body", "GetStatusResponse", "PTZStatus", "Position")
    ms = od._path(root, "Body", "GetStatusResponse", "PTZStatus", "MoveStatus")
    pt, z = od._child(pos, "PanTilt"), od._child(pos, "Zoom")
    return (float(pt.get("x")), float(pt.get("y")), float(z.get("x")),
            od._text(od._child(ms, "PanTilt")), od._text(od._child(ms, "Zoom")))


def fault_codes(xml):
    return re.findall(r"<env:Value>([^<]+)</env:Value>", xml)


class Base(unittest.TestCase):
    stateful = False

    def setUp(self):
        self.clock = FakeClock()
        self.dev = od.OnvifDevice(stateful=self.stateful, clock=self.clock).start()
        self.addCleanup(self.dev.stop)

    def assertPose(self, expect, moving):
        pan, tilt, zoom, m = self.dev.pose()
        for got, want, name in zip((pan, tilt, zoom), expect, ("pan", "tilt", "zoom")):
            self.assertAlmostEqual(got, want, places=9, msg=f"{name}: pose {self.dev.pose()}")
        self.assertEqual(m, moving, f"moving flag: pose {self.dev.pose()}")


class Recordings(Base):
    def test_addresses_are_rewritten_to_the_loopback_device(self):
        for op in ("GetCapabilities", "GetServices"):
            status, xml = soap(self.dev, op, service="device", auth=None)
            self.assertEqual(status, 200, xml)
            self.assertNotIn("192.168", xml)
            xaddrs = re.findall(r"<\w+:XAddr>([^<]+)</", xml)
            self.assertGreaterEqual(len(xaddrs), 5, xml)
            for x in xaddrs:
                self.assertEqual(x, f"http://127.0.0.1:{self.dev.port}/onvif/services")
        status, xml = soap(self.dev, "GetStreamUri", service="media")
        self.assertEqual(status, 200, xml)
        self.assertIn("<tt:Uri>rtsp://127.0.0.1/h264main</tt:Uri>", xml)
        self.assertEqual(self.dev.url, f"http://127.0.0.1:{self.dev.port}/onvif/device_service")

    def test_each_operation_is_answered_by_its_recording(self):
        expect = {
            ("device", "GetCapabilities"): "GetCapabilities.xml",
            ("device", "GetServices"): "GetServices.xml",
            ("device", "GetSystemDateAndTime"): "GetSystemDateAndTime.xml",
            ("device", "GetDeviceInformation"): "GetDeviceInformation.xml",
            ("media", "GetProfiles"): "GetProfiles.xml",
            ("media", "GetVideoSources"): "media.GetVideoSources.xml",
            ("ptz", "GetNodes"): "GetNodes.xml",
            ("ptz", "GetConfigurations"): "GetConfigurations.xml",
            ("ptz", "GetConfigurationOptions"): "GetConfigurationOptions.xml",
            ("ptz", "GetStatus"): "GetStatus.xml",
            ("ptz", "ContinuousMove"): "ptz.ContinuousMove.xml",
            ("ptz", "Stop"): "ptz.Stop.xml",
            ("ptz", "GotoHomePosition"): "ptz.GotoHomePosition.xml",
            ("ptz", "GetPresets"): "ptz.GetPresets.xml",
            ("ptz", "GotoPreset"): "ptz.GotoPreset.xml",
            ("ptz", "AbsoluteMove"): "ptz.AbsoluteMove.xml",
        }
        for key, name in expect.items():
            self.assertEqual(self.dev.recording_for(*key), name, key)
        self.assertIn("Error.xml", self.dev.skipped_files)  # not well-formed XML
        status, xml = soap(self.dev, "GetDeviceInformation", service="device")
        self.assertEqual(status, 200, xml)
        self.assertIn("<tds:Model>Mockup Model</tds:Model>", xml)

    def test_the_plain_device_answers_recordings_verbatim(self):
        status, xml = soap(self.dev, "GetStatus", profile())
        self.assertEqual(status, 200, xml)
        self.assertEqual(position_of(xml), (-0.864665985, 0.267444015, 0.211861998, "IDLE", "IDLE"))
        soap(self.dev, "ContinuousMove", profile() + velocity(1, 1, 1))
        self.clock.t += 5
        self.assertEqual(position_of(soap(self.dev, "GetStatus", profile())[1])[:3],
                         (-0.864665985, 0.267444015, 0.211861998))

    def test_presets_come_without_the_template_marks(self):
        status, xml = soap(self.dev, "GetPresets", profile())
        self.assertEqual(status, 200, xml)
        self.assertNotIn("{{", xml)
        tokens = re.findall(r'<tptz:Preset token="([^"]+)"', xml)
        self.assertEqual(len(tokens), 46)
        self.assertEqual(tokens[:2], ["P001", "P002"])
        ET.fromstring(xml)

    def test_unknown_operation_wrong_namespace_and_garbage_are_faults(self):
        status, xml = soap(self.dev, "FlyToTheMoon", profile())
        self.assertEqual(status, 500, xml)
        self.assertEqual(fault_codes(xml), ["env:Receiver", "ter:ActionNotSupported"])
        status, xml = soap(self.dev, "ContinuousMove", profile() + velocity(0.1, 0), service="media")
        self.assertEqual(status, 500, xml)
        self.assertIn("ter:ActionNotSupported", xml)
        status, _ = post(self.dev.port, envelope("GetSystemDateAndTime", service="device", auth=None),
                         path="/elsewhere")
        self.assertEqual(status, 404)
        status, xml = post(self.dev.port, "this is not XML")
        self.assertEqual(status, 400, xml)
        self.assertEqual(fault_codes(xml), ["env:Sender", "ter:WellFormed"])
        ops = [c["op"] for c in self.dev.calls()]
        self.assertEqual(ops, ["FlyToTheMoon", "ContinuousMove", None])

    def test_a_missing_recordings_folder_names_make_node_deps(self):
        with self.assertRaisesRegex(FileNotFoundError, "make node-deps"):
            od.OnvifDevice(mockups_dir=os.path.join(tempfile.gettempdir(), "no-such-onvif-dir"))


class Auth(Base):
    def test_valid_digest_is_accepted_and_recorded(self):
        status, xml = soap(self.dev, "GetProfiles", service="media")
        self.assertEqual(status, 200, xml)
        self.assertIn('token="main"', xml)
        call = self.dev.calls()[-1]
        self.assertEqual(call["auth"], {"username": "admin", "digest_ok": True})
        self.assertEqual(call["op"], "GetProfiles")
        self.assertEqual(call["path"], "/onvif/services")

    def test_missing_or_bad_credentials_are_refused(self):
        cases = [(None, None), (("admin", "wrong"), False), (("root", "secret"), False)]
        for auth, digest_ok in cases:
            status, xml = soap(self.dev, "ContinuousMove", profile() + velocity(0.5, 0), auth=auth)
            self.assertEqual(status, 400, f"{auth}: {xml}")
            self.assertEqual(fault_codes(xml), ["env:Sender", "ter:NotAuthorized"])
            got = self.dev.calls()[-1]["auth"]
            self.assertEqual(None if got is None else got["digest_ok"], digest_ok, auth)
        status, xml = soap(self.dev, "GetStatus", profile(),
                           env={"password_type": od.DIGEST_TYPE.replace("Digest", "Text")})
        self.assertEqual(status, 400, "a PasswordText token must be refused")
        self.assertEqual(self.dev.calls()[-1]["auth"], {"username": "admin", "digest_ok": False})

    def test_pre_auth_operations_need_no_header_but_a_wrong_one_is_refused(self):
        for op in ("GetSystemDateAndTime", "GetCapabilities", "GetServices"):
            status, xml = soap(self.dev, op, service="device", auth=None)
            self.assertEqual(status, 200, f"{op}: {xml}")
            self.assertIsNone(self.dev.calls()[-1]["auth"])
        status, xml = soap(self.dev, "GetServices", service="device", auth=("admin", "nope"))
        self.assertEqual(status, 400, xml)
        status, xml = soap(self.dev, "GetDeviceInformation", service="device", auth=None)
        self.assertEqual(status, 400, "GetDeviceInformation is not pre-auth")

    def test_digest_formula(self):
        # base64(sha1(nonce bytes + Created + password)), computed here by hand
        nonce = base64.b64encode(b"0123456789abcdef").decode()
        expect = base64.b64encode(hashlib.sha1(
            b"0123456789abcdef" + b"2024-01-01T00:00:00Z" + b"pw").digest()).decode()
        self.assertEqual(od.password_digest(nonce, "2024-01-01T00:00:00Z", "pw"), expect)


class Stateful(Base):
    stateful = True

    def move(self, pan=None, tilt=None, zoom=None, timeout=None, expect=200, **kw):
        inner = profile() + velocity(pan, tilt, zoom, **kw)
        if timeout is not None:
            inner += f"<Timeout>{timeout}</Timeout>"
        status, xml = soap(self.dev, "ContinuousMove", inner)
        self.assertEqual(status, expect, xml)
        return xml

    def status(self):
        status, xml = soap(self.dev, "GetStatus", profile())
        self.assertEqual(status, 200, xml)
        return position_of(xml)

    def test_timeout_bounds_the_move(self):
        self.move(0.5, -1, timeout="PT1S")
        self.clock.t += 0.5
        self.assertPose((0.125, -0.25, 0.0), True)
        self.assertEqual(self.status(), (0.125, -0.25, 0.0, "MOVING", "IDLE"))
        self.clock.t += 1.5
        self.assertPose((0.25, -0.5, 0.0), False)
        self.assertEqual(self.status(), (0.25, -0.5, 0.0, "IDLE", "IDLE"))
        call = [c for c in self.dev.calls() if c["op"] == "ContinuousMove"][0]
        self.assertEqual(call["fields"], {
            "profile": "main", "pan": 0.5, "tilt": -1.0, "zoom": None, "timeout": "PT1S",
            "pan_tilt_space": None, "zoom_space": None})
        self.assertEqual(call["t"], 1000.0)

    def test_fractional_and_clamped_timeouts(self):
        self.move(1, 0, timeout="PT0.5S")
        self.clock.t += 3
        self.assertPose((0.25, 0.0, 0.0), False)
        self.move(0, 0, -1, timeout="PT60S")  # the recorded PTZTimeout max is PT10S
        self.clock.t += 1
        self.assertPose((0.25, 0.0, 0.0), False)  # zoom already at its floor 0
        self.move(-0.1, 0, timeout="PT1M")  # clamped to 10 s: -0.05 units/s * 10 s
        self.clock.t += 100
        self.assertPose((-0.25, 0.0, 0.0), False)
        self.move(0.1, 0, timeout="1 second", expect=400)

    def test_without_timeout_it_moves_until_stop_or_the_end_stop(self):
        self.move(1, 0.2, 0.4)
        self.clock.t += 1
        self.assertPose((0.5, 0.1, 0.2), True)
        self.clock.t += 10
        self.assertPose((1.0, 1.0, 1.0), False)  # clamped at the range ends: not moving
        self.move(-1, 0)  # omits Zoom: zoom keeps its (finished) move
        self.clock.t += 0.5
        self.assertPose((0.75, 1.0, 1.0), True)

    def test_stop_stops_the_named_axes(self):
        self.move(0.2, 0.2, 0.2)
        self.clock.t += 1
        status, xml = soap(self.dev, "Stop", profile() + "<PanTilt>true</PanTilt><Zoom>false</Zoom>")
        self.assertEqual(status, 200, xml)
        self.clock.t += 1
        self.assertPose((0.1, 0.1, 0.2), True)
        self.assertEqual(self.status()[3:], ("IDLE", "MOVING"))
        status, xml = soap(self.dev, "Stop", profile())  # no flags: everything stops
        self.assertEqual(status, 200, xml)
        self.clock.t += 1
        self.assertPose((0.1, 0.1, 0.2), False)
        stops = [c["fields"] for c in self.dev.calls() if c["op"] == "Stop"]
        self.assertEqual(stops, [
            {"profile": "main", "stop_pan_tilt": True, "stop_zoom": False},
            {"profile": "main", "stop_pan_tilt": None, "stop_zoom": None}])

    def test_home_preset_and_absolute_moves_drive_at_full_speed(self):
        self.move(1, 1, 1, timeout="PT1S")
        self.clock.t += 1
        self.assertPose((0.5, 0.5, 0.5), False)
        self.assertEqual(soap(self.dev, "GotoHomePosition", profile())[0], 200)
        self.clock.t += 0.5
        self.assertPose((0.25, 0.25, 0.25), True)
        self.clock.t += 0.5
        self.assertPose((0.0, 0.0, 0.0), False)
        self.assertEqual(self.dev.presets["P001"], (-0.9, -0.4, 0.0))
        self.assertEqual(soap(self.dev, "GotoPreset", profile() + "<PresetToken>P001</PresetToken>")[0], 200)
        self.clock.t += 10
        self.assertPose((-0.9, -0.4, 0.0), False)
        status, xml = soap(self.dev, "GotoPreset", profile() + "<PresetToken>nope</PresetToken>")
        self.assertEqual(status, 400, xml)
        self.assertEqual(fault_codes(xml), ["env:Sender", "ter:InvalidArgVal", "ter:NoToken"])
        pos = '<Position><PanTilt xmlns="http://www.onvif.org/ver10/schema" x="2" y="0.5"/>' \
              '<Zoom xmlns="http://www.onvif.org/ver10/schema" x="0.75"/></Position>'
        self.assertEqual(soap(self.dev, "AbsoluteMove", profile() + pos)[0], 200)
        self.clock.t += 10
        self.assertPose((1.0, 0.5, 0.75), False)  # clamped to the generic space
        rel = '<Translation><PanTilt xmlns="http://www.onvif.org/ver10/schema" x="-0.5" y="0"/></Translation>'
        self.assertEqual(soap(self.dev, "RelativeMove", profile() + rel)[0], 200)
        self.clock.t += 10
        self.assertPose((0.5, 0.5, 0.75), False)

    def test_invalid_requests_leave_the_pose_alone(self):
        xml = self.move(1.5, 0, expect=400)
        self.assertEqual(fault_codes(xml), ["env:Sender", "ter:InvalidArgVal", "ter:InvalidVelocity"])
        xml = self.move(0.5, 0, space="http://example/space", expect=400)
        self.assertIn("ter:SpaceNotSupported", xml)
        status, xml = soap(self.dev, "ContinuousMove", profile("other") + velocity(0.5, 0))
        self.assertEqual(status, 400, xml)
        self.assertEqual(fault_codes(xml), ["env:Sender", "ter:InvalidArgVal", "ter:NoProfile"])
        self.move(0.5, 0, space=PT_VEL, timeout="PT1S")  # the right space is fine
        self.clock.t += 5
        self.assertPose((0.25, 0.0, 0.0), False)

    def test_presets_can_be_set_and_removed(self):
        self.move(0.4, 0, timeout="PT1S")
        self.clock.t += 2
        status, xml = soap(self.dev, "SetPreset", profile() + "<PresetName>door</PresetName>")
        self.assertEqual(status, 200, xml)
        token = re.search(r"<tptz:PresetToken>([^<]+)<", xml).group(1)
        self.assertEqual(self.dev.presets[token], (0.2, 0.0, 0.0))
        self.assertIn(f'token="{token}"', soap(self.dev, "GetPresets", profile())[1])
        self.assertEqual(soap(self.dev, "RemovePreset", profile() + f"<PresetToken>{token}</PresetToken>")[0], 200)
        self.assertNotIn(token, self.dev.presets)


class Faults(Base):
    stateful = True

    def test_soap_fault_http_500_and_unauthorized_take_their_count(self):
        self.dev.fail("GetStatus", "soap_fault", count=2)
        self.dev.fail("*", "http_500")
        for _ in range(2):
            status, xml = soap(self.dev, "GetStatus", profile())
            self.assertEqual(status, 500, xml)
            self.assertEqual(fault_codes(xml), ["env:Receiver", "ter:Action", "ter:InjectedFault"])
        status, body = soap(self.dev, "GetNodes")
        self.assertEqual((status, body), (500, "Internal Server Error\n"))
        self.assertEqual(soap(self.dev, "GetStatus", profile())[0], 200)
        self.dev.fail("ContinuousMove", "unauthorized")
        status, xml = soap(self.dev, "ContinuousMove", profile() + velocity(1, 1))
        self.assertEqual(status, 400, xml)
        self.assertEqual(fault_codes(xml), ["env:Sender", "ter:NotAuthorized"])
        self.assertPose((0.0, 0.0, 0.0), False)  # a refused move does not move
        injected = [(c["op"], c["injected"]) for c in self.dev.calls()]
        self.assertEqual(injected, [
            ("GetStatus", "soap_fault"), ("GetStatus", "soap_fault"), ("GetNodes", "http_500"),
            ("GetStatus", None), ("ContinuousMove", "unauthorized")])
        self.assertEqual(self.dev.calls()[-1]["auth"]["digest_ok"], True)
        with self.assertRaises(ValueError):
            self.dev.fail("GetStatus", "explode")

    def test_hang_delays_then_answers(self):
        self.dev.fail("GetStatus", "hang", delay_s=0.3)
        t0 = time.monotonic()
        status, _ = soap(self.dev, "GetStatus", profile())
        self.assertEqual(status, 200)
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)

    def test_a_hung_request_times_out_the_client_and_stop_releases_it(self):
        self.dev.fail("*", "hang", delay_s=60)
        with self.assertRaises(socket.timeout):
            soap(self.dev, "GetStatus", profile(), timeout=0.3)
        t0 = time.monotonic()
        self.dev.stop()
        self.assertLess(time.monotonic() - t0, 3.0, "stop() did not release the hung request")

    def test_the_device_goes_away_in_the_middle_of_a_request(self):
        self.dev.fail("GetStatus", "hang", delay_s=60)
        outcome = []

        def client():
            try:
                outcome.append(soap(self.dev, "GetStatus", profile(), timeout=30))
            except (http.client.HTTPException, ConnectionError) as e:
                outcome.append(e)

        t = threading.Thread(target=client)
        t.start()
        self.dev.wait_for(lambda cs: [c["op"] for c in cs] == ["GetStatus"])
        t0 = time.monotonic()
        self.dev.stop()
        t.join(timeout=10)
        self.assertLess(time.monotonic() - t0, 3.0)
        self.assertEqual(len(outcome), 1)
        self.assertIsInstance(outcome[0], (http.client.RemoteDisconnected, ConnectionResetError),
                              "the client should see the connection close, with no answer")


class Lifecycle(Base):
    def test_the_device_goes_away_and_returns_on_its_port(self):
        port = self.dev.port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        self.addCleanup(conn.close)
        conn.request("POST", "/onvif/services", body=envelope("GetSystemDateAndTime", service="device", auth=None))
        self.assertEqual(conn.getresponse().read().count(b"SystemDateAndTime") > 0, True)
        self.dev.stop()
        with self.assertRaises(ConnectionRefusedError):
            soap(self.dev, "GetSystemDateAndTime", service="device", auth=None)
        # the kept-alive connection was closed by the device, not left open
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            conn.request("POST", "/onvif/services",
                         body=envelope("GetSystemDateAndTime", service="device", auth=None))
            conn.getresponse().read()
        self.dev.start()
        self.assertEqual(self.dev.port, port)
        status, xml = soap(self.dev, "GetCapabilities", service="device", auth=None)
        self.assertEqual(status, 200, xml)
        self.assertIn(f"http://127.0.0.1:{port}/onvif/services", xml)
        self.assertEqual([c["op"] for c in self.dev.calls()],
                         ["GetSystemDateAndTime", "GetCapabilities"])

    def test_wait_for_returns_the_calls_or_fails_with_them(self):
        soap(self.dev, "GetSystemDateAndTime", service="device", auth=None)
        calls = self.dev.wait_for(lambda cs: any(c["op"] == "GetSystemDateAndTime" for c in cs), 1)
        self.assertEqual(len(calls), 1)
        with self.assertRaisesRegex(AssertionError, "GetSystemDateAndTime"):
            self.dev.wait_for(lambda cs: any(c["op"] == "Stop" for c in cs), timeout=0.2)
        self.dev.clear_calls()
        self.assertEqual(self.dev.calls(), [])

    def test_context_manager_and_command_line(self):
        with od.OnvifDevice() as dev:
            self.assertEqual(soap(dev, "GetSystemDateAndTime", service="device", auth=None)[0], 200)
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "onvif_device.py"), "--stateful",
                                 "--password", "pw2"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(proc.kill)
        line = proc.stdout.readline()
        self.assertRegex(line, r"^READY \d+$")
        port = int(line.split()[1])
        body = envelope("GetStatus", profile(), auth=("admin", "pw2"))
        status, xml = post(port, body)
        self.assertEqual(status, 200, xml)
        self.assertEqual(position_of(xml), (0.0, 0.0, 0.0, "IDLE", "IDLE"))
        proc.terminate()
        self.assertEqual(proc.wait(timeout=10), 0)


@unittest.skipUnless(NODE, "node is not installed (make node-deps): the npm onvif client check did not run")
class NpmOnvifClient(unittest.TestCase):
    """The npm `onvif` Cam client, a client argus did not write, against the device."""

    def run_client(self, *args):
        return subprocess.run([NODE, CLIENT_JS, *args], cwd=REPO, capture_output=True, text=True,
                              timeout=60, env={**os.environ, "ONVIF_PYTHON": sys.executable})

    def test_the_npm_client_drives_the_stateful_device(self):
        with od.OnvifDevice(stateful=True) as dev:
            r = self.run_client("--port", str(dev.port))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            calls = dev.calls()
        ops = [c["op"] for c in calls]
        # connect: pre-auth date first (no header), then authenticated requests
        self.assertEqual(ops[0], "GetSystemDateAndTime")
        self.assertIsNone(calls[0]["auth"])
        self.assertEqual(calls[0]["path"], "/onvif/device_service")
        for c in calls:
            if c["op"] in ("ContinuousMove", "Stop", "GotoHomePosition", "GotoPreset", "GetStatus"):
                self.assertEqual(c["auth"], {"username": "admin", "digest_ok": True}, c)
                self.assertEqual(c["path"], "/onvif/services", "PTZ calls go to the rewritten XAddr")
                self.assertEqual(c["fields"]["profile"], "main")
        moves = [c["fields"] for c in calls if c["op"] == "ContinuousMove"]
        self.assertEqual([(m["pan"], m["tilt"], m["zoom"], m["timeout"]) for m in moves],
                         [(0.25, 0.25, 0.0, "PT2S"), (-1.0, 0.0, 0.2, None)])
        stops = [(c["fields"]["stop_pan_tilt"], c["fields"]["stop_zoom"]) for c in calls if c["op"] == "Stop"]
        self.assertEqual(stops, [(True, False), (None, None)])
        order = [op for op in ops if op in ("ContinuousMove", "Stop", "GotoHomePosition", "GotoPreset")]
        self.assertEqual(order, ["ContinuousMove", "ContinuousMove", "Stop", "Stop", "GotoHomePosition",
                                 "GotoPreset", "GotoPreset"])
        presets = [c["fields"]["preset"] for c in calls if c["op"] == "GotoPreset"]
        self.assertEqual(presets, ["P001", "NoSuchPreset"])
        # the wrong-password connection: its digests were seen and refused
        refused = [c for c in calls if c["auth"] is not None and not c["auth"]["digest_ok"]]
        self.assertTrue(refused, "the wrong password never reached the device")
        self.assertTrue(all(c["op"] in od.PRE_AUTH_OPS for c in refused), refused)

    def test_the_npm_client_starts_the_device_itself(self):
        r = self.run_client()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK onvif client check passed", r.stdout)

    def test_the_client_check_can_fail(self):
        # the recorded (non-stateful) device never moves: the check must say so
        with od.OnvifDevice(stateful=False) as dev:
            r = self.run_client("--port", str(dev.port))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn('FAIL at step "initial status"', r.stderr)


def main():
    if not os.path.isdir(od.DEFAULT_MOCKUPS):
        print(f"SKIP: {od.DEFAULT_MOCKUPS} is missing; run `make node-deps` (npm ci installs "
              "the pinned onvif package whose recordings the device serves)", flush=True)
        return 77
    if NODE and not os.path.isdir(os.path.join(REPO, "node_modules", "onvif", "lib")):
        print("SKIP: node_modules/onvif/lib is missing; run `make node-deps`", flush=True)
        return 77
    result = unittest.main(exit=False, verbosity=2).result
    if not result.wasSuccessful():
        return 1
    if result.skipped:
        for reason in sorted({reason for _, reason in result.skipped}):
            print(f"SKIP: {reason}", flush=True)
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
