#!/usr/bin/python3
"""Scores argus on real drone footage with ground truth (issue 14).

For each video of a split it runs `argus track --video` once, writing the
published tracks, the detections it tracked (exactly `argus detect`'s
output, which tests/integration/test_offline_cli.py checks) and per-frame
detect milliseconds; outputs are cached in --out. Then it scores detection
(per class and class-agnostic P/R/F1 at IoU >= 0.5 and >= 0.2, AP@0.5,
recall by size and distance bin, the confusion of classes), drone tracking
(MOTA, IDF1, HOTA, false tracks per minute) and detection latency, prints
markdown tables and writes summary.json. Definitions: README.md.

  bench/real_footage/evaluate.py --argus build/argus \\
      --footage ../shared/data/drone-footage --split tune --videos 4 --out /tmp/rf
  ... --model models/new.onnx --input-size 640x512 \\
      --compare models/old.onnx --compare-input-size 320x192   # side by side
"""
import argparse
import csv
import glob
import hashlib
import json
import os
import subprocess
import sys
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics as m  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
THRESHOLDS = (0.5, 0.2)
TRACK_CLASS = "drone"


# -- inputs -------------------------------------------------------------------

def read_index(footage):
    with open(os.path.join(footage, "INDEX.csv")) as f:
        return {r["video"]: r for r in csv.DictReader(f)}


def split_videos(footage, split, limit):
    """The split's videos; with a limit, taken round-robin over the classes
    (V_<CLASS>_NNN) so a small subset still covers every class."""
    with open(os.path.join(footage, f"{split}.txt")) as f:
        names = [ln.strip() for ln in f if ln.strip()]
    if not limit or limit >= len(names):
        return names
    by_class = {}
    for n in names:
        by_class.setdefault(n.split("_")[1], []).append(n)
    picked, queues = [], [by_class[c] for c in sorted(by_class)]
    while len(picked) < limit:
        for q in queues:
            if q and len(picked) < limit:
                picked.append(q.pop(0))
    return picked


def read_truth(path):
    """{frame: [(box, cls)]} from `frame,x,y,w,h,class`."""
    out = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            box = (float(r["x"]), float(r["y"]), float(r["w"]), float(r["h"]))
            out.setdefault(int(r["frame"]), []).append((box, r["class"]))
    return out


def read_detections(path):
    """{frame: [(box, cls, score)]} from argus detect's CSV, or from the
    tracks CSV (same columns plus id): a published track is a detection of
    what users see."""
    out = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            box = (float(r["x"]), float(r["y"]), float(r["w"]), float(r["h"]))
            out.setdefault(int(r["frame"]), []).append((box, r["class"], float(r["score"])))
    return out


def read_tracks(path, cls):
    """{frame: [(id, box)]} of the published tracks of one class."""
    out = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["class"] == cls:
                box = (float(r["x"]), float(r["y"]), float(r["w"]), float(r["h"]))
                out.setdefault(int(r["frame"]), []).append((int(r["id"]), box))
    return out


def read_timing(path):
    with open(path) as f:
        return [float(r["detect_ms"]) for r in csv.DictReader(f)]


# -- running argus ------------------------------------------------------------

class Variant:
    """One detector set-up to score: a label and the config argus gets."""

    def __init__(self, label, config_text, files):
        self.label, self.config_text, self.files = label, config_text, files


def detector_yaml(model, names, size):
    items = []
    if model:
        items.append(f"model: {json.dumps(os.path.abspath(model))}")
    if names:
        items.append(f"names: {json.dumps(os.path.abspath(names))}")
    if size:
        w, h = size.lower().split("x")
        items += [f"input_width: {int(w)}", f"input_height: {int(h)}"]
    return items


def variant_config(base_config, model, names, size):
    """Config text: the base config (or none: argus's defaults) with the
    detector overrides applied."""
    overrides = detector_yaml(model, names, size)
    if not base_config:
        det = f"detector: {{{', '.join(overrides)}}}\n" if overrides else ""
        return det + "cameras: [{id: offline}]\n"
    with open(base_config) as f:
        text = f.read()
    if not overrides:
        return text
    import yaml  # only needed to merge overrides into a config file

    doc = yaml.safe_load(text)
    det = doc.setdefault("detector", {})
    for item in overrides:
        key, value = item.split(": ", 1)
        det[key] = yaml.safe_load(value)
    return yaml.safe_dump(doc, sort_keys=False)


