"""Canny's core for a batch (the GPU backend's edges) against cv2.Canny, exactly, on the CPU."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.backend.canny_batch import canny_batch
from fastiesi.errors import InputError
from fastiesi.stages.edges import adaptive_thresholds


def _frames(seed: int, shape: tuple[int, int], n: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        img = rng.integers(0, 256, shape, dtype=np.uint8)
        for _ in range(6):  # some structure: rectangles over the noise
            x, y = rng.integers(0, shape[1]), rng.integers(0, shape[0])
            cv2.rectangle(img, (int(x), int(y)), (int(x + 30), int(y + 20)), int(rng.integers(0, 256)), -1)
        out.append(cv2.GaussianBlur(img, (0, 0), 1.0 + k))
    return np.stack(out)


class TestCannyBatch:
    @pytest.mark.parametrize("shape", [(5, 7), (37, 53), (120, 160)])
    @pytest.mark.parametrize("seed", range(3))
    def test_matches_opencv_with_adaptive_thresholds(self, shape, seed):
        frames = _frames(seed, shape)
        thresholds = [adaptive_thresholds(f, low_ratio=0.4) for f in frames]
        got = canny_batch(frames, np.array([t[0] for t in thresholds]), np.array([t[1] for t in thresholds]))
        for f, (low, high), edges in zip(frames, thresholds, got):
            np.testing.assert_array_equal(edges, cv2.Canny(f, low, high, L2gradient=True))

    @pytest.mark.parametrize("low,high", [(10, 30), (25.5, 25.5), (0.5, 200), (100, 300), (40000, 50000)])
    def test_matches_opencv_at_fixed_thresholds(self, low, high):
        frames = _frames(7, (64, 96))
        got = canny_batch(frames, np.full(3, low), np.full(3, high))
        for f, edges in zip(frames, got):
            np.testing.assert_array_equal(edges, cv2.Canny(f, low, high, L2gradient=True))

    def test_flat_frame_has_no_edge(self):
        assert not canny_batch(np.full((1, 20, 30), 77, np.uint8), np.array([1.0]), np.array([2.0])).any()

    def test_bad_input(self):
        with pytest.raises(InputError, match="batch"):
            canny_batch(np.zeros((20, 30), np.uint8), np.array([1.0]), np.array([2.0]))
        with pytest.raises(InputError, match="per frame"):
            canny_batch(np.zeros((2, 20, 30), np.uint8), np.array([1.0]), np.array([2.0, 3.0]))


@pytest.mark.gpu
def test_on_the_gpu_matches_opencv(cupy_device):
    cp = cupy_device
    frames = _frames(11, (600, 800), n=4)
    thresholds = [adaptive_thresholds(f, low_ratio=0.4) for f in frames]
    got = cp.asnumpy(canny_batch(cp.asarray(frames), np.array([t[0] for t in thresholds]),
                                 np.array([t[1] for t in thresholds])))
    for f, (low, high), edges in zip(frames, thresholds, got):
        np.testing.assert_array_equal(edges, cv2.Canny(f, low, high, L2gradient=True))
