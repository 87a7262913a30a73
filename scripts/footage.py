"""Reading the training data both trainers share: the labelled real videos
of ../shared/data/drone-footage/ and the synthetic sky of `argus synth`.
Boxes are (class id, x, y, w, h) in frame pixels; class ids index CLASSES
(the detector's four; the classifier appends "background")."""
import glob
import os
import subprocess
import tempfile

import cv2

CLASSES = ["drone", "bird", "airplane", "helicopter"]


def read_labels(csv_path):
    """frame (1-based) -> [(class id, x, y, w, h)] of one video's CSV."""
    out = {}
    with open(csv_path) as f:
        next(f)
        for line in f:
            fr, x, y, w, h, cls = line.strip().split(",")
            out.setdefault(int(fr), []).append(
                (CLASSES.index(cls), float(x), float(y), float(w), float(h)))
    return out


def video_frames(root, videos, frame_step):
    """(BGR frame, its boxes) for every frame_step-th frame of each video."""
    for name in videos:
        labels = read_labels(os.path.join(root, name + ".csv"))
        cap = cv2.VideoCapture(os.path.join(root, name + ".mp4"))
        frame = 0
        while True:
            ok, img = cap.read()
            if not ok:
                break
            frame += 1
            if frame % frame_step == 0:
                yield img, labels.get(frame, [])


def synthetic_frames(root):
    """(BGR frame, its boxes) of `argus synth` output: images/*.jpg with
    YOLO labels (drone 0, bird 1)."""
    for path in sorted(glob.glob(os.path.join(root, "images", "*.jpg"))):
        img = cv2.imread(path)
        h, w = img.shape[:2]
        boxes = []
        for line in open(path.replace("images", "labels").replace(".jpg", ".txt")):
            c, cx, cy, bw, bh = map(float, line.split())
            boxes.append((int(c), (cx - bw / 2) * w, (cy - bh / 2) * h,
                          bw * w, bh * h))
        yield img, boxes


def chw_rgb(patch):
    """A BGR HxWx3 crop as the networks' 3xHxW RGB array."""
    return patch[:, :, ::-1].transpose(2, 0, 1).copy()


def render_synthetic(argus, out=None, first_seed=1000, seeds=40,
                     frames_per_seed=20):
    """The synthetic sky both trainers add to the real footage: `argus
    synth` into `out` (a new temporary folder when None), unless `out`
    already holds rendered frames. Returns the folder."""
    out = out or tempfile.mkdtemp(prefix="argus-synth-")
    if glob.glob(os.path.join(out, "images", "*.jpg")):
        return out
    cmd = [argus, "synth", "--out", out, "--first-seed", str(first_seed),
           "--seeds", str(seeds), "--frames-per-seed", str(frames_per_seed)]
    print("rendering:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    return out