def aligned(values, names, sizes):
    """(model, names, size) triples; names and sizes pair up by position."""
    def at(seq, k):
        return seq[k] if seq and k < len(seq) else None
    return [(v, at(names, k), at(sizes, k)) for k, v in enumerate(values)]


def build_variants(args):
    """The models to score: each --model (or argus's default one when none
    is given), then each --compare, with their own names and input sizes."""
    specs = aligned(args.model or [None], args.names, args.input_size)
    specs += aligned(args.compare or [], args.compare_names, args.compare_input_size)
    labels, out = args.label or [], []
    for k, (model, names, size) in enumerate(specs):
        label = labels[k] if k < len(labels) else (
            os.path.splitext(os.path.basename(model))[0] if model else "default")
        if any(v.label == label for v in out):
            label = f"{label}-{k + 1}"
        files = [p for p in (model, names) if p]
        if not model:  # argus's default model: whatever models/ holds
            files += sorted(glob.glob(os.path.join(ROOT, "models", "*")))
        out.append(Variant(label, variant_config(args.config, model, names, size), files))
    return out


def file_stamp(path):
    try:
        st = os.stat(path)
        return f"{os.path.abspath(path)}:{st.st_size}:{int(st.st_mtime)}"
    except OSError:
        return f"{path}:missing"


def run_key(argus, variant, video, replay):
    """What the cached outputs depend on: binary, config, model files, video
    and the replayed detections."""
    parts = [file_stamp(argus), variant.config_text, file_stamp(video)]
    parts += [file_stamp(replay)] if replay else []
    parts += [file_stamp(p) for p in variant.files]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def run_video(argus, variant, video_path, out_dir, replay_dir=None):
    """Runs argus on one video unless the cached outputs match; returns the
    paths of tracks, detections and timing. With replay_dir, the detections
    are that folder's <video>.det.csv (no detector runs; timing is ~0)."""
    stem = os.path.splitext(os.path.basename(video_path))[0]
    paths = {k: os.path.join(out_dir, f"{stem}.{k}.csv") for k in ("tracks", "det", "timing")}
    key_path = os.path.join(out_dir, f"{stem}.key")
    replay = os.path.join(replay_dir, f"{stem}.det.csv") if replay_dir else None
    key = run_key(argus, variant, video_path, replay)
    if os.path.exists(key_path) and all(os.path.exists(p) for p in paths.values()):
        with open(key_path) as f:
            if f.read().strip() == key:
                return paths, 0.0
    config_path = os.path.join(out_dir, "config.yaml")
    t0 = time.monotonic()
    cmd = [argus, "track", "--video", video_path, "--config", config_path, "--out", paths["tracks"],
           "--detections", paths["det"], "--timing", paths["timing"]]
    cmd += ["--replay-detections", replay] if replay else []
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"argus failed on {video_path} ({variant.label}): {proc.stderr.strip()}")
    with open(key_path, "w") as f:
        f.write(key + "\n")
    return paths, time.monotonic() - t0


# -- scoring ------------------------------------------------------------------

class Scores:
    """Everything accumulated over the videos of one variant."""

    def __init__(self):
        self.counts = {(thr, aware): m.DetectionCounts() for thr in THRESHOLDS for aware in (True, False)}
        self.served = {(thr, aware): m.DetectionCounts() for thr in THRESHOLDS for aware in (True, False)}
        self.ranked, self.n_gt = {}, {}
        self.size_bins = {thr: {} for thr in THRESHOLDS}
        self.dist_bins = {thr: {} for thr in THRESHOLDS}
        self.confusion = {}
        self.mot = {thr: None for thr in THRESHOLDS}
        self.hota = None
        self.false_ids = self.track_ids = 0
        self.frames = self.boxes = 0
        self.minutes = 0.0
        self.detect_ms = []
        self.per_video = {}


def add_bins(into, bins):
    for k, (found, total) in bins.items():
        b = into.setdefault(k, [0, 0])
        b[0] += found
        b[1] += total


def add_counts(into, counts):
    if into is None:
        return dict(counts)
    return {k: into[k] + counts[k] for k in into}


