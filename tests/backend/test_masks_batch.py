"""The batched frame-mask algorithm (the GPU backend's segmentation) against the CPU path.

On NumPy arrays it runs through OpenCV frame by frame, so these tests check the batched
orchestration (batch-unique labels, one bincount for every frame, hole filling by labelling the
background) where there is no GPU; the same comparison on CuPy arrays is in the ``gpu`` class.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.backend.masks_batch import (
    fill_holes_batch,
    frame_masks_batch,
    nested_morphology_batch,
)
from fastiesi.config import DEFAULT_CONFIG
from fastiesi.errors import InputError
from fastiesi.stages.edges import multiscale_canny
from fastiesi.stages.morphology import fill_holes, nested_morphology
from fastiesi.stages.preprocess import enhance
from fastiesi.stages.segment import FrameMasks, closed_bottoms
from fastiesi.synth import render_intensity


def _outlines(seed: int, shape: tuple[int, int] = (90, 120)) -> np.ndarray:
    """Random rectangle outlines, some touching, some cut by the frame edge, with specks."""
    rng = np.random.default_rng(seed)
    m = np.zeros(shape, np.uint8)
    for _ in range(12):
        x, y = rng.integers(-10, shape[1]), rng.integers(-10, shape[0])
        w, h = rng.integers(6, 40, 2)
        cv2.rectangle(m, (int(x), int(y)), (int(x + w), int(y + h)), 255, int(rng.integers(1, 3)))
    m[rng.random(shape) < 0.01] = 255
    return m


@pytest.fixture(scope="module")
def rendered_edges() -> list[np.ndarray]:
    """Edges of rendered frames: a room and a store (shelving), pre and post."""
    out = []
    for layout, intensity in (("room", 7), ("store", 6)):
        pair = render_intensity(intensity, seed=5, layout=layout, noise_sigma=2.0, jpeg_quality=90)
        for frame in (pair.pre, pair.post):
            out.append(multiscale_canny(enhance(frame).filtered, config=DEFAULT_CONFIG.edges))
    return out


class TestFillHolesBatch:
    def test_matches_cpu(self):
        batch = np.stack([_outlines(s) for s in range(5)])
        got = fill_holes_batch(batch)
        for i in range(len(batch)):
            np.testing.assert_array_equal(got[i], fill_holes(batch[i]))

    def test_frames_do_not_leak(self):
        # A ring in frame 0 and an empty frame 1: the ring's inside is a hole only in frame 0.
        batch = np.zeros((2, 20, 20), np.uint8)
        cv2.rectangle(batch[0], (4, 4), (15, 15), 255, 1)
        got = fill_holes_batch(batch)
        assert got[0, 10, 10] == 255 and not got[1].any()


class TestNestedMorphologyBatch:
    @pytest.mark.parametrize("min_area", [1, 40, 400])
    def test_matches_cpu_on_outlines(self, min_area):
        batch = np.stack([_outlines(s) for s in range(4)])
        kernels = (3, 7, 13)
        got = nested_morphology_batch(batch, kernels=kernels, min_object_area=min_area)
        for i in range(len(batch)):
            np.testing.assert_array_equal(got[i], nested_morphology(batch[i], kernels=kernels,
                                                                     min_object_area=min_area))

    def test_bad_kernels(self):
        with pytest.raises(InputError, match="ascending"):
            nested_morphology_batch(np.zeros((1, 8, 8), np.uint8), kernels=(7, 3), min_object_area=1)


class TestFrameMasksBatch:
    def test_matches_frame_masks_on_rendered_frames(self, rendered_edges):
        # FrameMasks closes the outlines open at the bottom on the host, after either backend.
        got, cleaned = frame_masks_batch(np.stack(rendered_edges))
        for i, e in enumerate(rendered_edges):
            want = FrameMasks(np.zeros_like(e), edges=e).solid
            np.testing.assert_array_equal(closed_bottoms(e, cleaned[i], got[i], DEFAULT_CONFIG), want)

    def test_one_frame_batch(self, rendered_edges):
        e = rendered_edges[0]
        solid, cleaned = frame_masks_batch(e[None])
        masks = FrameMasks(np.zeros_like(e), edges=e)
        np.testing.assert_array_equal(solid[0], masks.solid)
        np.testing.assert_array_equal(cleaned[0], masks._cleaned)

    @pytest.mark.parametrize("bad", [np.zeros((8, 8), np.uint8), np.zeros((0, 8, 8), np.uint8),
                                     np.zeros((1, 8, 8), np.float32)])
    def test_bad_input(self, bad):
        with pytest.raises(InputError, match="batch"):
            frame_masks_batch(bad)


@pytest.mark.gpu
class TestOnTheGpu:
    """The same algorithm on CuPy arrays (the kernels and cupyx's labelling) against the CPU."""

    @pytest.fixture(autouse=True)
    def _cupy(self, cupy_device):
        self.cp = cupy_device

    def test_frame_masks(self, rendered_edges):
        solid, cleaned = frame_masks_batch(self.cp.asarray(np.stack(rendered_edges)))
        got, cleaned = self.cp.asnumpy(solid), self.cp.asnumpy(cleaned)
        for i, e in enumerate(rendered_edges):
            np.testing.assert_array_equal(closed_bottoms(e, cleaned[i], got[i], DEFAULT_CONFIG),
                                          FrameMasks(np.zeros_like(e), edges=e).solid)

    def test_fill_holes(self):
        batch = np.stack([_outlines(s) for s in range(5)])
        got = self.cp.asnumpy(fill_holes_batch(self.cp.asarray(batch)))
        for i in range(len(batch)):
            np.testing.assert_array_equal(got[i], fill_holes(batch[i]))

    def test_frame_masks_batch_of_grays(self, rendered_edges):
        # FrameMasks.batch on the GPU (one device run for frames of one size) against FrameMasks.
        from fastiesi.synth import render_intensity

        grays = [enhance(render_intensity(6, seed=s, noise_sigma=2.0).pre).filtered for s in range(3)]
        for got, g in zip(FrameMasks.batch(grays, backend="gpu"), grays):
            want = FrameMasks(g)
            np.testing.assert_array_equal(got.solid, want.solid)
            np.testing.assert_array_equal(got.shelved, want.shelved)


def test_frame_masks_batch_on_the_cpu_is_one_by_one():
    from fastiesi.synth import render_intensity

    grays = [enhance(render_intensity(6, seed=s, noise_sigma=2.0).pre).filtered for s in range(2)]
    for got, g in zip(FrameMasks.batch(grays), grays):
        np.testing.assert_array_equal(got.solid, FrameMasks(g).solid)
