#!/usr/bin/python3
"""The evaluator's metrics on hand-made boxes whose scores are known by
construction (ctest: bench.real_footage_metrics)."""
import itertools
import math
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics as m  # noqa: E402

A = (0.0, 0.0, 10.0, 10.0)
A_THIRD = (5.0, 0.0, 10.0, 10.0)  # IoU 1/3 with A
FAR = (100.0, 100.0, 10.0, 10.0)


def track(frames, tid, box):
    return {f: [(tid, box)] for f in frames}


def merge(*maps):
    out = {}
    for mp in maps:
        for f, rows in mp.items():
            out.setdefault(f, []).extend(rows)
    return out


class Geometry(unittest.TestCase):
    def test_iou(self):
        ious = m.iou_matrix([A], [A, A_THIRD, FAR, (0, 0, 10, 6)])
        np.testing.assert_allclose(ious[0], [1.0, 1 / 3, 0.0, 0.6])
        self.assertEqual(m.iou_matrix([], [A]).shape, (0, 1))

    def test_size_bins(self):
        self.assertEqual(m.size_bin((0, 0, 15.9, 15.9)), "<16")
        self.assertEqual(m.size_bin((0, 0, 16, 16)), "16-32")
        self.assertEqual(m.size_bin((0, 0, 8, 128)), "32-64")  # sqrt(1024) = 32
        self.assertEqual(m.size_bin((0, 0, 64, 64)), ">=64")


class Assignment(unittest.TestCase):
    def brute_force(self, cost):
        n, k = cost.shape
        best = math.inf
        if n <= k:
            for cols in itertools.permutations(range(k), n):
                best = min(best, sum(cost[i, c] for i, c in enumerate(cols)))
        else:
            for rows in itertools.permutations(range(n), k):
                best = min(best, sum(cost[r, j] for j, r in enumerate(rows)))
        return best

    def test_hungarian_is_optimal_on_random_matrices(self):
        rng = np.random.default_rng(7)
        for shape in [(1, 1), (3, 5), (5, 3), (4, 4), (6, 6), (2, 7)]:
            for _ in range(20):
                cost = rng.integers(0, 20, size=shape).astype(float)
                pairs = m.hungarian(cost)
                self.assertEqual(len(pairs), min(shape))
                self.assertEqual(len({i for i, _ in pairs}), len(pairs))
                self.assertEqual(len({j for _, j in pairs}), len(pairs))
                self.assertAlmostEqual(sum(cost[i, j] for i, j in pairs), self.brute_force(cost))

    def test_greedy_takes_the_best_pair_first(self):
        ious = np.array([[0.9, 0.8], [0.85, 0.1]])
        self.assertEqual(m.greedy_pairs(ious, 0.5), [(0, 0)])
        self.assertEqual(m.greedy_pairs(ious, 0.05), [(0, 0), (1, 1)])


class Detection(unittest.TestCase):
    def test_counts_per_class_and_agnostic(self):
        truth = {1: [(A, "drone")], 2: [(A, "bird")], 3: [(A, "drone")]}
        dets = {1: [(A, "drone", 0.9), (FAR, "bird", 0.8)], 3: [(A, "bird", 0.7)]}
        c = m.count_detections(truth, dets, 0.5)
        self.assertEqual((c.tp["drone"], c.fp["drone"], c.fn["drone"]), (1, 0, 1))
        self.assertEqual((c.tp["bird"], c.fp["bird"], c.fn["bird"]), (0, 2, 1))
        self.assertEqual(c.prf("drone")["precision"], 1.0)
        self.assertEqual(c.prf("drone")["recall"], 0.5)
        self.assertAlmostEqual(c.prf()["f1"], 2 * (1 / 3) * (1 / 3) / (2 / 3))
        agnostic = m.count_detections(truth, dets, 0.5, class_aware=False).prf("any")
        self.assertEqual((agnostic["tp"], agnostic["fp"], agnostic["fn"]), (2, 1, 1))

    def test_iou_threshold(self):
        truth, dets = {1: [(A, "drone")]}, {1: [(A_THIRD, "drone", 0.9)]}
        self.assertEqual(m.count_detections(truth, dets, 0.5).prf()["tp"], 0)
        self.assertEqual(m.count_detections(truth, dets, 0.2).prf()["tp"], 1)

    def test_one_to_one(self):
        truth = {1: [(A, "drone")]}
        dets = {1: [(A, "drone", 0.9), (A, "drone", 0.8)]}
        s = m.count_detections(truth, dets, 0.5).prf("drone")
        self.assertEqual((s["tp"], s["fp"]), (1, 1))

    def test_average_precision(self):
        # Ranked TP, FP, TP over 2 labels: precision 1 up to recall 0.5,
        # 2/3 up to recall 1.
        truth = {1: [(A, "drone")], 2: [(A, "drone")]}
        dets = {1: [(A, "drone", 0.9), (FAR, "drone", 0.8)], 2: [(A, "drone", 0.7)]}
        ranked = m.ranked_matches(truth, dets, "drone", 0.5)
        self.assertEqual([tp for _, tp in ranked], [True, False, True])
        self.assertAlmostEqual(m.average_precision(ranked, 2), 0.5 + 0.5 * 2 / 3)
        # A higher-scored false positive first: envelope precision 1/2.
        self.assertAlmostEqual(m.average_precision([(0.9, False), (0.8, True)], 1), 0.5)
        self.assertEqual(m.average_precision([], 3), 0.0)
        self.assertEqual(m.average_precision([(0.9, True)], 0), 0.0)

    def test_duplicate_detection_is_false_positive_for_ap(self):
        truth = {1: [(A, "drone")]}
        dets = {1: [(A, "drone", 0.9), (A, "drone", 0.95)]}
        ranked = m.ranked_matches(truth, dets, "drone", 0.5)
        self.assertEqual([tp for _, tp in ranked], [True, False])
        self.assertAlmostEqual(m.average_precision(ranked, 1), 1.0)

    def test_recall_by_bin_and_confusion(self):
        small, big = (0, 0, 10, 10), (200, 200, 80, 80)
        truth = {1: [(small, "drone"), (big, "helicopter")]}
        dets = {1: [(big, "drone", 0.9)]}
        bins = m.recall_by(truth, dets, 0.5, lambda box, cls: m.size_bin(box))
        self.assertEqual(bins, {"<16": [0, 1], ">=64": [0, 1]})
        conf = m.confusion(truth, dets, 0.2)
        self.assertEqual(conf, {"drone": {"missed": 1}, "helicopter": {"drone": 1}})


