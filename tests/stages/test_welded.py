"""Splitting a blob into the part that moved and the part that stayed (refines 4.2.3)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.config import DEFAULT_CONFIG
from fastiesi.errors import InputError
from fastiesi.stages.depth import DepthRegions
from fastiesi.stages.movement import detect_movement
from fastiesi.stages.segment import segment_objects
from fastiesi.stages.welded import (
    _explained,
    find_gone,
    find_turned_origin,
    inside_of,
    masked_ncc,
    motion_split,
    ncc,
    smooth,
)

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

    def test_goods_that_shifted_on_what_stayed_do_not_veto_the_split(self):
        # Goods stand on the door's upper part (a shelving bay a table stood before), and the
        # quake shifted them: the part that stayed changed where they were and went. Checked
        # whole, it no longer correlates in place; without its changed islands smaller than a
        # small object (Table 1's central bound), it does, and the table is cut off.
        pre, post = _frames()
        for k, gx in enumerate((160, 185, 205)):
            grey = 230 if k % 2 else 20
            cv2.rectangle(pre, (gx, 50), (gx + 9, 75), grey, -1)
            nx = gx + 14 if gx < 200 else gx - 40
            cv2.rectangle(post, (nx, 50), (nx + 9, 75), grey, -1)
        blob = _mask([DOOR, TABLE])
        x, y, w, h = box = _box(blob)
        args = (blob[y:y + h, x:x + w], box, smooth(pre), smooth(post))
        small = int(DEFAULT_CONFIG.classify.central.small_objects.hi)
        assert motion_split(*args, reach_lengths=3, other_objects=_post_objects()) is None
        split = motion_split(*args, reach_lengths=3, other_objects=_post_objects(), max_island_px=small)
        assert split is not None
        assert abs(split.shift[0] - SHIFT[0]) <= 1 and abs(split.shift[1] - SHIFT[1]) <= 1
        moving = np.zeros((H, W), bool)
        moving[y:y + h, x:x + w] = split.moving
        assert _iou(moving, _mask([TABLE])) > 0.85

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

    def test_no_search_when_nothing_vacated_its_place(self, monkeypatch):
        # Every changed pixel of the blob shows an object in the other frame: no moving part can
        # have a seed, whatever the shift, so the search is not run at all.
        from fastiesi.stages import welded

        def no_search(*args, **kwargs):
            raise AssertionError("searched")

        monkeypatch.setattr(welded, "_best_shift", no_search)
        pre, post = _frames()
        blob = _mask([DOOR, TABLE])
        x, y, w, h = box = _box(blob)
        everywhere = np.ones((H, W), np.uint8)
        assert motion_split(blob[y:y + h, x:x + w], box, smooth(pre), smooth(post), reach_lengths=3,
                            other_objects=everywhere) is None

    @staticmethod
    def _sofa_to_the_floor(panel: bool):
        """A sofa (a plain face, with a darker panel or without) before the bright wall, welded
        to the dark door beside it, pushed out onto the dark floor: the blob's mask and box, the
        smoothed frames, the post object mask, the sofa's box and its shift."""
        rng = np.random.default_rng(7)
        door, sofa, shift = (230, 40, 60, 130), (130, 110, 100, 40), (-70, 110)
        frames = []
        for dx, dy in ((0, 0), shift):
            img = np.full((H, W), 200, np.uint8)
            img[175:] = 90  # the floor
            x, y, w, h = door
            cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), 60, -1)
            x, y, w, h = sofa
            x, y = x + dx, y + dy
            cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), 150, -1)
            if panel:
                cv2.rectangle(img, (x + 15, y + 12), (x + w - 16, y + h - 13), 115, -1)
            frames.append(np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8))
        blob = _mask([door, sofa])
        x, y, w, h = box = _box(blob)
        sx, sy, sw, sh = sofa
        after = _mask([door, (sx + shift[0], sy + shift[1], sw, sh)]).astype(np.uint8)
        return blob[y:y + h, x:x + w], box, smooth(frames[0]), smooth(frames[1]), after, sofa, shift

    def test_plain_object_moved_onto_other_ground_is_cut_off(self):
        # Its outline's contrast changes sign with the ground, so its look with the ring round
        # it does not hold where it went; its inside does, and the sofa is cut off from the door
        # with its shift.
        mask, box, pre, post, after, sofa, shift = self._sofa_to_the_floor(panel=True)
        split = motion_split(mask, box, pre, post, reach_lengths=3, other_objects=after)
        assert split is not None
        assert abs(split.shift[0] - shift[0]) <= 1 and abs(split.shift[1] - shift[1]) <= 1
        x, y, w, h = box
        moving = np.zeros((H, W), bool)
        moving[y:y + h, x:x + w] = split.moving
        assert _iou(moving, _mask([sofa])) > 0.9

    def test_plain_object_moved_onto_other_ground_is_not_cut_off_without_texture(self):
        # With no panel there is nothing inside it to recognise it by: the blob is left whole.
        mask, box, pre, post, after, _, _ = self._sofa_to_the_floor(panel=False)
        assert motion_split(mask, box, pre, post, reach_lengths=3, other_objects=after) is None

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

    def test_twin_that_stood_there_is_not_where_it_went(self):
        # Two like boxes on a wall shelf, welded with it into one blob; the right one falls out
        # of the blob. It matches its twin's place, but the twin stood there before too.
        rng = np.random.default_rng(4)
        pre = np.full((H, W), 170, np.uint8)
        cv2.rectangle(pre, (100, 120), (299, 129), 70, -1)  # the shelf board
        post = pre.copy()
        for img, xs in ((pre, (130, 190)), (post, (130,))):
            for x in xs:
                _textured_box(img, x, 98)
        pre, post = (np.clip(f + rng.normal(0, 3, f.shape), 0, 255).astype(np.uint8) for f in (pre, post))
        blob = _mask([(100, 120, 200, 10), (130, 98, 30, 22), (190, 98, 30, 22)])
        x, y, w, h = box = _box(blob)
        assert motion_split(blob[y:y + h, x:x + w], box, smooth(pre), smooth(post), reach_lengths=3,
                            other_objects=_mask([(100, 120, 200, 10), (130, 98, 30, 22)]).astype(np.uint8)) is None

    def test_bad_input(self):
        pre, post = _frames()
        with pytest.raises(InputError, match="mask shape"):
            motion_split(np.ones((3, 3), bool), TABLE, pre, post, reach_lengths=1)
        with pytest.raises(InputError, match="2-D"):
            motion_split(np.ones((50, 60), bool), TABLE, pre, post[:-1], reach_lengths=1)