def score_detection(sc, truth, dets, distance):
    for (thr, aware), counts in sc.counts.items():
        counts.merge(m.count_detections(truth, dets, thr, aware))
    for cls in {g[1] for gs in truth.values() for g in gs} | {d[1] for ds in dets.values() for d in ds}:
        sc.ranked.setdefault(cls, []).extend(m.ranked_matches(truth, dets, cls, 0.5))
        sc.n_gt[cls] = sc.n_gt.get(cls, 0) + sum(1 for gs in truth.values() for g in gs if g[1] == cls)
    for thr in THRESHOLDS:
        add_bins(sc.size_bins[thr], m.recall_by(truth, dets, thr, lambda box, cls: m.size_bin(box)))
        add_bins(sc.dist_bins[thr], m.recall_by(truth, dets, thr, lambda box, cls: distance))
    for gcls, row in m.confusion(truth, dets, 0.2).items():
        into = sc.confusion.setdefault(gcls, {})
        for k, n in row.items():
            into[k] = into.get(k, 0) + n


def gt_tracks(truth, cls):
    """{frame: [(id, box)]} of one class's ground truth, ids by linking."""
    boxes = {f: [g[0] for g in gs if g[1] == cls] for f, gs in truth.items()}
    boxes = {f: b for f, b in boxes.items() if b}
    ids = m.link_ids(boxes)
    return {f: list(zip(ids[f], boxes[f])) for f in boxes}


def score_tracking(sc, truth, tracks_path):
    gt = gt_tracks(truth, TRACK_CLASS)
    hyp = read_tracks(tracks_path, TRACK_CLASS)
    for thr in THRESHOLDS:
        sc.mot[thr] = add_counts(sc.mot[thr], m.clear_mot(gt, hyp, thr))
    h = m.hota_counts(gt, hyp)
    sc.hota = h if sc.hota is None else {k: sc.hota[k] + h[k] for k in h}
    false, ids = m.false_tracks({f: [b for _, b in gs] for f, gs in gt.items()}, hyp, 0.2)
    sc.false_ids += len(false)
    sc.track_ids += len(ids)
    return len(false)


def score_video(sc, name, info, truth_path, paths):
    truth = read_truth(truth_path)
    dets = read_detections(paths["det"])
    frames, fps = int(info["frames"]), float(info["fps"] or 30)
    score_detection(sc, truth, dets, info["distance_bin"])
    false = score_tracking(sc, truth, paths["tracks"])
    served = read_detections(paths["tracks"])
    for (thr, aware), counts in sc.served.items():
        counts.merge(m.count_detections(truth, served, thr, aware))
    timing = read_timing(paths["timing"])
    sc.detect_ms += timing
    sc.frames += frames
    sc.minutes += frames / fps / 60.0
    n_boxes = sum(len(v) for v in dets.values())
    sc.boxes += n_boxes
    v20 = m.count_detections(truth, dets, 0.2).prf()
    sc.per_video[name] = {"class": info["cls"], "distance_bin": info["distance_bin"], "frames": frames,
                          "decoded_frames": len(timing), "boxes_per_frame": n_boxes / max(1, frames),
                          "p_at_0.2": v20["precision"], "r_at_0.2": v20["recall"],
                          "false_drone_tracks": false}


def summarize(sc):
    out = {"frames": sc.frames, "minutes": sc.minutes, "boxes_per_frame": sc.boxes / max(1, sc.frames)}
    for thr in THRESHOLDS:
        aware = sc.counts[(thr, True)]
        per = {c: aware.prf(c) for c in aware.classes()}
        per["all"] = aware.prf()
        per["any"] = sc.counts[(thr, False)].prf("any")
        out[f"detection@{thr}"] = per
        served = sc.served[(thr, True)]
        per = {c: served.prf(c) for c in served.classes()}
        per["all"] = served.prf()
        per["any"] = sc.served[(thr, False)].prf("any")
        out[f"served@{thr}"] = per
        out[f"recall_by_size@{thr}"] = {k: ratio(v) for k, v in sorted(sc.size_bins[thr].items(), key=size_order)}
        out[f"recall_by_distance@{thr}"] = {k: ratio(v) for k, v in sorted(sc.dist_bins[thr].items())}
        mot = sc.mot[thr] or {"gt": 0, "hyp": 0, "fp": 0, "fn": 0, "idsw": 0, "idtp": 0}
        out[f"tracking@{thr}"] = m.mot_scores(mot)
    ap = {c: m.average_precision(sc.ranked[c], sc.n_gt.get(c, 0)) for c in sorted(sc.ranked) if sc.n_gt.get(c)}
    out["ap@0.5"] = ap
    out["map@0.5"] = sum(ap.values()) / len(ap) if ap else 0.0
    out["hota"] = m.hota_scores(sc.hota) if sc.hota is not None else None
    out["false_drone_tracks"] = sc.false_ids
    out["drone_tracks"] = sc.track_ids
    out["false_drone_tracks_per_min"] = sc.false_ids / sc.minutes if sc.minutes else 0.0
    out["detect_ms"] = {"p50": m.percentile(sc.detect_ms, 50), "p99": m.percentile(sc.detect_ms, 99),
                        "mean": sum(sc.detect_ms) / max(1, len(sc.detect_ms))}
    out["confusion@0.2"] = sc.confusion
    out["per_video"] = sc.per_video
    return out


