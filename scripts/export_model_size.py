#!/usr/bin/python3
"""Re-exports argus' trained sky detector at another input size.

The detector (scripts/train_detector.py) is fully convolutional; only its
decode constants depend on the input size: the anchor centres [1, 2, N]
and the per-anchor regression scale [1, 4, N] (N = anchors over strides 8
and 16), precomputed in full shape for OpenCV 4.6. This script rewrites
those constants and the graph's input/output shapes in the shipped ONNX
file, keeping every trained weight byte for byte, so the result is the
same trained network at a new resolution: no retraining, no download and
no extra Python package (the protobuf is edited by hand below).

The second model shipped for model management (models/argus-sky-320.onnx,
docs/decisions/0013-model-management.md) was made with
    /usr/bin/python3 scripts/export_model_size.py \
        --src models/argus-sky.onnx --width 320 --height 256 \
        --out models/argus-sky-320.onnx
and checked here with OpenCV DNN (a forward pass at the new size must give
[1, 4 + classes, N]). Re-exporting at the trained 640x512 reproduces
models/argus-sky.onnx byte for byte (the check that the constants are
computed exactly as train_detector.py does).
"""
import argparse
import shutil
import struct
import sys

import numpy as np

STRIDES = (8, 16)
MAX_DIST = 8.0  # as in train_detector.py


# -- protobuf wire format ------------------------------------------------------

def read_varint(b, p):
    r = s = 0
    while True:
        c = b[p]
        p += 1
        r |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return r, p


def varint(v):
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        if v:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def decode(b):
    """A message as a list of [field, wire, value] (value: int or bytes)."""
    p, out = 0, []
    while p < len(b):
        k, p = read_varint(b, p)
        f, w = k >> 3, k & 7
        if w == 0:
            v, p = read_varint(b, p)
        elif w == 1:
            v, p = b[p:p + 8], p + 8
        elif w == 2:
            n, p = read_varint(b, p)
            v, p = b[p:p + n], p + n
        elif w == 5:
            v, p = b[p:p + 4], p + 4
        else:
            raise SystemExit("unsupported wire type %d" % w)
        out.append([f, w, v])
    return out


def encode(fields):
    out = bytearray()
    for f, w, v in fields:
        out += varint((f << 3) | w)
        if w == 0:
            out += varint(v)
        elif w == 2:
            out += varint(len(v)) + v
        else:
            out += v
    return bytes(out)


# -- the size-dependent constants ---------------------------------------------

def grid(w, h):
    anchors, strides = [], []
    for s in STRIDES:
        gh, gw = h // s, w // s
        ys, xs = np.meshgrid(np.arange(gh), np.arange(gw), indexing="ij")
        anchors.append(np.stack([(xs.flatten() + 0.5) * s,
                                 (ys.flatten() + 0.5) * s], 0))
        strides.append(np.full((1, gh * gw), float(s)))
    anchors = np.concatenate(anchors, 1)[None].astype(np.float32)
    scale = (np.repeat(np.concatenate(strides, 1)[None], 4, 1)
             * MAX_DIST).astype(np.float32)
    return anchors, scale


def float_tensor(arr):
    """TensorProto: dims (1), data_type (2) = FLOAT, raw_data (9)."""
    fields = [[1, 0, d] for d in arr.shape]
    fields.append([2, 0, 1])
    fields.append([9, 2, arr.astype("<f4").tobytes()])
    return encode(fields)


def tensor_dims(t):
    return [v for f, w, v in decode(t) if f == 1]


def set_shape(value_info, dims):
    """ValueInfoProto.type.tensor_type.shape = dims (all fixed)."""
    vi = decode(value_info)
    for field in vi:
        if field[0] != 2:
            continue
        tp = decode(field[2])
        for tt in tp:
            if tt[0] != 1:
                continue
            tensor = [x for x in decode(tt[2]) if x[0] != 2]
            shape = [[1, 2, encode([[1, 0, d]])] for d in dims]
            tensor.append([2, 2, encode(shape)])
            tt[2] = encode(tensor)
        field[2] = encode(tp)
    return encode(vi)


def classes(src):
    names = src.rsplit(".", 1)[0] + ".names"
    return len([l for l in open(names).read().splitlines() if l.strip()])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="models/argus-sky.onnx")
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--height", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    w, h = args.width, args.height
    if w % 16 or h % 16:
        raise SystemExit("width and height must be multiples of 16")
    anchors, scale = grid(w, h)
    n_new = anchors.shape[2]

    model = decode(open(args.src, "rb").read())
    graph_field = next(f for f in model if f[0] == 7)
    graph = decode(graph_field[2])
    old_n = None
    replaced = 0
    for node_field in graph:
        if node_field[0] != 1:
            continue
        node = decode(node_field[2])
        if not any(f == 4 and v == b"Constant" for f, w_, v in node):
            continue
        for attr_field in node:
            if attr_field[0] != 5:
                continue
            attr = decode(attr_field[2])
            for a in attr:
                if a[0] != 5:  # AttributeProto.t
                    continue
                dims = tensor_dims(a[2])
                if len(dims) == 3 and dims[0] == 1 and dims[1] in (2, 4) \
                        and dims[2] > 100:
                    old_n = dims[2]
                    a[2] = float_tensor(anchors if dims[1] == 2 else scale)
                    replaced += 1
            attr_field[2] = encode(attr)
        node_field[2] = encode(node)
    if replaced != 3:
        raise SystemExit("expected 3 size-dependent constants, found %d"
                         % replaced)
    for field in graph:
        if field[0] == 11:  # the image input
            field[2] = set_shape(field[2], [1, 3, h, w])
        elif field[0] == 12:  # [1, 4 + classes, N]
            field[2] = set_shape(field[2], [1, 4 + classes(args.src), n_new])
    graph_field[2] = encode(graph)
    open(args.out, "wb").write(encode(model))
    names = args.src.rsplit(".", 1)[0] + ".names"
    shutil.copyfile(names, args.out.rsplit(".", 1)[0] + ".names")

    import cv2
    net = cv2.dnn.readNetFromONNX(args.out)
    net.setInput(np.zeros((1, 3, h, w), np.float32))
    out = net.forward()
    print("%s: %dx%d, %d anchors (was %d), output %s"
          % (args.out, w, h, n_new, old_n, out.shape))
    if out.shape[2] != n_new:
        raise SystemExit("OpenCV disagrees on the output shape")


if __name__ == "__main__":
    main()
