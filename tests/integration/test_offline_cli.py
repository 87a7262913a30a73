#!/usr/bin/python3
"""`argus detect` and `argus track --video` on a short synthetic clip.

The clip is rendered by `argus synth` (consecutive frames of one unseen seed,
with their labels) and encoded to H.264 MP4 by the ffmpeg CLI, so the commands
read a real video file the way they read real footage. Checks: the CSV formats,
every frame present once and in range, detections near the labels, track ids
that persist, the same detections from both commands, and exit status 2 with
a one-line message for missing or corrupt input and a model that cannot load.
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from argus_server import ROOT  # noqa: E402

ARGUS = None
FRAMES = 60
WIDTH, HEIGHT = 640, 360  # argus synth's frame size
# Seed 5002: 3 drones and 2 birds, far from the training seeds (1000-1059).
SEED = 5002
SYNTH_NAMES = {0: "drone", 1: "bird"}
# Measured with the shipped model on this clip (class-aware recall at
# IoU >= 0.3: detect 0.98, published tracks' precision 1.00); thresholds sit
# at about half, so a retrained model that still sees the synthetic sky passes.
MIN_RECALL = 0.5
MIN_TRACK_PRECISION = 0.5


def iou(a, b):
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0.0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def make_clip(work):
    """Renders FRAMES consecutive synthetic frames and encodes them; returns
    the clip path and the labels as {frame: [(x, y, w, h, class)]}."""
    synth = os.path.join(work, "synth")
    subprocess.run([ARGUS, "synth", "--out", synth, "--first-seed", str(SEED), "--seeds", "1",
                    "--frames-per-seed", str(FRAMES), "--frame-step", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    clip = os.path.join(work, "clip.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-framerate", "30",
                    "-i", os.path.join(synth, "images", "%06d.jpg"),
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "16", clip], check=True)
    labels = {}
    for i in range(FRAMES):
        rows = []
        with open(os.path.join(synth, "labels", f"{i:06d}.txt")) as f:
            for line in f:
                c, cx, cy, w, h = line.split()
                w, h = float(w) * WIDTH, float(h) * HEIGHT
                rows.append((float(cx) * WIDTH - w / 2, float(cy) * HEIGHT - h / 2, w, h,
                             SYNTH_NAMES[int(c)]))
        labels[i + 1] = rows
    return clip, labels


def run(*args):
    return subprocess.run([ARGUS, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def read_csv(path):
    with open(path) as f:
        header = f.readline().rstrip("\n")
        return header, list(csv.reader(f))


class OfflineCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="argus-offline-")
        cls.clip, cls.labels = make_clip(cls.work)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.work, name)

    def run_csv(self, out, header, command, *args):
        """Runs `argus COMMAND --video clip --out OUT ARGS`; checks the exit
        status, the header, the column count and the frame range of every
        row; returns the rows."""
        proc = run(command, "--video", self.clip, "--out", out, *args)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        got_header, rows = read_csv(out)
        self.assertEqual(got_header, header)
        self.assertTrue(rows)
        for r in rows:
            self.assertEqual(len(r), len(header.split(",")), r)
            self.assertTrue(1 <= int(r[0]) <= FRAMES, r)
        return rows

    def assert_fails_cleanly(self, proc, needle):
        """Exit 2 and one line on stderr that says what is wrong."""
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        self.assertTrue(any(needle in ln for ln in lines), proc.stderr)
        self.assertTrue(lines[-1].startswith("argus"), proc.stderr)

    def recall(self, rows, box_of, min_iou=0.3):
        """Class-aware recall of the labels by `rows` (greedy per frame)."""
        by_frame = {}
        for r in rows:
            by_frame.setdefault(int(r[0]), []).append(box_of(r))
        found = total = 0
        for f, truth in self.labels.items():
            free = list(by_frame.get(f, []))
            for t in truth:
                total += 1
                best = max(free, key=lambda d: iou(t, d) if d[4] == t[4] else -1, default=None)
                if best is not None and best[4] == t[4] and iou(t, best) >= min_iou:
                    free.remove(best)
                    found += 1
        return found / total


def det_box(r):
    return (float(r[1]), float(r[2]), float(r[3]), float(r[4]), r[5])


def track_box(r):
    return (float(r[2]), float(r[3]), float(r[4]), float(r[5]), r[6])


class DetectCli(OfflineCase):
    def test_every_frame_is_detected_and_written(self):
        out, timing = self.path("det.csv"), self.path("timing.csv")
        rows = self.run_csv(out, "frame,x,y,w,h,class,score", "detect", "--timing", timing)
        for r in rows:
            # A name from the model's names file, not a bare class id.
            self.assertRegex(r[5], r"^[a-z][a-z_-]*$")
            self.assertFalse(r[5].startswith("class_"), r)
            self.assertTrue(0 <= float(r[6]) <= 1, r)
            self.assertEqual(len(r[1].split(".")[1]), 3, r)  # 3 decimals
            self.assertEqual(len(r[6].split(".")[1]), 4, r)  # 4 decimals
        self.assertGreater(len({int(r[0]) for r in rows}), FRAMES * 0.8)
        recall = self.recall(rows, det_box)
        self.assertGreater(recall, MIN_RECALL)
        t_header, t_rows = read_csv(timing)
        self.assertEqual(t_header, "frame,detect_ms")
        self.assertEqual([int(r[0]) for r in t_rows], list(range(1, FRAMES + 1)))
        self.assertTrue(all(float(r[1]) > 0 for r in t_rows))

    def test_the_config_detector_section_is_used(self):
        cfg = self.path("strict.yaml")
        with open(cfg, "w") as f:
            f.write("detector: {model: models/argus-sky.onnx, conf_threshold: 0.8}\n"
                    "cameras: [{id: offline}]\n")
        out = self.path("strict.csv")
        proc = run("detect", "--video", self.clip, "--config", cfg, "--out", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        _, rows = read_csv(out)
        self.assertTrue(all(float(r[6]) >= 0.8 for r in rows))

    def test_a_missing_video_exits_2(self):
        proc = run("detect", "--video", self.path("nope.mp4"), "--out", self.path("x.csv"))
        self.assert_fails_cleanly(proc, "nope.mp4")

    def test_a_corrupt_video_exits_2(self):
        bad = self.path("corrupt.mp4")
        with open(bad, "wb") as f:
            f.write(os.urandom(20000))
        proc = run("detect", "--video", bad, "--out", self.path("x.csv"))
        self.assert_fails_cleanly(proc, "corrupt.mp4")

    def test_a_model_that_cannot_load_exits_2(self):
        cfg = self.path("nomodel.yaml")
        with open(cfg, "w") as f:
            f.write("detector: {model: /nonexistent/m.onnx, names: models/argus-sky.names}\n"
                    "cameras: [{id: offline}]\n")
        proc = run("detect", "--video", self.clip, "--config", cfg, "--out", self.path("x.csv"))
        self.assert_fails_cleanly(proc, "/nonexistent/m.onnx")


class TrackCli(OfflineCase):
    def test_published_tracks_keep_their_ids(self):
        out, dets = self.path("tracks.csv"), self.path("dets.csv")
        rows = self.run_csv(out, "frame,id,x,y,w,h,class,score", "track", "--detections", dets)
        # Each object is one track most of the clip: the busiest ids cover
        # most frames, and far fewer ids exist than rows.
        frames_of = {}
        for r in rows:
            frames_of.setdefault(int(r[1]), set()).add(int(r[0]))
        longest = max(len(v) for v in frames_of.values())
        self.assertGreater(longest, FRAMES * 0.6)
        self.assertLess(len(frames_of), len(rows) / 5)
        # Published boxes lie on labelled objects.
        precision = self.precision(rows)
        self.assertGreater(precision, MIN_TRACK_PRECISION)
        # The detections it tracked are argus detect's.
        plain = self.path("plain.csv")
        self.assertEqual(run("detect", "--video", self.clip, "--out", plain).returncode, 0)
        with open(dets) as a, open(plain) as b:
            self.assertEqual(a.read(), b.read())

    def test_replayed_detections_give_the_tracks_of_a_direct_run(self):
        # Recorded without the motion stage (the model's own output), then
        # replayed through the default stage: the same tracks as detecting.
        raw_cfg = self.path("no_motion.yaml")
        with open(raw_cfg, "w") as f:
            f.write("detector: {motion: {enabled: false}}\ncameras: [{id: offline}]\n")
        raw = self.path("raw.csv")
        self.assertEqual(run("detect", "--video", self.clip, "--config", raw_cfg,
                             "--out", raw).returncode, 0)
        direct = self.run_csv(self.path("direct.csv"), "frame,id,x,y,w,h,class,score", "track")
        replayed = self.run_csv(self.path("replayed.csv"), "frame,id,x,y,w,h,class,score", "track",
                                "--replay-detections", raw)
        self.assertEqual([r[:2] + r[6:7] for r in replayed], [r[:2] + r[6:7] for r in direct])
        for a, b in zip(replayed, direct):  # the CSV keeps 3 decimals
            for k in range(2, 6):
                self.assertAlmostEqual(float(a[k]), float(b[k]), delta=0.05)

    def test_a_malformed_replay_file_exits_2(self):
        bad = self.path("bad_replay.csv")
        with open(bad, "w") as f:
            f.write("frame,x,y,w,h,class,score\n1,2,3,4,5,zeppelin,0.9\n")
        proc = run("track", "--video", self.clip, "--out", self.path("x.csv"),
                   "--replay-detections", bad)
        self.assert_fails_cleanly(proc, "line 2")

    def precision(self, rows):
        hits = 0
        for r in rows:
            box = track_box(r)
            if any(t[4] == box[4] and iou(t, box) >= 0.3 for t in self.labels[int(r[0])]):
                hits += 1
        return hits / len(rows)

    def test_exactly_one_input_is_required(self):
        det = self.path("det.txt")
        with open(det, "w") as f:
            f.write("1,-1,10,10,20,20,0.9\n")
        both = run("track", "--mot-det", det, "--video", self.clip, "--out", self.path("x.txt"))
        self.assertEqual(both.returncode, 2, both.stderr)
        neither = run("track", "--out", self.path("x.txt"))
        self.assertEqual(neither.returncode, 2, neither.stderr)

    def test_mot_replay_still_works(self):
        det = self.path("mot.txt")
        with open(det, "w") as f:
            for i in range(1, 11):
                f.write(f"{i},-1,{100 + 2 * i},50,30,60,0.95\n")
        out = self.path("mot_out.txt")
        proc = run("track", "--mot-det", det, "--out", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(out) as f:
            ids = {line.split(",")[1] for line in f if line.strip()}
        self.assertEqual(len(ids), 1)

    def test_a_missing_video_exits_2(self):
        proc = run("track", "--video", self.path("gone.mp4"), "--out", self.path("x.csv"))
        self.assert_fails_cleanly(proc, "gone.mp4")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args, rest = ap.parse_known_args()
    ARGUS = os.path.abspath(args.argus)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)
