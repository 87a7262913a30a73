#!/usr/bin/python3
"""What the detection stage costs per frame, and what its parts add
(docs/benchmarks.md §8.1 and §8.3).

1. `argus detect --timing` on real clips with three set-ups: the detector
   alone, + motion stage, and the default (+ crop classifier), for each
   --model (repeatable; default: the shipped one), all run alternately
   --runs times each, so drift hits every model and set-up alike and a
   baseline model is measured in the same run; per run the p50 and p99 of
   the per-frame stage time, then the median over runs.
2. The crop classifier alone (OpenCV DNN, one thread): N crops as one batch
   against N passes of one crop, medians of --runs x 100 passes.

    /usr/bin/python3 bench/real_footage/stage_cost.py --argus build-bench/argus \\
        --clip ../shared/data/drone-footage/tune/V_DRONE_021.mp4 \\
        [--model new.onnx --model models/argus-sky.onnx]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The detector section of each set-up (JSON is YAML, so it is written as-is).
SETUPS = {
    "detector alone": {"classifier": "", "motion": {"enabled": False}},
    "+ motion": {"classifier": ""},
    "default (+ classifier)": {},
}


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q / 100 * len(sorted_values)))]


def stage_run(argus, clip, detector, tmp):
    cfg = os.path.join(tmp, "cfg.yaml")
    with open(cfg, "w") as f:
        json.dump({"detector": detector, "cameras": [{"id": "offline"}]}, f)
    timing = os.path.join(tmp, "timing.csv")
    subprocess.run([argus, "detect", "--video", clip, "--config", cfg,
                    "--out", os.path.join(tmp, "det.csv"), "--timing", timing],
                   check=True, cwd=ROOT, capture_output=True, timeout=600)
    with open(timing) as f:
        ms = sorted(float(r["detect_ms"]) for r in csv.DictReader(f))
    return percentile(ms, 50), percentile(ms, 99)


def stage_table(argus, clips, runs, models):
    """models: [(label, detector keys)], measured alternately."""
    print("| clip | model | " + " | ".join(f"{s}, p50 / p99 ms" for s in SETUPS) + " |")
    print("|---" * (len(SETUPS) + 2) + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for clip in clips:
            got = {(m, s): [] for m, _ in models for s in SETUPS}
            for _ in range(runs):  # alternate, so drift hits every set-up
                for label, model in models:
                    for name, detector in SETUPS.items():
                        got[(label, name)].append(stage_run(argus, clip, {**detector, **model}, tmp))
            for label, _ in models:
                cells = [f"{statistics.median(p[0] for p in got[(label, s)]):.1f} / "
                         f"{statistics.median(p[1] for p in got[(label, s)]):.1f}" for s in SETUPS]
                print(f"| {os.path.basename(clip)} | {label} | " + " | ".join(cells) + " |")


def model_setups(paths, names):
    """(label, detector keys) per --model; the shipped model when none. A
    model without a .names file beside it gets the shipped names (the
    same four classes), said on stderr."""
    if not paths:
        if names:
            raise SystemExit("--names needs a --model")
        return [("shipped", {})]
    if names and len(names) != len(paths):
        raise SystemExit("give --names once per --model, or not at all")
    if len(set(os.path.abspath(p) for p in paths)) != len(paths):
        raise SystemExit("each --model once: a model given twice would merge its runs")
    shipped_names = os.path.join(ROOT, "models", "argus-sky.names")
    out = []
    for k, path in enumerate(paths):
        path = os.path.abspath(path)
        own = os.path.splitext(path)[0] + ".names"
        name_file = os.path.abspath(names[k]) if names else own if os.path.exists(own) else shipped_names
        if not names and name_file == shipped_names and own != shipped_names:
            print(f"note: no {own}; using {shipped_names}", file=sys.stderr)
        out.append((os.path.relpath(path), {"model": path, "names": name_file}))
    return out


def classifier_table(runs):
    cv2.setNumThreads(1)
    net = cv2.dnn.readNetFromONNX(os.path.join(ROOT, "models", "argus-sky-cls.onnx"))
    rng = np.random.default_rng(0)
    crops = [rng.integers(0, 256, (48, 48, 3), dtype=np.uint8) for _ in range(8)]

    def timed(blobs):
        t = time.perf_counter()
        for b in blobs:
            net.setInput(b)
            net.forward()
        return (time.perf_counter() - t) * 1000

    print("| crops | one batch, ms | one pass per crop, ms |")
    print("|---|---|---|")
    for n in (1, 2, 4, 8):
        batch = [cv2.dnn.blobFromImages(crops[:n], 1 / 255.0, swapRB=True)]
        singles = [cv2.dnn.blobFromImage(c, 1 / 255.0, swapRB=True) for c in crops[:n]]
        per = {"batch": [], "loop": []}
        for _ in range(runs):
            for mode, blobs in (("batch", batch), ("loop", singles)):
                per[mode].append(statistics.median(timed(blobs) for _ in range(100)))
        print(f"| {n} | {statistics.median(per['batch']):.2f} | "
              f"{statistics.median(per['loop']):.2f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--argus", required=True, help="the argus binary (a Release build)")
    ap.add_argument("--clip", action="append", default=[], help="video file (repeatable)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--model", action="append", default=[],
                    help="detector ONNX (repeatable: the models alternate in every run); "
                    "default: the shipped one")
    ap.add_argument("--names", action="append", default=[],
                    help="names file of each --model (default: the model's path with "
                    ".names, else the shipped models/argus-sky.names)")
    args = ap.parse_args()
    models = model_setups(args.model, args.names)
    print(f"# {os.uname().nodename}, {os.cpu_count()} CPUs, medians of {args.runs} runs")
    if args.clip:
        stage_table(os.path.abspath(args.argus), args.clip, args.runs, models)
    classifier_table(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
