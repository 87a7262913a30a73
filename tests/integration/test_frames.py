#!/usr/bin/env python3
"""The H.265 frame server end to end: clips on a real S3-compatible server
that checks SigV4 signatures (@20minutes/s3rver) and on local files, raw
Annex-B and MP4, encoded by the ffmpeg CLI (libx265) at test time. Served
frames are compared with frames decoded independently by the ffmpeg CLI
(PSNR >= 40 dB at quality 95) for random (IRAP, frame) pairs, including the
first and last frame of chunks; the WebSocket protocol is checked against
schemas/; bad input gets precise errors. Open GOPs (x265's default: CRA
pictures with RASL leading pictures): every frame of the index is served
and matches `ffmpeg -i clip -pix_fmt gray` (Y-PSNR >= 40 dB); a clip cut at
a CRA lists that CRA's RASL pictures as undecodable, as ffmpeg drops them."""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request

import cv2
import numpy as np
import websocket

sys.path.insert(0, os.path.dirname(__file__))
from argus_server import ArgusServer, ROOT, free_port, validate  # noqa: E402

ARGUS = None
CONFIG = """
logging: {level: warn}
cameras: [{id: cam_01, source: synthetic, width: 320, height: 180, fps: 5}]
"""
S3_KEY = "S3RVER"


def encode_clip(path, size, frames, gop, fmt):
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
         "-frames:v", str(frames), "-pix_fmt", "yuv420p", "-c:v", "libx265", "-preset", "ultrafast",
         "-x265-params", f"keyint={gop}:min-keyint={gop}:bframes=3:no-open-gop=1:log-level=error",
         "-f", fmt, path], check=True, timeout=120)


def encode_open_gop_clip(path, frames, fmt):
    """x265's default parameters (open GOPs, B-frames) with a short keyint,
    so the clip has several CRAs with RASL leading pictures."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
         "-frames:v", str(frames), "-pix_fmt", "yuv420p", "-c:v", "libx265",
         "-x265-params", "keyint=24:log-level=error", "-f", fmt, path], check=True, timeout=120)


def cut_at_cra(src, dst, irap_offset):
    """The stream from the CRA at `irap_offset` on, behind the clip's
    parameter sets: a segment cut out of a longer recording."""
    with open(src, "rb") as f:
        data = f.read()
    i = 0
    while True:  # the first VCL NAL unit ends the parameter sets
        i = data.index(b"\0\0\1", i) + 3
        if (data[i] >> 1) & 0x3F < 32:
            head = data[:i - 3].rstrip(b"\0")
            break
    with open(dst, "wb") as f:
        f.write(head + data[irap_offset:])


def reference_gray(path, width, height):
    """Every frame in display order as full-range luma (`-pix_fmt gray`),
    decoded by the ffmpeg CLI."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        check=True, capture_output=True, timeout=120).stdout
    n = len(out) // (width * height)
    return np.frombuffer(out, np.uint8).reshape(n, height, width)


def jpeg_gray(data):
    """The JPEG's own (full-range) luma channel."""
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert img is not None, "not a JPEG"
    return img


