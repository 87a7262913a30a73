"""Detection and tracking scores for the real-footage evaluator (numpy only).

Boxes are (x, y, w, h) in pixels, top-left origin. A "frame map" is a dict
{frame: list of rows}. Every function here is pure, so test_metrics.py can
check each one on hand-made boxes whose answer is known by construction.

Definitions (see README.md):
- detection matching: per frame, greedy one-to-one by IoU (highest pair
  first), pairs below the IoU threshold never match; class-aware unless said;
- AP: detections of a class ranked by score over the whole set, each takes
  the unmatched ground-truth box of its frame with the highest IoU (>= thr),
  precision/recall curve with all-point interpolation (VOC 2010+, COCO);
- MOTA / IDF1: the MOTChallenge definitions as in core/analytics/mot.cpp (per-frame
  optimal matching at IoU >= thr that keeps last frame's pairs, id switches,
  global optimal id assignment for IDTP);
- HOTA: Luiten et al. 2021 as TrackEval computes it (alpha 0.05..0.95).
"""
import math

import numpy as np

SIZE_BINS = ((0, 16, "<16"), (16, 32, "16-32"), (32, 64, "32-64"), (64, math.inf, ">=64"))
HOTA_ALPHAS = np.arange(0.05, 0.99, 0.05)
EPS = 1e-9


# -- geometry -------------------------------------------------------------------

def iou_matrix(a, b):
    """IoU of every box of `a` (n x 4) with every box of `b` (m x 4)."""
    a = np.asarray(a, dtype=float).reshape(-1, 4)
    b = np.asarray(b, dtype=float).reshape(-1, 4)
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    ax2, ay2 = a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]
    bx2, by2 = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    iw = np.clip(np.minimum(ax2[:, None], bx2[None]) - np.maximum(a[:, 0][:, None], b[:, 0][None]), 0, None)
    ih = np.clip(np.minimum(ay2[:, None], by2[None]) - np.maximum(a[:, 1][:, None], b[:, 1][None]), 0, None)
    inter = iw * ih
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None] - inter
    return np.where(union > 0, inter / np.maximum(union, EPS), 0.0)


def size_bin(box):
    """The size bin of a box by sqrt(w*h)."""
    s = math.sqrt(max(0.0, box[2] * box[3]))
    for lo, hi, name in SIZE_BINS:
        if lo <= s < hi:
            return name
    return SIZE_BINS[-1][2]


# -- assignment -----------------------------------------------------------------

def hungarian(cost):
    """Minimum-cost one-to-one assignment of a rectangular cost matrix
    (shortest augmenting paths, O(n^2 m) with the smaller side as rows).
    Returns [(row, col)] covering min(n, m) pairs."""
    cost = np.asarray(cost, dtype=float)
    if cost.size == 0:
        return []
    transposed = cost.shape[0] > cost.shape[1]
    if transposed:
        cost = cost.T
    n, m = cost.shape
    u, v = np.zeros(n + 1), np.zeros(m + 1)
    owner = np.zeros(m + 1, dtype=int)  # row (1-based) assigned to column j
    way = np.zeros(m + 1, dtype=int)
    for i in range(1, n + 1):
        owner[0], j0 = i, 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = owner[j0]
            free = ~used[1:]
            cur = cost[i0 - 1] - u[i0] - v[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            masked = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(masked)) + 1
            delta = masked[j1 - 1]
            done = np.nonzero(used)[0]
            u[owner[done]] += delta
            v[done] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    pairs = [(int(owner[j]) - 1, j - 1) for j in range(1, m + 1) if owner[j]]
    return sorted((c, r) for r, c in pairs) if transposed else sorted(pairs)


def max_score_pairs(score):
    """Pairs maximizing the total score; pairs scoring <= 0 are dropped."""
    score = np.asarray(score, dtype=float)
    if score.size == 0:
        return []
    return [(i, j) for i, j in hungarian(score.max() - score) if score[i, j] > 0]


def greedy_pairs(ious, thr):
    """One-to-one pairs taken by decreasing IoU while IoU >= thr."""
    ious = np.asarray(ious, dtype=float)
    if ious.size == 0:
        return []
    order = np.argsort(-ious, axis=None, kind="stable")
    rows, cols = np.unravel_index(order, ious.shape)
    used_r, used_c, pairs = set(), set(), []
    for i, j in zip(rows.tolist(), cols.tolist()):
        if ious[i, j] < thr - EPS:
            break
        if i in used_r or j in used_c:
            continue
        used_r.add(i)
        used_c.add(j)
        pairs.append((i, j))
    return pairs


# -- detection ------------------------------------------------------------------

