#!/usr/bin/python3
"""The evaluator refuses to replay detections that already passed the
motion stage into a run that damps them again (ctest:
bench.real_footage_replay_guard)."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evaluate import motion_enabled, replay_conflict  # noqa: E402

OFF = "detector:\n  motion: {enabled: false}\ncameras: [{id: x}]\n"
ON = "detector:\n  motion: {enabled: true}\ncameras: [{id: x}]\n"
DEFAULT = "detector: {conf_threshold: 0.3}\ncameras: [{id: x}]\n"


WORK = tempfile.TemporaryDirectory(prefix="argus-replay-")  # removed at exit


def recording(config_text):
    d = tempfile.mkdtemp(dir=WORK.name)
    if config_text is not None:
        with open(os.path.join(d, "config.yaml"), "w") as f:
            f.write(config_text)
    return d


class MotionEnabled(unittest.TestCase):
    def test_on_unless_switched_off(self):
        self.assertTrue(motion_enabled(""))
        self.assertTrue(motion_enabled(DEFAULT))
        self.assertTrue(motion_enabled("detector:\ncameras: [{id: x}]\n"))
        self.assertTrue(motion_enabled(ON))
        self.assertFalse(motion_enabled(OFF))


class ReplayConflict(unittest.TestCase):
    def test_damping_twice_is_refused(self):
        for recorded in (ON, DEFAULT):
            why = replay_conflict(recording(recorded), DEFAULT)
            self.assertIsNotNone(why)
            self.assertIn("motion.enabled: false", why)

    def test_an_undamped_recording_replays_into_any_run(self):
        self.assertIsNone(replay_conflict(recording(OFF), DEFAULT))
        self.assertIsNone(replay_conflict(recording(OFF), OFF))

    def test_a_damped_recording_replays_into_a_run_without_motion(self):
        self.assertIsNone(replay_conflict(recording(ON), OFF))

    def test_a_folder_without_a_config_is_refused(self):
        why = replay_conflict(recording(None), OFF)
        self.assertIsNotNone(why)
        self.assertIn("no config.yaml", why)


if __name__ == "__main__":
    unittest.main(verbosity=1)