def ratio(v):
    return {"recall": v[0] / v[1] if v[1] else 0.0, "found": v[0], "total": v[1]}


def size_order(item):
    return [b[2] for b in m.SIZE_BINS].index(item[0])


# -- report -------------------------------------------------------------------

def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def f3(x):
    return f"{x:.3f}"


def prf_table(results, labels, classes, kind):
    """P / R / F1 per class and IoU threshold, one column per label."""
    rows = []
    for cls in classes + ["all", "any"]:
        for thr in THRESHOLDS:
            row = [cls if thr == THRESHOLDS[0] else "", f"{thr}"]
            for lb in labels:
                d = results[lb].get(f"{kind}@{thr}", {}).get(cls)
                row.append(" / ".join(f3(d[k]) for k in ("precision", "recall", "f1")) if d else "-")
            rows.append(row)
    return table(["class", "IoU"] + labels, rows)


def report(results):
    labels = list(results)
    first = results[labels[0]]
    classes = [c for c in first["detection@0.5"] if c not in ("all", "any")]
    for extra in labels[1:]:
        classes += [c for c in results[extra]["detection@0.5"] if c not in ("all", "any") and c not in classes]
    out = [f"Frames: {first['frames']} ({first['minutes']:.1f} min of video)", ""]
    out += ["### Detection (P / R / F1): every box of the detection stage",
            prf_table(results, labels, classes, "detection"), "",
            "### Published tracks as detections (P / R / F1): what a metadata_tick shows",
            prf_table(results, labels, classes, "served"), ""]
    rows = [[c] + [f3(results[lb]["ap@0.5"].get(c, 0.0)) for lb in labels] for c in classes]
    rows.append(["mAP"] + [f3(results[lb]["map@0.5"]) for lb in labels])
    out += ["### AP@0.5", table(["class"] + labels, rows), ""]
    for kind in ("size", "distance"):
        keys = list(first[f"recall_by_{kind}@0.2"])
        rows = []
        for k in keys:
            row = [k, str(first[f"recall_by_{kind}@0.2"][k]["total"])]
            for lb in labels:
                r2, r5 = (results[lb][f"recall_by_{kind}@{t}"].get(k, {"recall": 0}) for t in (0.2, 0.5))
                row.append(f"{f3(r2['recall'])} / {f3(r5['recall'])}")
            rows.append(row)
        out += [f"### Recall by {kind} (IoU >= 0.2 / >= 0.5)", table([kind, "boxes"] + labels, rows), ""]
    rows = []
    for lb in labels:
        r = results[lb]
        t5, t2, h = r["tracking@0.5"], r["tracking@0.2"], r["hota"] or {}
        rows.append([lb, f3(t5["idf1"]), f3(t5["mota"]), f3(t2["idf1"]), f3(t2["mota"]),
                     f3(h.get("hota", 0)), f3(h.get("deta", 0)), f3(h.get("assa", 0)),
                     f"{r['false_drone_tracks']}/{r['drone_tracks']}", f"{r['false_drone_tracks_per_min']:.2f}"])
    out += ["### Drone tracking (published tracks)",
            table(["model", "IDF1@0.5", "MOTA@0.5", "IDF1@0.2", "MOTA@0.2", "HOTA", "DetA", "AssA",
                   "false/all ids", "false per min"], rows), ""]
    rows = [[lb, f"{results[lb]['detect_ms']['p50']:.1f}", f"{results[lb]['detect_ms']['p99']:.1f}",
             f"{results[lb]['boxes_per_frame']:.2f}"] for lb in labels]
    out += ["### Detector cost", table(["model", "detect p50 ms", "detect p99 ms", "boxes/frame"], rows), ""]
    for lb in labels:
        conf = results[lb]["confusion@0.2"]
        names = sorted({k for row in conf.values() for k in row if k != "missed"}) + ["missed"]
        rows = [[g] + [str(conf[g].get(n, 0)) for n in names] for g in sorted(conf)]
        out += [f"### What labelled objects were called ({lb}, IoU >= 0.2, any class)",
                table(["label \\ detected"] + names, rows), ""]
    return "\n".join(out)