def match_frame(gt, det, thr, class_aware=True):
    """Greedy matching of one frame. gt: [(box, cls)], det: [(box, cls,
    score)]. Returns [(gt index, det index)]."""
    groups = {}
    for k, g in enumerate(gt):
        groups.setdefault(g[1] if class_aware else None, ([], []))[0].append(k)
    for k, d in enumerate(det):
        groups.setdefault(d[1] if class_aware else None, ([], []))[1].append(k)
    pairs = []
    for gi, di in groups.values():
        if not gi or not di:
            continue
        ious = iou_matrix([gt[k][0] for k in gi], [det[k][0] for k in di])
        pairs += [(gi[a], di[b]) for a, b in greedy_pairs(ious, thr)]
    return pairs


class DetectionCounts:
    """TP/FP/FN per class, accumulated frame by frame."""

    def __init__(self):
        self.tp, self.fp, self.fn = {}, {}, {}

    def add(self, cls, tp=0, fp=0, fn=0):
        self.tp[cls] = self.tp.get(cls, 0) + tp
        self.fp[cls] = self.fp.get(cls, 0) + fp
        self.fn[cls] = self.fn.get(cls, 0) + fn

    def merge(self, other):
        for cls in set(other.tp) | set(other.fp) | set(other.fn):
            self.add(cls, other.tp.get(cls, 0), other.fp.get(cls, 0), other.fn.get(cls, 0))

    def classes(self):
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def prf(self, cls=None):
        """Precision, recall, F1 of a class, or micro-averaged over all."""
        keys = self.classes() if cls is None else [cls]
        tp = sum(self.tp.get(k, 0) for k in keys)
        fp = sum(self.fp.get(k, 0) for k in keys)
        fn = sum(self.fn.get(k, 0) for k in keys)
        return prf(tp, fp, fn)


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def count_detections(gt_frames, det_frames, thr, class_aware=True):
    """DetectionCounts over every frame of either map; class-agnostic counts
    go under the class name "any"."""
    counts = DetectionCounts()
    for f in set(gt_frames) | set(det_frames):
        gt, det = gt_frames.get(f, []), det_frames.get(f, [])
        pairs = match_frame(gt, det, thr, class_aware)
        matched_g = {a for a, _ in pairs}
        matched_d = {b for _, b in pairs}
        for k, g in enumerate(gt):
            key = g[1] if class_aware else "any"
            counts.add(key, tp=int(k in matched_g), fn=int(k not in matched_g))
        for k, d in enumerate(det):
            if k not in matched_d:
                counts.add(d[1] if class_aware else "any", fp=1)
    return counts


def ranked_matches(gt_frames, det_frames, cls, thr):
    """For AP: [(score, is_tp)] of the class's detections, each matched in
    score order to the best still-unmatched ground truth of its frame."""
    dets = [(d[2], f, d[0]) for f, ds in det_frames.items() for d in ds if d[1] == cls]
    dets.sort(key=lambda t: -t[0])
    gt_boxes = {f: [g[0] for g in gs if g[1] == cls] for f, gs in gt_frames.items()}
    taken = {f: np.zeros(len(b), dtype=bool) for f, b in gt_boxes.items()}
    out = []
    for score, f, box in dets:
        boxes = gt_boxes.get(f, [])
        tp = False
        if boxes:
            ious = iou_matrix([box], boxes)[0]
            ious[taken[f]] = -1
            k = int(np.argmax(ious))
            if ious[k] >= thr - EPS:
                taken[f][k] = True
                tp = True
        out.append((score, tp))
    return out


def average_precision(matches, n_gt):
    """All-point interpolated AP from [(score, is_tp)] and the number of
    ground-truth boxes (0 when there are none)."""
    if n_gt == 0:
        return 0.0
    matches = sorted(matches, key=lambda t: -t[0])
    tp = np.cumsum([1 if m[1] else 0 for m in matches])
    fp = np.cumsum([0 if m[1] else 1 for m in matches])
    recall = np.concatenate([[0.0], tp / n_gt if len(matches) else [], [1.0]])
    precision = np.concatenate([[1.0], tp / np.maximum(tp + fp, 1) if len(matches) else [], [0.0]])
    # Precision envelope: the best precision at any higher recall.
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.nonzero(recall[1:] != recall[:-1])[0]
    return float(np.sum((recall[steps + 1] - recall[steps]) * precision[steps + 1]))


def recall_by(gt_frames, det_frames, thr, key_of):
    """{bin: [found, total]} of ground-truth boxes, binned by key_of(box,
    cls); class-aware greedy matching."""
    bins = {}
    for f, gt in gt_frames.items():
        pairs = match_frame(gt, det_frames.get(f, []), thr)
        found = {a for a, _ in pairs}
        for k, g in enumerate(gt):
            b = bins.setdefault(key_of(g[0], g[1]), [0, 0])
            b[0] += int(k in found)
            b[1] += 1
    return bins


