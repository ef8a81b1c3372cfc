"""The built-in person remover's parts: HOG detector, GrabCut segmenter, pyramid inpainting."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.errors import InputError, InputTypeError
from fastiesi.nn.base import PersonBox
from fastiesi.nn.inpaint import PyramidInpainter
from fastiesi.nn.opencv_default import GrabCutSegmenter, HogPeopleDetector
from fastiesi.stages.segment import segment_objects
from fastiesi.synth.person import person_sprite


def _figure_on_floor(seed: int = 0) -> tuple[np.ndarray, np.ndarray, PersonBox]:
    rng = np.random.default_rng(seed)
    img = np.full((300, 400, 3), (90, 140, 100), np.float32)
    img += rng.normal(0, 3, img.shape).astype(np.float32)
    person, mask = person_sprite(200, rng)
    h, w = mask.shape
    x, y = 150, 60
    img[y:y + h, x:x + w][mask] = person[mask]
    full = np.zeros((300, 400), bool)
    full[y:y + h, x:x + w] = mask
    return np.clip(img, 0, 255).astype(np.uint8), full, PersonBox(x, y, x + w, y + h, 1.0)


class TestHogPeopleDetector:
    def test_one_list_per_image_none_on_a_plain_wall(self):
        det = HogPeopleDetector()
        out = det.detect([np.full((300, 400, 3), 128, np.uint8), np.full((60, 50, 3), 128, np.uint8)])
        assert out == [[], []]

    def test_bad_image(self):
        with pytest.raises(InputError, match="uint8 BGR"):
            HogPeopleDetector().detect([np.zeros((300, 400), np.uint8)])
        with pytest.raises(InputTypeError):
            HogPeopleDetector().detect(["frame.png"])  # type: ignore[list-item]


class TestGrabCutSegmenter:
    def test_mask_follows_the_figure(self):
        img, truth, box = _figure_on_floor()
        (mask,) = GrabCutSegmenter().segment(img, [box])
        iou = (mask & truth).sum() / (mask | truth).sum()
        assert iou > 0.8

    def test_box_filling_the_frame_falls_back_to_the_box(self):
        img = np.full((40, 40, 3), 100, np.uint8)
        (mask,) = GrabCutSegmenter().segment(img, [PersonBox(0, 0, 40, 40, 0.9)])
        assert mask.all()


class TestPyramidInpainter:
    def test_removed_figure_leaves_no_object(self):
        # A rendered room with a person on the floor; the person's own mask (grown) is inpainted.
        from fastiesi.synth import SceneSpec, render_pair

        pair = render_pair(SceneSpec(seed=4, initial_intensity=None, people=(1, 0), noise_sigma=2.0))
        x, y, w, h = pair.truth.people_pre[0]
        img = pair.pre
        (mask,) = GrabCutSegmenter().segment(img, [PersonBox(x, y, x + w, y + h, 1.0)])
        grown = cv2.dilate(mask.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0
        out = PyramidInpainter().inpaint(img, grown)
        np.testing.assert_array_equal(out[~grown], img[~grown])  # outside untouched
        objects = segment_objects(cv2.cvtColor(out, cv2.COLOR_BGR2GRAY))
        for lab in objects.labels:  # no object where the person was
            m, (ox, oy) = objects.components.mask(lab)
            inside = grown[oy:oy + m.shape[0], ox:ox + m.shape[1]][m].mean()
            assert inside < 0.3, f"component {lab} lies {inside:.0%} in the inpainted region"
        # The fill matches the floor around it.
        ring = (cv2.dilate(grown.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0) & ~grown
        assert np.abs(out[grown].mean(axis=0) - img[ring].mean(axis=0)).max() < 12

    def test_empty_mask_is_a_copy(self):
        img = np.random.default_rng(0).integers(0, 255, (40, 50, 3), dtype=np.uint8)
        out = PyramidInpainter().inpaint(img, np.zeros((40, 50), bool))
        np.testing.assert_array_equal(out, img)
        assert out is not img

    def test_bad_masks(self):
        img = np.zeros((40, 50, 3), np.uint8)
        with pytest.raises(InputError, match="shape"):
            PyramidInpainter().inpaint(img, np.zeros((40, 40), bool))
        with pytest.raises(InputError, match="whole image"):
            PyramidInpainter().inpaint(img, np.ones((40, 50), bool))


def test_grabcut_is_deterministic_whatever_ran_before():
    from fastiesi.synth import SceneSpec, render_pair

    pair = render_pair(SceneSpec(seed=4, initial_intensity=None, people=(0, 1)))
    x, y, w, h = pair.truth.people_post[0]
    img, box = pair.post, PersonBox(x, y, x + w, y + h, 1.0)
    seg = GrabCutSegmenter()
    (first,) = seg.segment(img, [box])
    for state in (1, 12345, 99):
        cv2.setRNGSeed(state)  # as if other OpenCV code had drawn from the thread's RNG
        (again,) = seg.segment(img, [box])
        np.testing.assert_array_equal(first, again)