class Tracking(unittest.TestCase):
    def test_perfect_tracking(self):
        gt = track(range(1, 11), 1, A)
        s = m.mot_scores(m.clear_mot(gt, track(range(1, 11), 7, A)))
        self.assertEqual((s["mota"], s["idf1"]), (1.0, 1.0))
        h = m.hota_scores(m.hota_counts(gt, track(range(1, 11), 7, A)))
        self.assertAlmostEqual(h["hota"], 1.0)

    def test_an_id_switch_halfway(self):
        gt = track(range(1, 11), 1, A)
        hyp = merge(track(range(1, 6), 7, A), track(range(6, 11), 8, A))
        s = m.mot_scores(m.clear_mot(gt, hyp))
        self.assertEqual(s["idsw"], 1)
        self.assertAlmostEqual(s["mota"], 0.9)
        self.assertAlmostEqual(s["idf1"], 0.5)
        # DetA 1; each half: 5 matches / (10 + 5 - 5) -> AssA 0.5.
        h = m.hota_scores(m.hota_counts(gt, hyp))
        self.assertAlmostEqual(h["deta"], 1.0)
        self.assertAlmostEqual(h["assa"], 0.5)
        self.assertAlmostEqual(h["hota"], math.sqrt(0.5))

    def test_a_false_track(self):
        gt = track(range(1, 11), 1, A)
        hyp = merge(track(range(1, 11), 7, A), track(range(1, 6), 9, FAR))
        s = m.mot_scores(m.clear_mot(gt, hyp))
        self.assertEqual((s["fp"], s["fn"], s["idsw"]), (5, 0, 0))
        self.assertAlmostEqual(s["mota"], 0.5)
        self.assertAlmostEqual(s["idf1"], 2 * 10 / (10 + 15))
        h = m.hota_scores(m.hota_counts(gt, hyp))
        self.assertAlmostEqual(h["hota"], math.sqrt(10 / 15))
        false, ids = m.false_tracks({f: [A] for f in range(1, 11)}, hyp, 0.2)
        self.assertEqual((false, ids), ([9], [7, 9]))

    def test_missed_frames(self):
        gt = track(range(1, 11), 1, A)
        s = m.mot_scores(m.clear_mot(gt, track(range(1, 5), 7, A)))
        self.assertEqual((s["fn"], s["fp"]), (6, 0))
        self.assertAlmostEqual(s["mota"], 0.4)
        self.assertAlmostEqual(s["idf1"], 2 * 4 / 14)

    def test_hota_localization(self):
        # IoU exactly 0.6: matched for alpha 0.05..0.60 (12 of 19), missed above.
        gt = track(range(1, 5), 1, A)
        h = m.hota_scores(m.hota_counts(gt, track(range(1, 5), 3, (0, 0, 10, 6))))
        self.assertAlmostEqual(h["hota"], 12 / 19)

    def test_iou_threshold_of_mot(self):
        gt = track(range(1, 5), 1, A)
        hyp = track(range(1, 5), 3, A_THIRD)
        self.assertAlmostEqual(m.mot_scores(m.clear_mot(gt, hyp, 0.5))["mota"], -1.0)
        self.assertAlmostEqual(m.mot_scores(m.clear_mot(gt, hyp, 0.2))["mota"], 1.0)

    def test_ground_truth_linking(self):
        single = {1: [A], 3: [FAR]}
        self.assertEqual(m.link_ids(single), {1: [1], 3: [1]})
        # Two objects moving right side by side; listed in either order.
        frames = {}
        for f in range(1, 8):
            a, b = (10.0 + 3 * f, 10.0, 12.0, 12.0), (10.0 + 3 * f, 80.0, 12.0, 12.0)
            frames[f] = [a, b] if f % 2 else [b, a]
        ids = m.link_ids(frames)
        top = {ids[f][0] if f % 2 else ids[f][1] for f in frames}
        bottom = {ids[f][1] if f % 2 else ids[f][0] for f in frames}
        self.assertEqual(len(top), 1)
        self.assertEqual(len(bottom), 1)
        self.assertNotEqual(top, bottom)

    def test_percentile(self):
        self.assertEqual(m.percentile(list(range(1, 101)), 50), 50)
        self.assertEqual(m.percentile(list(range(1, 101)), 99), 99)
        self.assertEqual(m.percentile([], 99), 0.0)


if __name__ == "__main__":
    unittest.main(verbosity=1)