def confusion(gt_frames, det_frames, thr):
    """{gt class: {detected class or "missed": count}} from class-agnostic
    matching: what each labelled object was called, if anything."""
    out = {}
    for f, gt in gt_frames.items():
        det = det_frames.get(f, [])
        pairs = dict(match_frame(gt, det, thr, class_aware=False))
        for k, g in enumerate(gt):
            name = det[pairs[k]][1] if k in pairs else "missed"
            row = out.setdefault(g[1], {})
            row[name] = row.get(name, 0) + 1
    return out


# -- ground-truth identities -----------------------------------------------------

def link_ids(box_frames, max_gap=10, max_jump=1.5):
    """Identities for unlabelled ground truth: {frame: [box]} -> {frame:
    [id]}. One object per frame throughout is one track; otherwise boxes are
    linked frame to frame, greedily by centre distance over box size (a box
    that moved more than max_jump of its size, or a track unseen for more
    than max_gap frames, starts a new id)."""
    if all(len(b) <= 1 for b in box_frames.values()):
        return {f: [1] * len(b) for f, b in box_frames.items()}
    tracks, next_id, out = {}, 1, {}
    for f in sorted(box_frames):
        boxes = box_frames[f]
        cands = []
        for tid, (last, tb) in tracks.items():
            if f - last > max_gap:
                continue
            size = max(1.0, math.sqrt(tb[2] * tb[3]))
            for k, b in enumerate(boxes):
                d = math.hypot(b[0] + b[2] / 2 - tb[0] - tb[2] / 2, b[1] + b[3] / 2 - tb[1] - tb[3] / 2) / size
                if d <= max_jump:
                    cands.append((d, tid, k))
        ids = [0] * len(boxes)
        used = set()
        for d, tid, k in sorted(cands):
            if ids[k] or tid in used:
                continue
            ids[k] = tid
            used.add(tid)
        for k, b in enumerate(boxes):
            if not ids[k]:
                ids[k] = next_id
                next_id += 1
            elif ids[k] >= next_id:
                next_id = ids[k] + 1
            tracks[ids[k]] = (f, b)
        out[f] = ids
    return out


# -- tracking ---------------------------------------------------------------------

def clear_mot(gt, hyp, thr=0.5):
    """MOTA / IDF1 counts of one sequence. gt, hyp: {frame: [(id, box)]}.
    Returns a dict of gt, hyp, fp, fn, idsw, idtp (sum them over sequences,
    then call mot_scores)."""
    s = {"gt": 0, "hyp": 0, "fp": 0, "fn": 0, "idsw": 0, "idtp": 0}
    last_match, co = {}, {}
    for f in sorted(set(gt) | set(hyp)):
        gs, hs = gt.get(f, []), hyp.get(f, [])
        s["gt"] += len(gs)
        s["hyp"] += len(hs)
        ious = iou_matrix([g[1] for g in gs], [h[1] for h in hs])
        score = np.zeros(ious.shape)
        for i, g in enumerate(gs):
            for j, h in enumerate(hs):
                if ious[i, j] < thr - EPS:
                    continue
                co[(g[0], h[0])] = co.get((g[0], h[0]), 0) + 1
                kept = last_match.get(g[0]) == h[0]
                score[i, j] = (1000.0 if kept else 0.0) + ious[i, j]
        pairs = max_score_pairs(score)
        for i, j in pairs:
            gid, hid = gs[i][0], hs[j][0]
            if gid in last_match and last_match[gid] != hid:
                s["idsw"] += 1
            last_match[gid] = hid
        s["fn"] += len(gs) - len(pairs)
        s["fp"] += len(hs) - len(pairs)
    s["idtp"] = id_true_positives(co)
    return s


def id_true_positives(co):
    """IDTP: frames shared by the best one-to-one gt id -> hyp id mapping."""
    if not co:
        return 0
    gids = sorted({g for g, _ in co})
    hids = sorted({h for _, h in co})
    w = np.zeros((len(gids), len(hids)))
    for (g, h), n in co.items():
        w[gids.index(g), hids.index(h)] = n
    return int(sum(w[i, j] for i, j in max_score_pairs(w)))


def mot_scores(s):
    """MOTA and IDF1 from summed clear_mot counts."""
    mota = 1.0 - (s["fn"] + s["fp"] + s["idsw"]) / s["gt"] if s["gt"] else 0.0
    idf1 = 2.0 * s["idtp"] / (s["gt"] + s["hyp"]) if s["gt"] + s["hyp"] else 0.0
    return {"mota": mota, "idf1": idf1, **s}