# -- main ---------------------------------------------------------------------

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--argus", required=True, help="the argus binary")
    ap.add_argument("--footage", default=os.path.join(ROOT, "..", "shared", "data", "drone-footage"))
    ap.add_argument("--split", default="tune")
    ap.add_argument("--config", help="base YAML config (default: argus's built-in defaults)")
    ap.add_argument("--model", action="append", help="ONNX model (repeat to compare)")
    ap.add_argument("--names", action="append", help="names file of each --model")
    ap.add_argument("--input-size", action="append", help="WxH detector input of each --model")
    ap.add_argument("--label", action="append", help="column label of each model")
    ap.add_argument("--compare", action="append", help="a second model, scored in the same run")
    ap.add_argument("--compare-names", action="append")
    ap.add_argument("--compare-input-size", action="append")
    ap.add_argument("--videos", type=int, default=0, help="score N videos (round-robin over classes); 0: all")
    ap.add_argument("--out", required=True, help="folder for cached outputs and summary.json")
    ap.add_argument("--replay-detections", metavar="DIR",
                    help="track the <video>.det.csv files of an earlier run's folder instead of "
                         "detecting (tune the tracker fast; detection figures are then that run's). "
                         "Record that run with detector.motion.enabled: false: replayed boxes pass "
                         "the motion stage again, so a recording with it on is refused")
    return ap.parse_args()


def motion_enabled(config_text):
    """Whether an argus config runs the motion stage: on unless
    detector.motion.enabled is false."""
    cfg = yaml.safe_load(config_text) or {}
    motion = (cfg.get("detector") or {}).get("motion") or {}
    return motion.get("enabled", True) is not False


def replay_conflict(replay_dir, config_text):
    """Why a run with `config_text` must not replay the detections recorded
    in `replay_dir`, or None. The recorded boxes already passed the motion
    stage when that run had it on, and a replay passes them through it
    again: still boxes would be damped twice, and the figures would be
    wrong without any error."""
    recorded = os.path.join(replay_dir, "config.yaml")
    if not os.path.isfile(recorded):
        return (f"{replay_dir} has no config.yaml: replay only a folder this evaluator "
                "recorded (with detector.motion.enabled: false)")
    with open(recorded) as f:
        recorded_text = f.read()
    if motion_enabled(recorded_text) and motion_enabled(config_text):
        return (f"the detections in {replay_dir} were recorded with the motion stage on, and this "
                "run would damp them again: record with detector.motion.enabled: false (if that "
                "folder predates the motion stage, say so in its config.yaml)")
    return None


def evaluate_variant(args, variant, videos, index):
    out_dir = os.path.join(args.out, variant.label)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "config.yaml"), "w") as f:
        f.write(variant.config_text)
    sc = Scores()
    for k, name in enumerate(videos):
        base = os.path.join(args.footage, args.split, name)
        paths, secs = run_video(args.argus, variant, base + ".mp4", out_dir, args.replay_detections)
        note = f"{secs:.1f} s" if secs else "cached"
        print(f"[{variant.label}] {k + 1}/{len(videos)} {name} ({note})", file=sys.stderr)
        score_video(sc, name, index[name], base + ".csv", paths)
    return summarize(sc)


def main():
    args = parse_args()
    args.argus = os.path.abspath(args.argus)
    args.footage = os.path.abspath(args.footage)
    if not os.path.isdir(args.footage):
        sys.exit(f"no footage at {args.footage}")
    index = read_index(args.footage)
    videos = split_videos(args.footage, args.split, args.videos)
    variants = build_variants(args)
    for variant in variants if args.replay_detections else []:
        why = replay_conflict(args.replay_detections, variant.config_text)
        if why:
            sys.exit(f"[{variant.label}] cannot replay: {why}")
    results = {}
    for variant in variants:
        results[variant.label] = evaluate_variant(args, variant, videos, index)
    print(report(results))
    summary = {"split": args.split, "videos": videos, "results": results}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
