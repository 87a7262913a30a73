#!/usr/bin/python3
"""`argus detect` with the shipped model on real clips of the tune split.

Three clips of ../shared/data/drone-footage/tune/ (real 640x512 video of a
drone at medium and far distance, and of birds), every frame, the
default config. Scored with the evaluator's own matching
(bench/real_footage/metrics.py): class-aware recall at IoU >= 0.2 per clip
and precision over all detections of the three. The thresholds sit well
under the measured figures (see MEASURED), so the test fails when the
detector stops seeing real objects or floods the frame with clutter, and
not on small retraining noise.

Without the shared data the test exits 77, which ctest reports as skipped,
with the reason on stderr.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../.."))
sys.path.insert(0, os.path.join(ROOT, "bench/real_footage"))
import metrics  # noqa: E402
from evaluate import read_detections, read_truth  # noqa: E402

FOOTAGE = os.path.abspath(os.path.join(ROOT, "../shared/data/drone-footage/tune"))
SKIP = 77
# clip: (class, minimum recall at IoU >= 0.2). Measured: the shipped model,
# then the range over eight trainings (two stems, four seeds each; benchmarks
# §8.5). The floors sit under the whole range: `make model` must not fail
# this test by its seed alone. (V_DRONE_113 was the distant clip until that
# study: its drone scores sit at the threshold and its recall ran from 0.07
# to 0.69 across seeds.)
CLIPS = {
    "V_DRONE_021": ("drone", 0.6),    # medium distance; 0.987 (0.977-1.000)
    "V_DRONE_105": ("drone", 0.15),   # distant; 0.451 (0.280-0.461)
    "V_BIRD_011": ("bird", 0.2),      # close; 0.735 (0.670-0.857)
}
MIN_PRECISION = 0.15
MEASURED = ("class-aware precision 0.592 over the three clips at threshold 0.3, 0.358-0.599 "
            "across eight trainings (the model before issue 14: recall 0.21, 0.00, 0.13 on "
            "V_DRONE_021, V_DRONE_113, V_BIRD_011 and precision 0.004)")


def detect(argus, clip, work):
    out = os.path.join(work, clip + ".csv")
    subprocess.run([argus, "detect", "--video", os.path.join(FOOTAGE, clip + ".mp4"),
                    "--out", out], check=True, cwd=ROOT, timeout=300)
    return read_detections(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", required=True)
    args = ap.parse_args()
    if not os.path.isdir(FOOTAGE):
        print(f"SKIPPED: no real footage at {FOOTAGE} (../shared is absent)", file=sys.stderr)
        return SKIP
    failures = []
    total = metrics.DetectionCounts()
    with tempfile.TemporaryDirectory(prefix="argus-real-") as work:
        for clip, (cls, min_recall) in CLIPS.items():
            truth = read_truth(os.path.join(FOOTAGE, clip + ".csv"))
            counts = metrics.count_detections(truth, detect(args.argus, clip, work), 0.2)
            total.merge(counts)
            recall = counts.prf(cls)["recall"]
            print(f"{clip}: {cls} recall@0.2 {recall:.3f} (min {min_recall})")
            if recall < min_recall:
                failures.append(f"{clip}: {cls} recall {recall:.3f} < {min_recall}")
    precision = total.prf()["precision"]
    print(f"precision@0.2 over all detections {precision:.3f} (min {MIN_PRECISION}); "
          f"measured when set: {MEASURED}")
    if precision < MIN_PRECISION:
        failures.append(f"precision {precision:.3f} < {MIN_PRECISION}")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