def hota_counts(gt, hyp):
    """Per-alpha HOTA sums of one sequence (TrackEval's algorithm). gt, hyp:
    {frame: [(id, box)]}. Sum the returned arrays over sequences and call
    hota_scores."""
    gids = sorted({g[0] for gs in gt.values() for g in gs})
    hids = sorted({h[0] for hs in hyp.values() for h in hs})
    gi = {g: k for k, g in enumerate(gids)}
    hi = {h: k for k, h in enumerate(hids)}
    frames = sorted(set(gt) | set(hyp))
    n_a = len(HOTA_ALPHAS)
    out = {k: np.zeros(n_a) for k in ("tp", "fn", "fp", "ass", "loc")}
    # Pass 1: global alignment of every gt id with every hyp id.
    potential = np.zeros((len(gids), len(hids)))
    gt_count, hyp_count = np.zeros(len(gids)), np.zeros(len(hids))
    sims = {}
    for f in frames:
        g_idx = [gi[g[0]] for g in gt.get(f, [])]
        h_idx = [hi[h[0]] for h in hyp.get(f, [])]
        sim = iou_matrix([g[1] for g in gt.get(f, [])], [h[1] for h in hyp.get(f, [])])
        sims[f] = (g_idx, h_idx, sim)
        if g_idx and h_idx:
            denom = sim.sum(0)[None] + sim.sum(1)[:, None] - sim
            sim_iou = np.where(denom > EPS, sim / np.maximum(denom, EPS), 0)
            potential[np.ix_(g_idx, h_idx)] += sim_iou
        gt_count[g_idx] += 1
        hyp_count[h_idx] += 1
    align = potential / np.maximum(gt_count[:, None] + hyp_count[None] - potential, EPS)
    # Pass 2: per frame matching by alignment x similarity, per alpha.
    matches = np.zeros((n_a, len(gids), len(hids)))
    for f in frames:
        g_idx, h_idx, sim = sims[f]
        if not g_idx or not h_idx:
            out["fn"] += len(g_idx)
            out["fp"] += len(h_idx)
            continue
        score = align[np.ix_(g_idx, h_idx)] * sim
        pairs = [(i, j) for i, j in hungarian(-score)]
        rows = np.array([i for i, _ in pairs], dtype=int)
        cols = np.array([j for _, j in pairs], dtype=int)
        for a, alpha in enumerate(HOTA_ALPHAS):
            ok = sim[rows, cols] >= alpha - EPS
            n = int(ok.sum())
            out["tp"][a] += n
            out["fn"][a] += len(g_idx) - n
            out["fp"][a] += len(h_idx) - n
            if n:
                out["loc"][a] += sim[rows[ok], cols[ok]].sum()
                matches[a, np.array(g_idx)[rows[ok]], np.array(h_idx)[cols[ok]]] += 1
    for a in range(n_a):
        m = matches[a]
        ass = m / np.maximum(gt_count[:, None] + hyp_count[None] - m, 1)
        out["ass"][a] = (m * ass).sum()
    return out


def hota_scores(c):
    """HOTA, DetA, AssA, LocA (averaged over alpha) from summed counts."""
    tp = c["tp"]
    det_a = tp / np.maximum(tp + c["fn"] + c["fp"], 1)
    ass_a = c["ass"] / np.maximum(tp, 1)
    loc_a = np.where(tp > 0, c["loc"] / np.maximum(tp, 1), 1.0)
    hota = np.sqrt(det_a * ass_a)
    return {"hota": float(hota.mean()), "deta": float(det_a.mean()),
            "assa": float(ass_a.mean()), "loca": float(loc_a.mean())}


def false_tracks(gt_boxes, hyp, thr=0.2):
    """Hypothesis ids that never overlap a ground-truth box at IoU >= thr in
    any frame they appear in. gt_boxes: {frame: [box]}, hyp: {frame: [(id,
    box)]}. Returns (false ids, all ids)."""
    ids, good = set(), set()
    for f, hs in hyp.items():
        gts = gt_boxes.get(f, [])
        ious = iou_matrix([h[1] for h in hs], gts)
        for j, h in enumerate(hs):
            ids.add(h[0])
            if len(gts) and ious[j].max() >= thr - EPS:
                good.add(h[0])
    return sorted(ids - good), sorted(ids)


def percentile(values, p):
    """Nearest-rank percentile (0 when empty), as core/analytics/latency_stats."""
    if not values:
        return 0.0
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(math.ceil(p / 100.0 * len(v))) - 1))
    return float(v[k])
