#!/usr/bin/python3
"""Trains argus' crop classifier: what a detected sky object is.

The detector finds objects well but often calls a bird or a helicopter a
drone (docs/benchmarks.md §8). This second stage looks at one
native-resolution crop around each detection, scaled so the object fills
about 40 % of it, and says drone, bird, airplane, helicopter or
background. Tracks vote with its answer (decision 0005).

Data: the real videos of ../shared/data/drone-footage/train/ (the Drone
Detection Dataset by Svanstrom, Alonso-Fernandez and Englund, CC0 1.0),
every --frame-step-th frame: one jittered crop per labelled object and one
background crop per frame (a box of a labelled size, somewhere that
overlaps no label). The same from argus' synthetic sky (`argus synth`,
seeds 1000-1039, as the detector), so the demo's sprites keep their class. Never the tune/ split for training: it is only scored
on, and those are tuning figures.

The crop geometry is core/analytics/crop_classifier.cpp's, exactly (classifier_crop.py;
fixtures/classifier_crops.json holds both to the same pixels): a square of
side clamp(2.5 * max(w, h), 32, 256) centred on the box, pixels past the
frame edge repeated (cv2.getRectSubPix), resized to 48x48 (INTER_AREA),
RGB / 255.

Uses a GPU when torch sees one, else the CPU. Run with Debian's
interpreter (python3-torch, python3-opencv):
    /usr/bin/python3 scripts/train_classifier.py --out models/argus-sky-cls.onnx
"""
import argparse
import json
import os
import platform
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from classifier_crop import SIZE, crop
from footage import CLASSES as OBJECTS, chw_rgb, render_synthetic, synthetic_frames, video_frames

CLASSES = OBJECTS + ["background"]


def overlaps(box, labels):
    x, y, w, h = box
    return any(x < lx + lw and lx < x + w and y < ly + lh and ly < y + h
               for _, lx, ly, lw, lh in labels)


def crops_of_frame(img, labels, rng, jitter):
    """(crop, class) pairs: each labelled object, plus one background."""
    out = []
    for c, x, y, w, h in labels:
        cx, cy, s = x + w / 2, y + h / 2, max(w, h)
        if jitter:
            cx += rng.uniform(-0.15, 0.15) * s
            cy += rng.uniform(-0.15, 0.15) * s
            k = rng.uniform(0.8, 1.25)
            w, h = w * k, h * k
        out.append((crop(img, cx, cy, w, h), c))
    H, W = img.shape[:2]
    for _ in range(10):  # a background box of a labelled object's size
        w, h = (labels[rng.integers(len(labels))][3:5] if labels
                else (rng.uniform(8, 64),) * 2)
        x, y = rng.uniform(0, W - w), rng.uniform(0, H - h)
        grown = (x - w, y - h, 3 * w, 3 * h)  # keep objects out of the crop
        if not overlaps(grown, labels):
            out.append((crop(img, x + w / 2, y + h / 2, w, h), len(CLASSES) - 1))
            break
    return out


def load(frames, rng, jitter):
    """Classifier crops of (frame, boxes) pairs (footage.py)."""
    xs, ys = [], []
    for img, labels in frames:
        for patch, c in crops_of_frame(img, labels, rng, jitter):
            xs.append(chw_rgb(patch))
            ys.append(c)
    return np.stack(xs), np.array(ys, np.int64)


