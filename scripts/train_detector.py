#!/usr/bin/python3
"""Trains argus' shipped sky detector (drone, bird) on synthetic scenes.

The training images come from argus' own renderer (`argus synth`), so the
model sees exactly the sprites the synthetic camera draws. The network is a
small anchor-free YOLOv8-style detector whose ONNX export has the YOLOv8
output layout [1, 4 + classes, N] (cx, cy, w, h in input pixels, then class
scores) and uses only ops OpenCV 4.6's ONNX importer handles: opset 12,
static slices, constants precomputed in full shape, no NMS in the graph.

Run with Debian's interpreter (python3-torch, python3-opencv):
    /usr/bin/python3 scripts/train_detector.py --argus build/argus \
        --out models/argus-sky.onnx
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

INPUT_W, INPUT_H = 320, 192
CLASSES = ["drone", "bird"]
STRIDES = (8, 16)
MAX_DIST = 8.0  # regression range per side, in strides


def conv(cin, cout, k=3, s=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, bias=False),
                         nn.BatchNorm2d(cout), nn.SiLU())


class SkyNet(nn.Module):
    def __init__(self, nc=len(CLASSES)):
        super().__init__()
        self.nc = nc
        self.stem = nn.Sequential(conv(3, 16, 3, 2), conv(16, 24, 3, 2),
                                  conv(24, 24))
        self.p3 = nn.Sequential(conv(24, 48, 3, 2), conv(48, 48))
        self.p4 = nn.Sequential(conv(48, 64, 3, 2), conv(64, 64), conv(64, 64))
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.fuse3 = conv(48 + 64, 48, 1)
        self.head3 = nn.Sequential(conv(48, 48), nn.Conv2d(48, 4 + nc, 1))
        self.head4 = nn.Sequential(conv(64, 48), nn.Conv2d(48, 4 + nc, 1))
        anchors, strides = [], []
        for s in STRIDES:
            h, w = INPUT_H // s, INPUT_W // s
            ys, xs = torch.meshgrid(torch.arange(h), torch.arange(w),
                                    indexing="ij")
            a = torch.stack([(xs.flatten() + 0.5) * s,
                             (ys.flatten() + 0.5) * s], 0)
            anchors.append(a.float())
            strides.append(torch.full((1, h * w), float(s)))
        anchors = torch.cat(anchors, 1).unsqueeze(0)        # [1,2,N]
        strides = torch.cat(strides, 1).unsqueeze(0)        # [1,1,N]
        # Full-shape constants: OpenCV 4.6 cannot broadcast [1,1,N] over C.
        self.register_buffer("anchors", anchors)
        self.register_buffer("scale4", strides.repeat(1, 4, 1) * MAX_DIST)

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


def letterbox(img):
    h, w = img.shape[:2]
    r = min(INPUT_W / w, INPUT_H / h)
    nw, nh = int(round(w * r)), int(round(h * r))
    out = np.full((INPUT_H, INPUT_W, 3), 114, np.uint8)
    dx, dy = (INPUT_W - nw) // 2, (INPUT_H - nh) // 2
    out[dy:dy + nh, dx:dx + nw] = cv2.resize(img, (nw, nh),
                                             interpolation=cv2.INTER_AREA)
    return out, r, dx, dy


def load_set(root):
    imgs, targets = [], []
    for path in sorted(glob.glob(os.path.join(root, "images", "*.jpg"))):
        img = cv2.imread(path)
        lb, r, dx, dy = letterbox(img)
        h, w = img.shape[:2]
        boxes = []
        lpath = path.replace("images", "labels").replace(".jpg", ".txt")
        for line in open(lpath):
            c, cx, cy, bw, bh = map(float, line.split())
            x1 = (cx - bw / 2) * w * r + dx
            y1 = (cy - bh / 2) * h * r + dy
            boxes.append([c, x1, y1, x1 + bw * w * r, y1 + bh * h * r])
        imgs.append(lb[:, :, ::-1].transpose(2, 0, 1).copy())  # BGR->RGB
        targets.append(np.array(boxes, np.float32).reshape(-1, 5))
    return np.stack(imgs), targets


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
    for i, t in enumerate(targets):
        if len(t) == 0:
            continue
        t = torch.from_numpy(t).to(device)
        area = (t[:, 3] - t[:, 1]) * (t[:, 4] - t[:, 2])
        order = torch.argsort(area, descending=True)  # small boxes win last
        for j in order.tolist():
            c, x1, y1, x2, y2 = t[j].tolist()
            size = max(x2 - x1, y2 - y1)
            level_stride = 8.0 if size <= 28 else 16.0
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            ax, ay = anchors[:, 0], anchors[:, 1]
            m = ((stride == level_stride)
                 & ((ax - cx).abs() <= level_stride)
                 & ((ay - cy).abs() <= level_stride))
            inside = (ax > x1 - 1) & (ax < x2 + 1) & (ay > y1 - 1) & (ay < y2 + 1)
            m &= inside
            if not m.any():  # tiny box: take the nearest cell of its level
                d = (ax - cx) ** 2 + (ay - cy) ** 2 + (stride != level_stride) * 1e9
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
    # Brightness/contrast jitter and horizontal flips keep the sky varied.
    b = x.shape[0]
    gain = torch.empty(b, 1, 1, 1).uniform_(0.75, 1.25)
    bias = torch.empty(b, 1, 1, 1).uniform_(-0.12, 0.12)
    return (x * gain + bias).clamp(0, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--argus", default="build/argus", help="argus binary")
    ap.add_argument("--synth-cmd", default=None,
                    help="override: command that takes OUT FIRST_SEED SEEDS FRAMES")
    ap.add_argument("--out", default="models/argus-sky.onnx")
    ap.add_argument("--data", default=None, help="reuse a rendered data dir")
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--seeds", type=int, default=60)
    ap.add_argument("--frames-per-seed", type=int, default=40)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--torch-seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.torch_seed)
    np.random.seed(args.torch_seed)
    torch.set_num_threads(args.threads)

    data = args.data or tempfile.mkdtemp(prefix="argus-train-")
    if not glob.glob(os.path.join(data, "images", "*.jpg")):
        if args.synth_cmd:
            cmd = args.synth_cmd.split() + [data, str(args.first_seed),
                                            str(args.seeds),
                                            str(args.frames_per_seed)]
        else:
            cmd = [args.argus, "synth", "--out", data,
                   "--first-seed", str(args.first_seed),
                   "--seeds", str(args.seeds),
                   "--frames-per-seed", str(args.frames_per_seed)]
        print("rendering:", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
    imgs, targets = load_set(data)
    print(f"{len(imgs)} images, {sum(len(t) for t in targets)} boxes",
          flush=True)

    model = SkyNet()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    steps = args.epochs * ((len(imgs) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=steps,
                                                pct_start=0.1)
    device = torch.device("cpu")
    for epoch in range(args.epochs):
        model.train()
        perm = np.random.permutation(len(imgs))
        t0, tot = time.time(), 0.0
        for k in range(0, len(perm), args.batch):
            idx = perm[k:k + args.batch]
            x = torch.from_numpy(imgs[idx]).float() / 255.0
            tg = [targets[i].copy() for i in idx]
            flip = np.random.rand(len(idx)) < 0.5
            for j, f in enumerate(flip):
                if f:
                    x[j] = x[j].flip(-1)
                    t = tg[j]
                    t[:, [1, 3]] = INPUT_W - t[:, [3, 1]]
            x = augment(x)
            cls_t, box_t, pos = assign(model, tg, device)
            loss, lc, lb = loss_fn(model, model.raw(x), cls_t, box_t, pos)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{args.epochs} loss {tot / len(imgs):.4f} "
              f"({time.time() - t0:.0f}s)", flush=True)

    model.eval()
    dummy = torch.zeros(1, 3, INPUT_H, INPUT_W)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.onnx.export(model, dummy, args.out, opset_version=12,
                      input_names=["images"], output_names=["output0"],
                      do_constant_folding=True)
    names = os.path.splitext(args.out)[0] + ".names"
    with open(names, "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    # Check OpenCV reads the export and agrees with torch.
    net = cv2.dnn.readNetFromONNX(args.out)
    x = torch.from_numpy(imgs[:1]).float() / 255.0
    net.setInput(x.numpy())
    ocv = net.forward()
    ref = model(x).detach().numpy()
    print("opencv shape", ocv.shape, "max abs diff vs torch",
          float(np.abs(ocv - ref).max()))
    print("wrote", args.out, os.path.getsize(args.out), "bytes")


if __name__ == "__main__":
    sys.exit(main())