class TestExplained:
    """The moving part keeps only the pixels its motion explains (see ``_explained``)."""

    def _case(self) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[slice, slice], tuple[slice, slice]]:
        # A 40x30 box now at x 60..99 (own frame) that came from 12 px to the left (d = -12, 0):
        # it overlaps itself at x 60..87. The watershed gave it a 2 px rim of floor and a plain
        # 30x30 floor patch below it; both are unchanged in place, and so is the self-overlap.
        moving = np.zeros((120, 160), bool)
        obj = (slice(40, 70), slice(60, 100))
        moving[38:72, 58:102] = True  # the box and a 2 px rim of background
        patch = (slice(72, 102), slice(62, 92))
        moving[patch] = True
        unchanged = np.zeros_like(moving)
        unchanged[moving] = True
        unchanged[obj] = False  # the box changed in place ...
        unchanged[40:70, 60:88] = True  # ... but where it overlaps where it stood
        return moving, unchanged, (-12, 0), obj, patch

    def test_plain_patch_is_dropped_and_the_object_kept(self):
        moving, unchanged, d, obj, patch = self._case()
        kept = _explained(moving, unchanged, d)
        assert kept[obj].all()
        assert not kept[patch].any()

    def test_rim_of_background_is_dropped(self):
        moving, unchanged, d, _, _ = self._case()
        kept = _explained(moving, unchanged, d)
        # All of it but its left side, where the box stood in the other frame (it is covered).
        expected = np.zeros_like(moving)
        expected[40:70, 58:100] = True
        assert np.array_equal(kept, expected)

    def test_trimming_that_cuts_the_part_in_two_is_not_kept(self):
        # A plain box whose shift was read a few pixels off: a strip across its middle looks
        # unexplained. One part moved; cutting it in two would count two objects.
        moving = np.zeros((60, 120), bool)
        moving[10:50, 20:100] = True
        unchanged = np.zeros_like(moving)
        unchanged[10:50, 55:65] = True
        assert np.array_equal(_explained(moving, unchanged, (-40, 0)), moving)

    def test_nothing_unchanged_leaves_it_as_it_is(self):
        moving, _, d, _, _ = self._case()
        assert np.array_equal(_explained(moving, np.zeros_like(moving), d), moving)


