#!/usr/bin/python3
"""Trains argus' shipped sky detector on real footage plus its synthetic sky.

Classes: drone, bird, airplane, helicopter. Training data:
  - the real videos of ../shared/data/drone-footage/train/ (the Drone
    Detection Dataset by Svanstrom, Alonso-Fernandez and Englund, CC0 1.0;
    Data in Brief 39:107521, 2021), every --frame-step-th frame;
  - argus' own synthetic sky (`argus synth`), so the demo camera's sprites
    stay detectable.
Never the tune/ split: that is for choosing thresholds and reporting
tuning figures (bench/real_footage/).

The network is small and fully convolutional and runs at the footage's
native 640x512: the objects are often 3-15 px, and any downscaling loses
them. It trains on 192x192 native-resolution crops (most around a labelled
object, the rest anywhere: sky, trees, fields, the clutter it must learn
to ignore) and is exported at 640x512 with the YOLOv8 output layout
[1, 4 + classes, N] (cx, cy, w, h in input pixels, then class scores),
using only ops OpenCV 4.6's ONNX importer handles: opset 12, static
slices, constants precomputed in full shape, no NMS in the graph.

Uses a GPU when torch sees one, else the CPU. Run with Debian's
interpreter (python3-torch, python3-opencv):
    /usr/bin/python3 scripts/train_detector.py --argus build/argus \
        --out models/argus-sky.onnx
"""
import argparse
import json
import os
import platform
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from footage import (CLASSES, chw_rgb, render_synthetic, synthetic_frames,
                     video_frames)

EXPORT_W, EXPORT_H = 640, 512
CROP = 192
STRIDES = (8, 16)
MAX_DIST = 8.0  # regression range per side, in strides
SMALL_LEVEL_MAX = 48  # boxes up to this size (px) go to the stride-8 level