def reference_frames(path, width, height):
    """Every frame in display order as RGB, decoded by the ffmpeg CLI."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True, timeout=120).stdout
    n = len(out) // (width * height * 3)
    return np.frombuffer(out, np.uint8).reshape(n, height, width, 3)


def psnr_rgb(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 100.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def luma(rgb):
    x = rgb.astype(np.float64)
    return 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]


def psnr(a, b):
    """Y-PSNR: luma computed from RGB is independent of how each decoder
    upsamples 4:2:0 chroma (libjpeg's fancy upsampling vs swscale), which
    on testsrc2's saturated colour edges alone costs ~10 dB of RGB PSNR."""
    return psnr_rgb(luma(a), luma(b))


def colour_psnr(a, b):
    """RGB PSNR of 4x4 block means: catches wrong colours or a missing
    limited-to-full range expansion, not chroma-siting differences."""
    h, w = a.shape[0] // 4 * 4, a.shape[1] // 4 * 4
    blk = lambda x: x[:h, :w].astype(np.float64).reshape(h // 4, 4, w // 4, 4, 3).mean(axis=(1, 3))
    return psnr_rgb(blk(a), blk(b))


def jpeg_rgb(data):
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None, "not a JPEG"
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


class S3Peer:
    """Starts the signature-checking S3 server and uploads with curl's
    own SigV4 signing (independent of argus' client)."""

    def __init__(self, tmp):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = os.path.join(tmp, "s3data")
        os.makedirs(data)
        self.proc = subprocess.Popen(
            ["node", os.path.join(ROOT, "tests/integration/s3_server.js"), str(self.port), data],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, NODE_PATH=os.path.join(ROOT, "node_modules")))
        line = self.proc.stdout.readline()
        if not line.startswith("listening"):
            self.proc.kill()
            raise RuntimeError("s3rver did not start: " + self.proc.stderr.read())

    def curl(self, *args):
        return subprocess.run(
            ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:s3",
             "-u", f"{S3_KEY}:{S3_KEY}", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", *args],
            check=True, capture_output=True, text=True, timeout=30).stdout

    def put(self, bucket, key, path):
        self.curl("-X", "PUT", f"{self.url}/{bucket}")
        code = self.curl("-T", path, f"{self.url}/{bucket}/{urllib.parse.quote(key)}")
        assert code == "200", f"upload failed: {code}"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class FrameServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="argus-frames-")
        cls.clips = {}
        for name, fmt, size, frames, gop in [("raw.hevc", "hevc", "320x180", 75, 30),
                                             ("clip.mp4", "mp4", "320x180", 75, 30)]:
            path = os.path.join(cls.tmp, name)
            encode_clip(path, size, frames, gop, fmt)
            cls.clips[name] = path
        cls.refs = {name: reference_frames(p, 320, 180) for name, p in cls.clips.items()}
        cls.open_clips = {}
        for name, fmt in [("open.hevc", "hevc"), ("open.mp4", "mp4")]:
            path = os.path.join(cls.tmp, name)
            encode_open_gop_clip(path, 100, fmt)
            cls.open_clips[name] = path
        cls.grays = {name: reference_gray(p, 320, 180) for name, p in cls.open_clips.items()}
        cls.s3 = S3Peer(cls.tmp)
        cls.s3.put("videos", "clips/cam 1/raw.hevc", cls.clips["raw.hevc"])
        cls.s3.put("videos", "clip.mp4", cls.clips["clip.mp4"])
        os.environ.update(AWS_ENDPOINT_URL=cls.s3.url, AWS_ACCESS_KEY_ID=S3_KEY,
                          AWS_SECRET_ACCESS_KEY=S3_KEY, AWS_REGION="us-east-1")
        cls.srv = ArgusServer(ARGUS, CONFIG)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.s3.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def register(self, clip_id, uri, expect=(201, 200)):
        status, body, _ = self.srv.request("POST", "/clips", {"clip_id": clip_id, "uri": uri})
        self.assertIn(status, expect, body)
        return status, body

    def frame(self, clip_id, irap, offset, quality=95):
        url = f"{self.srv.base}/clips/{clip_id}/frame?irap={irap}&offset={offset}&quality={quality}"
        with urllib.request.urlopen(url, timeout=30) as res:
            self.assertEqual(res.headers["Content-Type"], "image/jpeg")
            return res.read(), int(res.headers["X-Frame-Display-Index"])

    def check_random_frames(self, clip_id, ref):
        index = self.srv.get(f"/clips/{clip_id}/index")
        validate(index, "clip_index.schema.json")
        self.assertEqual(index["frame_count"], len(ref))
        self.assertEqual(sorted(f["display_index"] for c in index["iraps"] for f in c["frames"]),
                         list(range(len(ref))))
        rng = random.Random(11)
        picks = []
        for c in index["iraps"]:
            frames = c["frames"]
            picks += [(c, frames[0]), (c, frames[-1])]  # first after the IRAP, last of the chunk
            picks += [(c, rng.choice(frames)) for _ in range(3)]
        for chunk, f in picks:
            data, display = self.frame(clip_id, chunk["offset"], f["offset"])
            self.assertEqual(display, f["display_index"])
            img = jpeg_rgb(data)
            quality = psnr(img, ref[display])
            self.assertGreaterEqual(quality, 40.0, f"{clip_id} frame {display}: Y-PSNR {quality:.1f} dB")
            colour = colour_psnr(img, ref[display])
            self.assertGreaterEqual(colour, 32.0, f"{clip_id} frame {display}: colour PSNR {colour:.1f} dB")
        return index

    def test_file_raw_and_mp4_frames_match_ffmpeg(self):
        for name in ("raw.hevc", "clip.mp4"):
            cid = "file-" + name.replace(".", "-")
            status, info = self.register(cid, "file://" + self.clips[name])
            validate(info, "clip.schema.json")
            self.assertEqual((info["width"], info["height"]), (320, 180))
            self.check_random_frames(cid, self.refs[name])
            stats = self.srv.get(f"/clips/{cid}")["stats"]
            self.assertGreater(stats["frames_skipped"], 0, "non-reference pictures were skipped")

    def test_s3_clips_match_ffmpeg_and_registration_is_idempotent(self):
        status, _ = self.register("s3-raw", "s3://videos/clips/cam 1/raw.hevc", expect=(201,))
        status, _ = self.register("s3-raw", "s3://videos/clips/cam 1/raw.hevc", expect=(200,))
        status, body = self.register("s3-raw", "s3://videos/clip.mp4", expect=(409,))
        self.assertEqual(body["error"], "clip_conflict")
        self.check_random_frames("s3-raw", self.refs["raw.hevc"])
        self.register("s3-mp4", "s3://videos/clip.mp4")
        self.check_random_frames("s3-mp4", self.refs["clip.mp4"])

    def frame_or_error(self, clip_id, irap, offset, quality=95):
        """(status, JPEG bytes or the JSON error, display index or None)."""
        url = f"{self.srv.base}/clips/{clip_id}/frame?irap={irap}&offset={offset}&quality={quality}"
        try:
            with urllib.request.urlopen(url, timeout=30) as res:
                return res.status, res.read(), int(res.headers["X-Frame-Display-Index"])
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null"), None

    def serve_every_frame(self, clip_id, gray, order):
        """Requests every frame of the index (`order`: "display" steps like a
        player, "random" shuffles) and compares each with ffmpeg's luma."""
        index = self.srv.get(f"/clips/{clip_id}/index")
        self.assertEqual(index["frame_count"], len(gray), "numbered like the ffmpeg CLI")
        frames = [(f["display_index"], c["offset"], f) for c in index["iraps"] for f in c["frames"]]
        self.assertEqual(sorted(d for d, _, _ in frames), list(range(len(gray))))
        frames.sort(key=lambda x: x[0])
        if order == "random":
            random.Random(3).shuffle(frames)
        for display, irap, f in frames:
            status, data, got = self.frame_or_error(clip_id, irap, f["offset"])
            self.assertEqual(status, 200, f"{clip_id} frame {display} (chunk at {irap}): {data}")
            self.assertEqual(got, display)
            quality = psnr_rgb(jpeg_gray(data), gray[display])
            self.assertGreaterEqual(quality, 40.0, f"{clip_id} frame {display}: Y-PSNR {quality:.1f} dB")
        validate(index, "clip_index.schema.json")
        return index

    def leading_frames(self, index):
        """(chunk, frame) of every frame that decodes from an earlier IRAP,
        checked to be the previous chunk's."""
        out = []
        for prev, chunk in zip(index["iraps"], index["iraps"][1:]):
            for f in chunk["frames"]:
                if f["decode_from_irap"] != chunk["offset"]:
                    self.assertEqual(f["decode_from_irap"], prev["offset"])
                    out.append((chunk, f))
        for f in index["iraps"][0]["frames"]:
            self.assertEqual(f["decode_from_irap"], index["iraps"][0]["offset"])
        return out

    def test_open_gop_clips_serve_every_frame_like_ffmpeg(self):
        # Regression: RASL pictures used to answer 422 decode_failed.
        for name, order in [("open.hevc", "display"), ("open.mp4", "random")]:
            cid = "open-" + name.replace(".", "-")
            self.register(cid, "file://" + self.open_clips[name])
            index = self.serve_every_frame(cid, self.grays[name], order)
            leading = self.leading_frames(index)
            self.assertGreater(len({c["offset"] for c, _ in leading}), 1, "several CRAs with RASL pictures")
            self.assertTrue(all("undecodable" not in c for c in index["iraps"]))
            self.assertEqual(self.srv.get(f"/clips/{cid}")["stats"]["errors"], 0)

    def test_open_gop_chunk_request_includes_its_leading_pictures(self):
        conn = self.ws()
        conn.send(json.dumps({"type": "register_clip", "request_id": "r1", "clip_id": "ws-open",
                              "uri": "file://" + self.open_clips["open.hevc"]}))
        self.assertEqual(self.recv_json(conn)["type"], "clip_registered")
        index = self.srv.get("/clips/ws-open/index")
        chunk = self.leading_frames(index)[-1][0]
        conn.send(json.dumps({"type": "request_chunk", "request_id": "r2", "clip_id": "ws-open",
                              "irap": chunk["offset"], "quality": 95}))
        got = {}
        while True:
            msg = self.recv_json(conn)
            if msg["type"] == "request_done":
                break
            self.assertEqual(msg["type"], "frame", msg)
            got[msg["display_index"]] = conn.recv_data()[1]
        conn.close()
        self.assertEqual((msg["frames"], msg["errors"]), (len(chunk["frames"]), 0))
        self.assertEqual(sorted(got), sorted(f["display_index"] for f in chunk["frames"]))
        gray = self.grays["open.hevc"]
        for d, jpg in got.items():
            self.assertGreaterEqual(psnr_rgb(jpeg_gray(jpg), gray[d]), 40.0, f"frame {d}")

    def test_a_clip_cut_at_a_cra_lists_its_rasl_pictures_as_undecodable(self):
        self.register("open-src", "file://" + self.open_clips["open.hevc"])
        chunk = self.leading_frames(self.srv.get("/clips/open-src/index"))[0][0]
        cut = os.path.join(self.tmp, "cut.hevc")
        cut_at_cra(self.open_clips["open.hevc"], cut, chunk["offset"])
        gray = reference_gray(cut, 320, 180)
        self.register("cut", "file://" + cut)
        index = self.serve_every_frame("cut", gray, "random")
        first = index["iraps"][0]
        self.assertEqual(len(first["undecodable"]), sum(f["decode_from_irap"] != chunk["offset"]
                                                        for f in chunk["frames"]))
        status, body, _ = self.frame_or_error("cut", first["offset"], first["undecodable"][0]["offset"])
        self.assertEqual((status, body["error"]), (422, "decode_failed"), body)
        self.assertIn("RASL", body["detail"])

    def test_bad_input_gets_precise_errors(self):
        self.register("bad-base", "file://" + self.clips["raw.hevc"])
        index = self.srv.get("/clips/bad-base/index")
        c0, c1 = index["iraps"][0], index["iraps"][1]
        cases = [
            ("POST", "/clips", {"clip_id": "x"}, 400, "invalid_argument"),
            ("POST", "/clips", {"clip_id": "a b", "uri": "file:///x"}, 400, "invalid_argument"),
            ("POST", "/clips", {"clip_id": "nofile", "uri": "file:///nonexistent.hevc"}, 404, "source_not_found"),
            ("POST", "/clips", {"clip_id": "nos3", "uri": "s3://videos/missing.hevc"}, 404, "source_not_found"),
            ("POST", "/clips", {"clip_id": "ftp", "uri": "ftp://x/y"}, 400, "invalid_argument"),
            ("GET", "/clips/unknown/index", None, 404, "unknown_clip"),
            ("GET", f"/clips/bad-base/frame?irap={c0['offset']}&offset={c0['frames'][2]['offset'] + 1}", None,
             404, "unknown_frame"),
            ("GET", f"/clips/bad-base/frame?irap={c0['offset']}&offset={c1['frames'][1]['offset']}", None,
             404, "unknown_frame"),
            ("GET", f"/clips/bad-base/frame?irap=99999999&offset=99999999", None, 404, "unknown_frame"),
            ("GET", f"/clips/bad-base/frame?irap={c0['frames'][1]['offset']}&offset={c0['frames'][1]['offset']}",
             None, 404, "unknown_frame"),
            ("GET", "/clips/bad-base/frame?irap=abc&offset=1", None, 400, "invalid_argument"),
            ("GET", f"/clips/bad-base/frame?irap={c0['offset']}&offset={c0['offset']}&quality=101", None,
             400, "invalid_argument"),
        ]
        for method, path, body, code, err in cases:
            status, reply, _ = self.srv.request(method, path, body)
            self.assertEqual(status, code, f"{method} {path}: {reply}")
            self.assertEqual(reply["error"], err, f"{method} {path}: {reply}")
            self.assertTrue(reply["detail"], reply)
        # Not H.265: random bytes, and an H.264 MP4.
        junk = os.path.join(self.tmp, "junk.bin")
        with open(junk, "wb") as f:
            f.write(os.urandom(4096))
        status, reply, _ = self.srv.request("POST", "/clips", {"clip_id": "junk", "uri": "file://" + junk})
        self.assertEqual((status, reply["error"]), (415, "unsupported_clip"), reply)
        # Wrong S3 secret: the signature check fails, argus says so.
        os.environ["AWS_SECRET_ACCESS_KEY"] = "wrong"
        try:
            bad = ArgusServer(ARGUS, CONFIG)
            status, reply, _ = bad.request("POST", "/clips", {"clip_id": "s", "uri": "s3://videos/clip.mp4"})
            self.assertEqual((status, reply["error"]), (403, "source_denied"), reply)
            bad.stop()
        finally:
            os.environ["AWS_SECRET_ACCESS_KEY"] = S3_KEY
        # A corrupt chunk (damaged slice header) fails that frame, not the server.
        broken = os.path.join(self.tmp, "broken.hevc")
        data = bytearray(open(self.clips["raw.hevc"], "rb").read())
        irap = index["iraps"][1]["offset"]
        vcl = next(i for i in range(irap, irap + 4000)
                   if data[i:i + 3] == b"\0\0\1" and (data[i + 3] >> 1) & 0x3F in (19, 20))
        data[vcl + 5:vcl + 15] = b"\xff" * 10
        open(broken, "wb").write(bytes(data))
        self.register("broken", "file://" + broken)
        f = index["iraps"][1]["frames"][3]
        status, reply, _ = self.srv.request("GET", f"/clips/broken/frame?irap={irap}&offset={f['offset']}")
        self.assertEqual((status, reply["error"]), (422, "decode_failed"), reply)
        ok, _ = self.frame("broken", c0["offset"], c0["frames"][3]["offset"])
        self.assertTrue(ok.startswith(b"\xff\xd8"), "other chunks still serve")

    def ws(self):
        conn = websocket.create_connection(f"ws://127.0.0.1:{self.srv.port}/ws/frames", timeout=30)
        return conn

    def recv_json(self, conn):
        op, data = conn.recv_data()
        self.assertEqual(op, websocket.ABNF.OPCODE_TEXT)
        msg = json.loads(data)
        validate(msg, "frame_server_message.schema.json")
        return msg

    def test_websocket_chunk_and_frames(self):
        conn = self.ws()
        conn.send(json.dumps({"type": "register_clip", "request_id": "r1", "clip_id": "ws-raw",
                              "uri": "file://" + self.clips["raw.hevc"]}))
        msg = self.recv_json(conn)
        self.assertEqual((msg["type"], msg["request_id"]), ("clip_registered", "r1"))
        index = self.srv.get("/clips/ws-raw/index")
        chunk = index["iraps"][1]
        conn.send(json.dumps({"type": "register_chunks", "request_id": "r2", "clip_id": "ws-raw",
                              "iraps": [c["offset"] for c in index["iraps"]]}))
        self.assertEqual(self.recv_json(conn)["type"], "chunks_registered")
        conn.send(json.dumps({"type": "request_chunk", "request_id": "r3", "clip_id": "ws-raw",
                              "irap": chunk["offset"], "quality": 95}))
        got = {}
        while True:
            msg = self.recv_json(conn)
            if msg["type"] == "request_done":
                break
            self.assertEqual(msg["type"], "frame", msg)
            op, jpg = conn.recv_data()
            self.assertEqual(op, websocket.ABNF.OPCODE_BINARY)
            self.assertEqual(len(jpg), msg["size"])
            got[msg["display_index"]] = jpg
        self.assertEqual(msg["frames"], len(chunk["frames"]))
        self.assertEqual(sorted(got), sorted(f["display_index"] for f in chunk["frames"]))
        ref = self.refs["raw.hevc"]
        for d, jpg in got.items():
            self.assertGreaterEqual(psnr(jpeg_rgb(jpg), ref[d]), 40.0)
        # Bad messages: each answered with an error naming the problem.
        for bad, code in [("{", "invalid_json"), ('{"type":"nope","clip_id":"x"}', "unknown_type"),
                          ('{"type":"request_frames","clip_id":"ws-raw","irap":-1,"offsets":[1]}',
                           "invalid_message"),
                          ('{"type":"request_frames","clip_id":"nope","irap":0,"offsets":[1]}', "unknown_clip")]:
            conn.send(bad)
            msg = self.recv_json(conn)
            self.assertEqual((msg["type"], msg["error"]), ("error", code), msg)
        conn.send(json.dumps({"type": "request_frames", "request_id": "r4", "clip_id": "ws-raw",
                              "irap": chunk["offset"], "offsets": [chunk["frames"][0]["offset"], 12345]}))
        kinds = []
        while True:
            msg = self.recv_json(conn)
            kinds.append(msg["type"])
            if msg["type"] == "frame":
                conn.recv_data()
            if msg["type"] == "error":
                self.assertEqual((msg["error"], msg["offset"]), ("unknown_frame", 12345))
            if msg["type"] == "request_done":
                self.assertEqual((msg["frames"], msg["errors"]), (1, 1))
                break
        self.assertIn("frame", kinds)
        conn.close()

    def test_superseded_requests_are_dropped_not_decoded(self):
        conn = self.ws()
        conn.send(json.dumps({"type": "register_clip", "request_id": "a", "clip_id": "lifo",
                              "uri": "file://" + self.clips["clip.mp4"]}))
        self.assertEqual(self.recv_json(conn)["type"], "clip_registered")
        index = self.srv.get("/clips/lifo/index")
        frames = [(c["offset"], f["offset"]) for c in index["iraps"] for f in c["frames"]]
        # 30 single-frame requests at once: the stack holds 8, the rest are
        # superseded; the newest is served first.
        for i, (irap, off) in enumerate(frames[:30]):
            conn.send(json.dumps({"type": "request_frames", "request_id": f"q{i}", "clip_id": "lifo",
                                  "irap": irap, "offsets": [off]}))
        dropped, done = set(), []
        while len(dropped) + len(done) < 30:
            msg = self.recv_json(conn)
            if msg["type"] == "frame":
                conn.recv_data()
            elif msg["type"] == "dropped":
                dropped.add(msg["request_id"])
            elif msg["type"] == "request_done":
                done.append(msg["request_id"])
        self.assertGreater(len(dropped), 0)
        self.assertIn("q29", done, "the newest request is served")
        self.assertTrue(dropped.isdisjoint(done))
        # Superseded frames never reach the clip (decode-ahead may still
        # produce neighbours as a by-product, so count requests, not encodes).
        stats = self.srv.get("/clips/lifo")["stats"]
        self.assertEqual(stats["frames_requested"], 30 - len(dropped),
                         "only requests that were not dropped reach the clip")
        conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--argus", required=True)
    args, rest = parser.parse_known_args()
    ARGUS = args.argus
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