class TestNcc:
    def test_matches_numpy_corrcoef(self):
        rng = np.random.default_rng(3)
        a, b = rng.normal(size=500), rng.normal(size=500)
        assert ncc(a, b) == pytest.approx(np.corrcoef(a, b)[0, 1])
        assert ncc(a, 3 * a + 7) == pytest.approx(1.0)

    def test_flat_samples(self):
        assert ncc(np.ones(10), np.ones(10)) == 1.0
        assert ncc(np.ones(10), np.arange(10.0)) == 0.0


class TestMaskedNcc:
    @pytest.mark.parametrize("seed", range(8))
    def test_matches_ncc_of_the_masked_pixels(self, seed):
        rng = np.random.default_rng(seed)
        h, w = rng.integers(4, 50, 2)
        a = rng.integers(0, 256, (h, w), dtype=np.uint8)
        b = np.clip(a * rng.uniform(-1, 1) + rng.normal(0, 30, (h, w)), 0, 255).astype(np.uint8)
        mask = (rng.random((h, w)) < 0.5).astype(np.uint8)
        sel = mask > 0
        assert masked_ncc(a, b, mask) == pytest.approx(ncc(a[sel], b[sel]), abs=1e-6)
        assert np.corrcoef(a[sel].astype(float), b[sel].astype(float))[0, 1] == pytest.approx(
            masked_ncc(a, b, mask), abs=1e-6)

    def test_flat_and_empty(self):
        flat, ramp = np.full((5, 6), 40, np.uint8), np.arange(30, dtype=np.uint8).reshape(5, 6)
        ones = np.ones((5, 6), np.uint8)
        assert masked_ncc(flat, flat, ones) == 1.0
        assert masked_ncc(flat, ramp, ones) == 0.0
        assert masked_ncc(ramp, ramp, np.zeros_like(ones)) == 0.0
        assert masked_ncc(ramp, ramp, ones) == pytest.approx(1.0)


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


def _textured_box(img: np.ndarray, x: int, y: int) -> None:
    cv2.rectangle(img, (x, y), (x + 29, y + 21), 200, -1)
    for k in range(3):  # stripes: something to correlate
        cv2.line(img, (x + 3, y + 5 + 6 * k), (x + 26, y + 5 + 6 * k), 90, 2)


class TestFindGone:
    def _floor(self, seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        img = np.full((H, W), 120, np.uint8)
        for k in range(0, W, 37):  # floor seams
            cv2.line(img, (k, 150), (k + 60, H - 1), 80, 1)
        return np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)

    def test_a_fall_is_found_far_below(self):
        pre, post = self._floor(1), self._floor(2)
        _textured_box(pre, 200, 30)
        _textured_box(post, 215, 240)
        box = (200, 30, 30, 22)
        d = find_gone(np.ones((22, 30), bool), box, smooth(pre), smooth(post), reach=400)
        assert d == (15, 210)

    def test_an_object_taken_away_is_not_found(self):
        pre, post = self._floor(1), self._floor(2)
        _textured_box(pre, 200, 30)
        assert find_gone(np.ones((22, 30), bool), (200, 30, 30, 22), smooth(pre), smooth(post), reach=400) is None

    def test_an_identical_object_that_stood_there_is_not_where_it_went(self):
        pre, post = self._floor(1), self._floor(2)
        for img in (pre, post):
            _textured_box(img, 300, 200)  # its twin, standing still
        _textured_box(pre, 200, 30)  # taken away
        assert find_gone(np.ones((22, 30), bool), (200, 30, 30, 22), smooth(pre), smooth(post), reach=400) is None

    def test_bad_input(self):
        pre = self._floor()
        with pytest.raises(InputError, match="mask shape"):
            find_gone(np.ones((3, 3), bool), (0, 0, 30, 22), pre, pre, reach=10)
        with pytest.raises(InputError, match="2-D"):
            find_gone(np.ones((22, 30), bool), (0, 0, 30, 22), pre, pre[:-1], reach=10)