def block(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class CropNet(nn.Module):
    """48x48 RGB -> class probabilities; ~0.1 M parameters, ReLU only."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            block(3, 16, 1), block(16, 32, 2), block(32, 32, 1),
            block(32, 64, 2), block(64, 64, 1), block(64, 96, 2),
            nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(96, len(CLASSES))

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


class Exported(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return F.softmax(self.net(x), dim=1)


def augment(x, rng):
    if rng.random() < 0.5:
        x = torch.flip(x, dims=[3])
    gain = torch.empty(x.shape[0], 1, 1, 1, device=x.device).uniform_(0.75, 1.25)
    return (x * gain).clamp(0, 1)


def confusion(net, x, y, device):
    net.eval()
    m = np.zeros((len(CLASSES), len(CLASSES)), np.int64)
    with torch.no_grad():
        for i in range(0, len(x), 512):
            xb = torch.from_numpy(x[i:i + 512]).float().to(device) / 255.0
            pred = net(xb).argmax(1).cpu().numpy()
            for t, p in zip(y[i:i + 512], pred):
                m[t, p] += 1
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--footage", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "drone-footage"))
    ap.add_argument("--out", default="models/argus-sky-cls.onnx")
    ap.add_argument("--argus", default="build/argus", help="argus binary (renders the synthetic sky)")
    ap.add_argument("--synthetic", default=None, help="argus synth output to reuse (default: render one)")
    ap.add_argument("--frame-step", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    rng = np.random.default_rng(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    t0 = time.time()
    split = lambda s: [v.strip() for v in open(os.path.join(args.footage, s + ".txt")) if v.strip()]
    x, y = load(video_frames(os.path.join(args.footage, "train"), split("train"), args.frame_step), rng, True)
    args.synthetic = render_synthetic(args.argus, args.synthetic)
    xs, ys = load(synthetic_frames(args.synthetic), rng, True)
    x, y = np.concatenate([x, xs]), np.concatenate([y, ys])
    xt, yt = load(video_frames(os.path.join(args.footage, "tune"), split("tune"), 10), np.random.default_rng(1), False)
    counts = np.bincount(y, minlength=len(CLASSES))
    print("train crops per class", dict(zip(CLASSES, counts.tolist())), f"loaded in {time.time() - t0:.0f} s",
          flush=True)
    # Inverse-frequency weights: birds and helicopters are rarer than drones.
    weight = torch.tensor(counts.sum() / (len(CLASSES) * np.maximum(counts, 1)), dtype=torch.float32, device=device)
    net = CropNet().to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * ((len(x) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=steps)
    t1 = time.time()
    for epoch in range(args.epochs):
        net.train()
        order = rng.permutation(len(x))
        total = 0.0
        for i in range(0, len(x), args.batch):
            idx = order[i:i + args.batch]
            xb = augment(torch.from_numpy(x[idx]).float().to(device) / 255.0, rng)
            yb = torch.from_numpy(y[idx]).to(device)
            loss = F.cross_entropy(net(xb), yb, weight=weight, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        m = confusion(net, xt, yt, device)
        acc = np.trace(m) / max(m.sum(), 1)
        print(f"epoch {epoch + 1}: loss {total / len(x):.4f}, tune crop accuracy {acc:.3f}", flush=True)
    train_s = time.time() - t1
    m = confusion(net, xt, yt, device)
    print("tune confusion (rows: label, columns: predicted)", CLASSES)
    print(m)
    # export() restores the module's training flag afterwards: the wrapper
    # must itself be in eval mode, or the check below runs BatchNorm on
    # batch statistics.
    exported = Exported(net.cpu()).eval()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.onnx.export(exported, torch.zeros(1, 3, SIZE, SIZE), args.out, opset_version=12,
                      input_names=["crop"], output_names=["probs"], do_constant_folding=True)
    with open(os.path.splitext(args.out)[0] + ".names", "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    # OpenCV must read the export and agree with torch.
    cvnet = cv2.dnn.readNetFromONNX(args.out)
    sample = torch.from_numpy(xt[:1]).float() / 255.0
    cvnet.setInput(sample.numpy())
    diff = float(np.abs(cvnet.forward() - exported(sample).detach().numpy()).max())
    print("opencv vs torch max abs diff", diff, flush=True)
    if diff > 1e-3:
        raise SystemExit("the ONNX export disagrees with torch")
    record = {
        "script": "scripts/train_classifier.py", "args": vars(args), "device": device,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "torch": torch.__version__, "train_crops": counts.tolist(), "train_seconds": round(train_s),
        "total_seconds": round(time.time() - t0),
        "tune_crop_accuracy": float(np.trace(m) / max(m.sum(), 1)),
        "tune_confusion": {"classes": CLASSES, "rows_label_columns_predicted": m.tolist()},
    }
    with open(os.path.splitext(args.out)[0] + ".train.json", "w") as f:
        json.dump(record, f, indent=1)


if __name__ == "__main__":
    main()