def conv(cin, cout, k=3, s=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def grid(w, h):
    """Anchor centres and per-anchor regression scale for an input size."""
    anchors, strides = [], []
    for s in STRIDES:
        gh, gw = h // s, w // s
        ys, xs = torch.meshgrid(torch.arange(gh), torch.arange(gw),
                                indexing="ij")
        anchors.append(torch.stack([(xs.flatten() + 0.5) * s,
                                    (ys.flatten() + 0.5) * s], 0).float())
        strides.append(torch.full((1, gh * gw), float(s)))
    anchors = torch.cat(anchors, 1).unsqueeze(0)        # [1,2,N]
    strides = torch.cat(strides, 1).unsqueeze(0)        # [1,1,N]
    # Full-shape constants: OpenCV 4.6 cannot broadcast [1,1,N] over C.
    return anchors, strides.repeat(1, 4, 1) * MAX_DIST


def patchify_stem():
    """The shipped stem: a 4x4, stride-4 convolution straight to 16
    channels, in place of the earlier stem's three convolutions at 320x256
    and 160x128 (11 of the network's 29 ms). The detector runs ~11 ms
    faster a frame in OpenCV DNN, and over three training seeds each it
    tracks drones as well (benchmarks §8.5, decision 0007)."""
    return nn.Sequential(nn.Conv2d(3, 16, 4, 4, 0, bias=False),
                         nn.BatchNorm2d(16), nn.ReLU(inplace=True))


class SkyNet(nn.Module):
    def __init__(self, nc=len(CLASSES), stem="patch"):
        super().__init__()
        self.nc = nc
        if stem == "patch":
            self.stem = patchify_stem()
        else:
            self.stem = nn.Sequential(conv(3, 8, 3, 2), conv(8, 16, 3, 2),
                                      conv(16, 16))
        self.p3 = nn.Sequential(conv(16, 32, 3, 2), conv(32, 32))
        self.p4 = nn.Sequential(conv(32, 48, 3, 2), conv(48, 48), conv(48, 48))
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.fuse3 = conv(32 + 48, 32, 1)
        self.head3 = nn.Sequential(conv(32, 32), nn.Conv2d(32, 4 + nc, 1))
        self.head4 = nn.Sequential(conv(48, 32), nn.Conv2d(32, 4 + nc, 1))
        self.set_size(CROP, CROP)

    def set_size(self, w, h):
        anchors, scale4 = grid(w, h)
        self.register_buffer("anchors", anchors, persistent=False)
        self.register_buffer("scale4", scale4, persistent=False)

    def raw(self, x):
        x = self.stem(x)
        p3 = self.p3(x)
        p4 = self.p4(p3)
        f3 = self.fuse3(torch.cat([p3, self.up(p4)], 1))
        o3, o4 = self.head3(f3), self.head4(p4)
        b = o3.shape[0]
        return torch.cat([o3.reshape(b, 4 + self.nc, -1),
                          o4.reshape(b, 4 + self.nc, -1)], 2)  # [B,4+nc,N]

    def decode(self, raw):
        ltrb = torch.sigmoid(raw[:, :4, :]) * self.scale4
        lt, rb = ltrb[:, :2, :], ltrb[:, 2:, :]
        x1y1 = self.anchors - lt
        x2y2 = self.anchors + rb
        c = (x1y1 + x2y2) * 0.5
        wh = x2y2 - x1y1
        return torch.cat([c, wh, torch.sigmoid(raw[:, 4:, :])], 1)

    def forward(self, x):
        return self.decode(self.raw(x))


# -- data ---------------------------------------------------------------------

def crop_boxes(boxes, x0, y0):
    """Boxes shifted into a crop at (x0, y0); a box keeps its label when at
    least half of it lies inside (else it is ignored, not a negative)."""
    keep, ignore = [], []
    for c, x1, y1, x2, y2 in boxes:
        cx1, cy1 = max(x1 - x0, 0), max(y1 - y0, 0)
        cx2, cy2 = min(x2 - x0, CROP), min(y2 - y0, CROP)
        if cx2 <= cx1 or cy2 <= cy1:
            continue
        inside = (cx2 - cx1) * (cy2 - cy1) / max((x2 - x1) * (y2 - y1), 1e-6)
        (keep if inside >= 0.5 else ignore).append([c, cx1, cy1, cx2, cy2])
    return keep, ignore


def crops_of(img, boxes, rng, per_frame):
    """Native-resolution crops of one frame: around a labelled object
    (random offset) or, for the last one, anywhere."""
    h, w = img.shape[:2]
    out = []
    for k in range(per_frame):
        if boxes and k < per_frame - 1:
            c, x1, y1, x2, y2 = boxes[rng.integers(len(boxes))]
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            x0 = int(cx - rng.uniform(0.15, 0.85) * CROP)
            y0 = int(cy - rng.uniform(0.15, 0.85) * CROP)
        else:
            x0 = int(rng.integers(0, max(w - CROP, 0) + 1))
            y0 = int(rng.integers(0, max(h - CROP, 0) + 1))
        x0 = min(max(x0, 0), max(w - CROP, 0))
        y0 = min(max(y0, 0), max(h - CROP, 0))
        patch = img[y0:y0 + CROP, x0:x0 + CROP]
        if patch.shape[:2] != (CROP, CROP):
            patch = cv2.copyMakeBorder(patch, 0, CROP - patch.shape[0], 0,
                                       CROP - patch.shape[1],
                                       cv2.BORDER_REPLICATE)
        keep, _ = crop_boxes(boxes, x0, y0)
        out.append((patch, np.array(keep, np.float32).reshape(-1, 5)))
    return out


def load(frames, per_frame, rng):
    """Detector crops and their [class, x1, y1, x2, y2] targets of (frame,
    boxes) pairs (footage.py)."""
    imgs, targets = [], []
    for img, labels in frames:
        boxes = [[c, x, y, x + w, y + h] for c, x, y, w, h in labels]
        for patch, t in crops_of(img, boxes, rng, per_frame):
            imgs.append(chw_rgb(patch))
            targets.append(t)
    return imgs, targets


# -- loss ---------------------------------------------------------------------

def assign(model, targets, device):
    """Center sampling: a cell is positive for a box when its center lies in
    the box and within one stride of the box center, on the level whose
    stride fits the box size; ties go to the smaller box."""
    n = model.anchors.shape[2]
    anchors = model.anchors[0].T          # [N,2]
    stride = model.scale4[0, 0] / MAX_DIST  # [N]
    b = len(targets)
    cls_t = torch.zeros(b, model.nc, n, device=device)
    box_t = torch.zeros(b, n, 4, device=device)
    pos = torch.zeros(b, n, dtype=torch.bool, device=device)
    ax, ay = anchors[:, 0], anchors[:, 1]
    for i, t in enumerate(targets):
        if len(t) == 0:
            continue
        t = torch.from_numpy(t).to(device)
        area = (t[:, 3] - t[:, 1]) * (t[:, 4] - t[:, 2])
        order = torch.argsort(area, descending=True)  # small boxes win last
        for j in order.tolist():
            c, x1, y1, x2, y2 = t[j].tolist()
            size = max(x2 - x1, y2 - y1)
            level = 8.0 if size <= SMALL_LEVEL_MAX else 16.0
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            m = ((stride == level) & ((ax - cx).abs() <= level)
                 & ((ay - cy).abs() <= level)
                 & (ax > x1 - 1) & (ax < x2 + 1) & (ay > y1 - 1) & (ay < y2 + 1))
            if not m.any():  # tiny box: take the nearest cell of its level
                d = (ax - cx) ** 2 + (ay - cy) ** 2 + (stride != level) * 1e9
                m = torch.zeros_like(m)
                m[torch.argmin(d)] = True
            pos[i, m] = True
            cls_t[i, :, m] = 0
            cls_t[i, int(c), m] = 1
            box_t[i, m] = torch.tensor([x1, y1, x2, y2], device=device)
    return cls_t, box_t, pos


def giou(a, b):
    ix1, iy1 = torch.max(a[:, 0], b[:, 0]), torch.max(a[:, 1], b[:, 1])
    ix2, iy2 = torch.min(a[:, 2], b[:, 2]), torch.min(a[:, 3], b[:, 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = aa + ab - inter + 1e-6
    iou = inter / union
    cx1, cy1 = torch.min(a[:, 0], b[:, 0]), torch.min(a[:, 1], b[:, 1])
    cx2, cy2 = torch.max(a[:, 2], b[:, 2]), torch.max(a[:, 3], b[:, 3])
    carea = (cx2 - cx1) * (cy2 - cy1) + 1e-6
    return iou - (carea - union) / carea, iou


def loss_fn(model, raw, cls_t, box_t, pos):
    pred = model.decode(raw)                        # [B,4+nc,N]
    cls_logit = raw[:, 4:, :]
    p = torch.sigmoid(cls_logit)
    # Focal BCE over every cell and class.
    bce = F.binary_cross_entropy_with_logits(cls_logit, cls_t, reduction="none")
    pt = p * cls_t + (1 - p) * (1 - cls_t)
    alpha = 0.25 * cls_t + 0.75 * (1 - cls_t)
    npos = max(1, int(pos.sum()))
    l_cls = (alpha * (1 - pt) ** 2 * bce).sum() / npos
    if pos.any():
        c = pred[:, :4, :].permute(0, 2, 1)[pos]    # [P,4] cx,cy,w,h
        pb = torch.stack([c[:, 0] - c[:, 2] / 2, c[:, 1] - c[:, 3] / 2,
                          c[:, 0] + c[:, 2] / 2, c[:, 1] + c[:, 3] / 2], 1)
        g, _ = giou(pb, box_t[pos])
        l_box = (1 - g).mean()
    else:
        l_box = raw.sum() * 0
    return l_cls + 2.0 * l_box, l_cls.item(), l_box.item()


def augment(x):
    # Brightness/contrast jitter: daylight, overcast and dusk skies.
    b = x.shape[0]
    gain = torch.empty(b, 1, 1, 1).uniform_(0.7, 1.3)
    bias = torch.empty(b, 1, 1, 1).uniform_(-0.12, 0.12)
    return (x * gain + bias).clamp(0, 1)


def flip_batch(x, tg, rng):
    for j in range(x.shape[0]):
        if rng.random() < 0.5:
            x[j] = x[j].flip(-1)
            t = tg[j]
            t[:, [1, 3]] = CROP - t[:, [3, 1]]


# -- main -----------------------------------------------------------------------

def export(model, out, sample):
    model.eval()
    model.cpu()
    model.set_size(EXPORT_W, EXPORT_H)
    dummy = torch.zeros(1, 3, EXPORT_H, EXPORT_W)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    torch.onnx.export(model, dummy, out, opset_version=12,
                      input_names=["images"], output_names=["output0"],
                      do_constant_folding=True)
    with open(os.path.splitext(out)[0] + ".names", "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    # OpenCV must read the export and agree with torch.
    net = cv2.dnn.readNetFromONNX(out)
    sample = np.pad(sample, ((0, 0), (0, EXPORT_H - CROP), (0, EXPORT_W - CROP)),
                    mode="edge")
    x = torch.from_numpy(sample).float().unsqueeze(0) / 255.0
    net.setInput(x.numpy())
    diff = float(np.abs(net.forward() - model(x).detach().numpy()).max())
    print("opencv vs torch max abs diff", diff, flush=True)
    if diff > 1e-2:
        raise SystemExit("the ONNX export disagrees with torch")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", default="build/argus", help="argus binary")
    ap.add_argument("--footage",
                    default=os.path.join(here, "../../shared/data/drone-footage"))
    ap.add_argument("--out", default="models/argus-sky.onnx")
    ap.add_argument("--synthetic", default=None, help="reuse a rendered dir")
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--seeds", type=int, default=40)
    ap.add_argument("--frames-per-seed", type=int, default=20)
    ap.add_argument("--frame-step", type=int, default=6,
                    help="every n-th frame of each training video")
    ap.add_argument("--crops-per-frame", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=4e-3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--torch-seed", type=int, default=0)
    ap.add_argument("--stem", choices=["patch", "conv"], default="patch",
                    help="patch: the shipped 4x4/4 stem; conv: the earlier "
                         "three-convolution one (decision 0007)")
    args = ap.parse_args()
    torch.manual_seed(args.torch_seed)
    rng = np.random.default_rng(args.torch_seed)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    started = time.time()

    train_dir = os.path.join(args.footage, "train")
    if not os.path.isdir(train_dir):
        raise SystemExit(f"no training footage at {train_dir} (see README.md)")
    videos = [v.strip() for v in open(os.path.join(args.footage, "train.txt"))
              if v.strip()]
    imgs, targets = load(video_frames(train_dir, videos, args.frame_step),
                         args.crops_per_frame, rng)
    real = len(imgs)
    synth_dir = render_synthetic(args.argus, args.synthetic, args.first_seed,
                                 args.seeds, args.frames_per_seed)
    s_imgs, s_targets = load(synthetic_frames(synth_dir),
                             args.crops_per_frame, rng)
    imgs += s_imgs
    targets += s_targets
    imgs = np.stack(imgs)
    print(f"{real} real crops from {len(videos)} videos, {len(s_imgs)} "
          f"synthetic; {sum(len(t) for t in targets)} boxes "
          f"({time.time() - started:.0f}s)", flush=True)

    model = SkyNet(stem=args.stem).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    steps = args.epochs * ((len(imgs) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=steps,
                                                pct_start=0.1)
    for epoch in range(args.epochs):
        model.train()
        perm = rng.permutation(len(imgs))
        t0, tot = time.time(), 0.0
        for k in range(0, len(perm), args.batch):
            idx = perm[k:k + args.batch]
            x = torch.from_numpy(imgs[idx]).float() / 255.0
            tg = [targets[i].copy() for i in idx]
            flip_batch(x, tg, rng)
            x = augment(x).to(device)
            cls_t, box_t, pos = assign(model, tg, device)
            loss, lc, lb = loss_fn(model, model.raw(x), cls_t, box_t, pos)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{args.epochs} loss {tot / len(imgs):.4f} "
              f"({time.time() - t0:.0f}s)", flush=True)

    export(model, args.out, imgs[0])
    record = {
        "classes": CLASSES, "export_size": [EXPORT_W, EXPORT_H],
        "train_videos": len(videos), "real_crops": real,
        "synthetic_crops": len(s_imgs), "epochs": args.epochs, "stem": args.stem,
        "device": str(device), "threads": args.threads,
        "cpu": platform.processor() or platform.machine(),
        "seconds": round(time.time() - started),
        "args": vars(args),
    }
    with open(os.path.splitext(args.out)[0] + ".train.json", "w") as f:
        json.dump(record, f, indent=2)
    print("wrote", args.out, os.path.getsize(args.out), "bytes in",
          record["seconds"], "s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
