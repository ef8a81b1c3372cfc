"""Splitting a blob into the part that moved and the part that stayed (refines 4.2.3)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.errors import InputError
from fastiesi.stages.depth import DepthRegions
from fastiesi.stages.movement import detect_movement
from fastiesi.stages.segment import segment_objects
from fastiesi.stages.welded import motion_split, ncc, smooth

H, W = 300, 400
DOOR = (150, 40, 80, 180)  # x, y, w, h: stays
TABLE = (90, 160, 60, 50)  # touches the door's left side in the pre frame
SHIFT = (35, 6)


def _frames(shift: tuple[int, int] = SHIFT, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    frames = []
    for dx, dy in ((0, 0), shift):
        img = np.full((H, W), 170, np.uint8)
        x, y, w, h = DOOR
        cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), 110, -1)
        cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), 60, 3)
        cv2.circle(img, (x + w - 15, y + h // 2), 4, 40, -1)
        x, y, w, h = TABLE
        x, y = x + dx, y + dy
        cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), 45, -1)
        cv2.rectangle(img, (x + 12, y + 18), (x + w - 13, y + h - 19), 200, -1)  # a label on its front
        noise = rng.normal(0, 3, img.shape)
        frames.append(np.clip(img + noise, 0, 255).astype(np.uint8))
    return frames[0], frames[1]


def _mask(rects: list[tuple[int, int, int, int]]) -> np.ndarray:
    m = np.zeros((H, W), bool)
    for x, y, w, h in rects:
        m[y:y + h, x:x + w] = True
    return m


def _post_objects() -> np.ndarray:
    tx, ty, tw, th = TABLE
    return _mask([DOOR, (tx + SHIFT[0], ty + SHIFT[1], tw, th)]).astype(np.uint8)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def _box(m: np.ndarray) -> tuple[int, int, int, int]:
    x, y, w, h = cv2.boundingRect(m.astype(np.uint8))
    return x, y, w, h


class TestMotionSplit:
    def test_table_welded_to_door_is_cut_off_with_its_shift(self):
        pre, post = _frames()
        blob = _mask([DOOR, TABLE])
        x, y, w, h = box = _box(blob)
        split = motion_split(blob[y:y + h, x:x + w], box, smooth(pre), smooth(post), reach_lengths=3,
                             other_objects=_post_objects())
        assert split is not None
        assert split.shift == SHIFT
        moving = np.zeros((H, W), bool)
        moving[y:y + h, x:x + w] = split.moving
        static = np.zeros((H, W), bool)
        static[y:y + h, x:x + w] = split.static
        assert _iou(moving, _mask([TABLE])) > 0.9
        assert _iou(static, _mask([DOOR])) > 0.9
        assert not (split.moving & split.static).any()

    def test_post_blob_split_backwards(self):
        pre, post = _frames()
        tx, ty, tw, th = TABLE
        moved_table = (tx + SHIFT[0], ty + SHIFT[1], tw, th)
        blob = _mask([DOOR, moved_table])
        x, y, w, h = box = _box(blob)
        split = motion_split(blob[y:y + h, x:x + w], box, smooth(post), smooth(pre), reach_lengths=3,
                             other_objects=_mask([DOOR, TABLE]).astype(np.uint8))
        assert split is not None
        assert split.shift == (-SHIFT[0], -SHIFT[1])
        moving = np.zeros((H, W), bool)
        moving[y:y + h, x:x + w] = split.moving
        assert _iou(moving, _mask([moved_table])) > 0.9

    def test_object_moved_whole_is_not_split(self):
        pre, post = _frames()
        _, _, w, h = TABLE
        blob = np.ones((h, w), bool)
        assert motion_split(blob, TABLE, smooth(pre), smooth(post), reach_lengths=3) is None

    def test_static_blob_is_not_split(self):
        pre, post = _frames(shift=(0, 0))
        x, y, w, h = box = _box(_mask([DOOR, TABLE]))
        assert motion_split(_mask([DOOR, TABLE])[y:y + h, x:x + w], box, smooth(pre), smooth(post), reach_lengths=3) is None

    def test_toppled_object_is_not_split(self):
        # A tall cabinet falls on its side: it overlaps itself in place, but no shift explains it.
        pre = np.full((H, W), 170, np.uint8)
        post = pre.copy()
        cv2.rectangle(pre, (200, 60), (259, 239), 70, -1)
        cv2.rectangle(pre, (210, 80), (249, 120), 140, 2)
        cv2.rectangle(post, (200, 180), (379, 239), 70, -1)
        cv2.rectangle(post, (300, 190), (340, 229), 140, 2)
        box = (200, 60, 60, 180)
        assert motion_split(np.ones((180, 60), bool), box, smooth(pre), smooth(post), reach_lengths=3) is None

    def test_bad_input(self):
        pre, post = _frames()
        with pytest.raises(InputError, match="mask shape"):
            motion_split(np.ones((3, 3), bool), TABLE, pre, post, reach_lengths=1)
        with pytest.raises(InputError, match="2-D"):
            motion_split(np.ones((50, 60), bool), TABLE, pre, post[:-1], reach_lengths=1)


class TestNcc:
    def test_matches_numpy_corrcoef(self):
        rng = np.random.default_rng(3)
        a, b = rng.normal(size=500), rng.normal(size=500)
        assert ncc(a, b) == pytest.approx(np.corrcoef(a, b)[0, 1])
        assert ncc(a, 3 * a + 7) == pytest.approx(1.0)

    def test_flat_samples(self):
        assert ncc(np.ones(10), np.ones(10)) == 1.0
        assert ncc(np.ones(10), np.arange(10.0)) == 0.0


class TestInTheMovementStage:
    def test_welded_table_counts_as_moved_light_furniture_and_door_as_static(self):
        pre, post = _frames()
        sal = np.zeros_like(pre)
        res = detect_movement(pre, post, segment_objects(pre), segment_objects(post), pre_saliency=sal,
                              post_saliency=sal, high_mask=np.zeros(pre.shape, bool), regions=DepthRegions(pre.shape))
        moved = [o for o in res.objects if o.moved]
        assert len(moved) == 1
        (o,) = moved
        assert o.bbox_before is not None and abs(o.area - TABLE[2] * TABLE[3]) < 0.25 * TABLE[2] * TABLE[3]
        assert o.displacement == pytest.approx(np.hypot(*SHIFT), abs=3)
        still = [o for o in res.objects if not o.moved]
        assert any(o.bbox_before is not None and _iou(_mask([o.bbox_before]), _mask([DOOR])) > 0.8 for o in still)

    def test_high_complexity_path_counts_only_the_part_that_moved(self):
        # The same weld inside a shelving (high-complexity) area: the saliency difference hits
        # the blob, but only the table moved.
        from fastiesi.stages.preprocess import saliency

        pre, post = _frames()
        high = np.ones(pre.shape, bool)
        res = detect_movement(pre, post, segment_objects(pre, high_mask=high), segment_objects(post, high_mask=high),
                              pre_saliency=saliency(pre), post_saliency=saliency(post), high_mask=high,
                              regions=DepthRegions(pre.shape))
        moved = [o for o in res.objects if o.moved and o.bbox_before is not None]
        assert moved and all(_iou(_mask([o.bbox_before]), _mask([DOOR])) < 0.5 for o in moved)
        assert any(_iou(_mask([o.bbox_before]), _mask([TABLE])) > 0.7 for o in moved)
        still = [o for o in res.objects if not o.moved]
        assert any(_iou(_mask([o.bbox_before]), _mask([DOOR])) > 0.8 for o in still)