class TestFindTurnedOrigin:
    """From the post frame back to the pre one: where a box that landed on its side stood."""

    def _frames(self, *, twin: bool = False) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
        pre, post = TestFindGone._floor(self, 1), TestFindGone._floor(self, 2)
        _textured_box(pre, 200, 30)  # 30 x 22, stood up here
        upright = np.full((22, 30), 120, np.uint8)
        _textured_box(upright, 0, 0)
        post[240:270, 215:237] = np.rot90(upright)  # landed turned: 22 x 30
        if twin:
            _textured_box(post, 200, 30)  # an identical box still stands where it was
        return pre, post, (215, 240, 22, 30)

    def test_a_box_that_landed_on_its_side_is_found_where_it_stood(self):
        pre, post, box = self._frames()
        found = find_turned_origin(np.ones((30, 22), bool), box, smooth(post), smooth(pre), reach=(60, 300, 60, 0))
        assert found is not None
        origin, mask = found
        assert abs(origin[0] - 200) <= 1 and abs(origin[1] - 30) <= 1 and origin[2:] == (30, 22)
        assert mask.shape == (22, 30) and mask.all()

    def test_found_past_a_twin_that_stands_in_both_frames(self):
        # An identical box stands between, in both frames, and matches the look better than the
        # place the box left (scuffed there): only where the frames changed is searched.
        pre, post, box = self._frames()
        for img in (pre, post):
            _textured_box(img, 200, 150)
        pre[38:42, 208:212] = 255
        found = find_turned_origin(np.ones((30, 22), bool), box, smooth(post), smooth(pre), reach=(60, 300, 60, 0))
        assert found is not None
        assert abs(found[0][0] - 200) <= 1 and abs(found[0][1] - 30) <= 1

    def test_not_found_where_a_twin_still_stands(self):
        pre, post, box = self._frames(twin=True)
        assert find_turned_origin(np.ones((30, 22), bool), box, smooth(post), smooth(pre), reach=(60, 300, 60, 0)) is None

    def test_not_found_below_the_reach(self):
        pre, post, box = self._frames()
        assert find_turned_origin(np.ones((30, 22), bool), box, smooth(post), smooth(pre), reach=(60, 100, 60, 0)) is None

    def test_a_place_that_still_correlates_a_little_changed_under_unchanged_ncc(self):
        # The own frame shows, where the box stood, something darker with the box's stripes on
        # its top half (what of a toppled object still stands over its own landing): it
        # correlates there between 0.6 and 0.8. With the identity level alone (0.6) the place
        # is refused; the stable-region level (0.8) reads it as changed, and the box is found.
        pre, post, box = self._frames()
        post[30:52, 200:230] = pre[30:52, 200:230] // 2
        post[42:52, 200:230] = 60
        own, other = smooth(post), smooth(pre)
        sel = inside_of(np.ones((22, 30), bool))
        assert 0.6 <= ncc(own[31:53, 200:230][sel], other[31:53, 200:230][sel]) < 0.8

        def origin(unchanged_ncc):
            found = find_turned_origin(np.ones((30, 22), bool), box, own, other, reach=(60, 300, 60, 0),
                                       min_ncc=0.6, unchanged_ncc=unchanged_ncc)
            return None if found is None else found[0][:2]

        near = origin(0.8)
        assert near is not None and abs(near[0] - 200) <= 1 and abs(near[1] - 30) <= 1
        refused = origin(None)
        assert refused is None or abs(refused[1] - 30) > 1

    @pytest.mark.parametrize("seed", range(4))
    def test_coarse_to_fine_search_finds_the_full_scale_peak(self, seed):
        # A textured 30x24 patch cut from a smooth random frame is found where it was cut, as
        # the full-scale search finds it.
        from fastiesi.stages.welded import _best_places, _scores

        rng = np.random.default_rng(seed)
        frame = cv2.GaussianBlur((rng.random((240, 200)) * 255).astype(np.uint8), (0, 0), 2.0)
        y, x = int(rng.integers(0, 210)), int(rng.integers(0, 170))
        template = frame[y:y + 24, x:x + 30].copy()
        tmask = np.ones(template.shape, np.uint8)
        full = _scores(frame, template, tmask, None)
        assert np.unravel_index(int(np.argmax(full)), full.shape) == (y, x)
        assert _best_places(frame, template, tmask, 4)[0] == (y, x)
        # Only places where at least half the template's pixels changed: there first, and the
        # others within half the template of it.
        changed = np.zeros(frame.shape, np.uint8)
        changed[y:y + 24, x:x + 30] = 1
        places = _best_places(frame, template, tmask, 4, changed)
        assert places[0] == (y, x)
        assert all(abs(py - y) <= 12 and abs(px - x) <= 15 for py, px in places)

    def test_bad_input(self):
        pre = TestFindGone._floor(self)
        with pytest.raises(InputError, match="mask shape"):
            find_turned_origin(np.ones((3, 3), bool), (0, 0, 30, 22), pre, pre, reach=(10, 10, 10, 10))
        with pytest.raises(InputError, match="2-D"):
            find_turned_origin(np.ones((22, 30), bool), (0, 0, 30, 22), pre, pre[:-1], reach=(10, 10, 10, 10))


