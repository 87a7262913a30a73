"""The crop classifier's input geometry, shared by scripts/train_classifier.py
and tests/scripts/test_classifier_crop.py.

core/analytics/crop_classifier.cpp does the same in C++: a square of side
clamp(2.5 * max(w, h), 32, 256), rounded to whole pixels and centred on the
box; pixels past the frame edge repeat the edge (cv2.getRectSubPix);
resized to 48x48 with INTER_AREA. fixtures/classifier_crops.json pins both
sides to the same pixels.
"""
import cv2

SIZE = 48
SIDE_FACTOR, SIDE_MIN, SIDE_MAX = 2.5, 32, 256


def square_side(w, h):
    """Side, in frame pixels, of the square around a w x h box."""
    return int(min(max(SIDE_FACTOR * max(w, h), SIDE_MIN), SIDE_MAX) + 0.5)


def crop(img, cx, cy, w, h):
    """The classifier's 48x48 BGR input for the box centred at (cx, cy)."""
    side = square_side(w, h)
    patch = cv2.getRectSubPix(img, (side, side), (float(cx), float(cy)))
    return cv2.resize(patch, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
