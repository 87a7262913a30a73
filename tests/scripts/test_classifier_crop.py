#!/usr/bin/python3
"""The training script's crop geometry (scripts/classifier_crop.py) against
fixtures/classifier_crops.json, the file tests/core/analytics/test_crop_classifier.cpp
holds the C++ side to: both must cut the same pixels, or the shipped
classifier sees other crops at run time than it was trained on.

The fixture's frame is a formula (pattern_frame), so no image is stored.
--write regenerates the fixture from this Python side; run it only when the
geometry changes on purpose, then retrain the classifier.
"""
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from classifier_crop import crop, square_side  # noqa: E402

FIXTURE = os.path.join(ROOT, "fixtures", "classifier_crops.json")
# Boxes (x, y, w, h): small, clamped at 32 and 256, fractional, and past
# each edge of a 640x512 frame.
BOXES = [(100, 100, 20, 10), (300.5, 200.25, 6, 4), (10, 20, 15, 15),
         (0, 0, 10, 10), (620, 490, 30, 30), (200, 150, 300, 120),
         (-8, 250, 24, 18), (400.75, 505.5, 12.5, 9.25)]


def pattern_frame(w=640, h=512):
    """B = (7x + 13y) mod 256, G = 3x mod 256, R = 5y mod 256."""
    y, x = np.mgrid[0:h, 0:w]
    return np.dstack([(7 * x + 13 * y) % 256, (3 * x) % 256,
                      (5 * y) % 256]).astype(np.uint8)


def cases():
    frame = pattern_frame()
    out = []
    for x, y, w, h in BOXES:
        c = crop(frame, x + w / 2, y + h / 2, w, h)
        out.append({"box": [x, y, w, h], "side": square_side(w, h),
                    "channel_sums": [int(c[:, :, k].sum()) for k in range(3)],
                    "centre_pixel": [int(v) for v in c[24, 24]]})
    return out


def main():
    got = cases()
    if "--write" in sys.argv:
        with open(FIXTURE, "w") as f:
            json.dump({"frame": "pattern_frame() of tests/scripts/test_classifier_crop.py",
                       "cases": got}, f, indent=1)
            f.write("\n")
        print(f"wrote {len(got)} cases to {FIXTURE}")
        return 0
    with open(FIXTURE) as f:
        want = json.load(f)["cases"]
    failures = [f"box {g['box']}: got {g}, fixture {w}"
                for g, w in zip(got, want) if g != w]
    if len(got) != len(want):
        failures.append(f"{len(got)} cases, fixture has {len(want)}")
    for line in failures:
        print("FAIL", line)
    print(f"{len(got) - len(failures)} of {len(want)} crops match the fixture")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