class TestTrackGone:
    def test_gone_object_becomes_a_fall_and_its_landing_blob_is_not_counted_again(self):
        from fastiesi.stages.movement import TrackedObject, _Frames, _track_gone

        pre, post = TestFindGone()._floor(1), TestFindGone()._floor(2)
        _textured_box(pre, 200, 30)
        _textured_box(post, 215, 240)
        objs = segment_objects(pre)
        gone = TrackedObject("small_objects", "far", 660, (200, 30, 30, 22), None, (214.5, 40.5), None, True, False, "low")
        landing = TrackedObject("small_objects", "central", 900, None, (210, 236, 40, 30), None, (230.0, 251.0),
                                True, False, "low")
        still = TrackedObject("furniture", "far", 5000, (20, 20, 60, 90), (20, 20, 60, 90), (50.0, 65.0), (50.0, 65.0),
                              False, False, "low")
        frames = _Frames(objs, segment_objects(post), pre, post, DepthRegions(pre.shape))
        out = _track_gone([gone, landing, still], frames, DEFAULT_CONFIG)
        assert len(out) == 2 and still in out
        (tracked,) = [o for o in out if o.moved]
        assert tracked.bbox_after == (215, 240, 30, 22) and tracked.fell


def test_any_box_and_mask_is_handled():
    # Random frames, boxes touching the borders, sparse or full masks, reaches of 0 to 4 lengths:
    # no error, and a split always partitions the blob.
    rng = np.random.default_rng(0)
    for _ in range(60):
        h_img, w_img = (int(v) for v in rng.integers(20, 90, 2))
        a = cv2.GaussianBlur((rng.random((h_img, w_img)) * 255).astype(np.uint8), (0, 0), 1.5)
        b = np.roll(a, (int(rng.integers(-8, 8)), int(rng.integers(-8, 8))), axis=(0, 1))
        w, h = int(rng.integers(1, w_img + 1)), int(rng.integers(1, h_img + 1))
        x, y = int(rng.integers(0, w_img - w + 1)), int(rng.integers(0, h_img - h + 1))
        m = rng.random((h, w)) < rng.uniform(0.1, 1.0)
        split = motion_split(m, (x, y, w, h), smooth(a), smooth(b), reach_lengths=float(rng.uniform(0, 4)))
        if split is not None:
            assert not (split.moving & split.static).any() and ((split.moving | split.static) == m).all()
        find_gone(m, (x, y, w, h), smooth(a), smooth(b), reach=(1, 2, 3, int(rng.integers(0, 90))))
        turned = find_turned_origin(m, (x, y, w, h), smooth(a), smooth(b),
                                    reach=(int(rng.integers(0, 20)), int(rng.integers(0, 90)), 5, 0))
        if turned is not None:
            (ox, oy, ow, oh), tm = turned
            assert (ow, oh) == (h, w) and tm.shape == (w, h) and 0 <= ox <= w_img - ow and 0 <= oy <= h_img - oh
