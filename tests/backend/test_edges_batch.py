"""The batched multi-scale Canny (the GPU backend's edges) against OpenCV and the CPU path,
exactly, through its NumPy twin; the same on CuPy where a GPU is present."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.backend.edges_batch import (
    adaptive_canny_batch,
    adaptive_thresholds_batch,
    gaussian_blur_batch,
    gaussian_ksize,
    gaussian_taps_u8,
    multiscale_canny_batch,
    pyr_down_batch,
    resize_nearest_batch,
)
from fastiesi.errors import InputError
from fastiesi.stages.edges import adaptive_canny, adaptive_thresholds, multiscale_canny
from fastiesi.stages.preprocess import enhance

SHAPES = [(9, 13), (37, 53), (64, 64), (121, 160)]


def _noise(seed: int, shape: tuple[int, int], n: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, *shape), dtype=np.uint8)


def _structured(seed: int, shape: tuple[int, int], n: int = 3) -> np.ndarray:
    """Smoothed noise with rectangles: edges of every strength, as a frame has."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        img = rng.integers(0, 256, shape, dtype=np.uint8)
        for _ in range(8):
            x, y = rng.integers(0, shape[1]), rng.integers(0, shape[0])
            cv2.rectangle(img, (int(x), int(y)), (int(x + 25), int(y + 15)), int(rng.integers(0, 256)), -1)
        out.append(cv2.GaussianBlur(img, (0, 0), 0.7 + k))
    return np.stack(out)


class TestGaussianBlur:
    @pytest.mark.parametrize("shape", SHAPES)
    @pytest.mark.parametrize("sigma", [0.9, 1.4, 2.5])
    def test_matches_opencv(self, shape, sigma):
        frames = _noise(1, shape)
        got = gaussian_blur_batch(frames, sigma)
        for f, g in zip(frames, got):
            np.testing.assert_array_equal(g, cv2.GaussianBlur(f, (0, 0), sigma))

    def test_taps_sum_to_one_in_fixed_point(self):
        taps = gaussian_taps_u8(1.4)
        assert len(taps) == gaussian_ksize(1.4) == 9
        assert sum(taps) == 256 and taps == taps[::-1]

    def test_bad_input(self):
        with pytest.raises(InputError, match="batch"):
            gaussian_blur_batch(np.zeros((5, 5), np.uint8), 1.4)
        with pytest.raises(InputError, match="batch"):
            gaussian_blur_batch(np.zeros((1, 5, 5), np.float32), 1.4)
        with pytest.raises(InputError, match="sigma"):
            gaussian_blur_batch(np.zeros((1, 5, 5), np.uint8), 0.0)


class TestPyrDown:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_matches_opencv(self, shape):
        frames = _noise(2, shape)
        got = pyr_down_batch(frames)
        for f, g in zip(frames, got):
            want = cv2.pyrDown(f)
            assert g.shape == want.shape
            np.testing.assert_array_equal(g, want)


class TestResizeNearest:
    @pytest.mark.parametrize("src,dst", [((9, 13), (37, 53)), ((60, 81), (181, 165)), ((300, 400), (600, 800)),
                                         ((151, 201), (600, 800)), ((37, 53), (9, 13))])
    def test_matches_opencv(self, src, dst):
        frames = _noise(3, src)
        got = resize_nearest_batch(frames, dst)
        for f, g in zip(frames, got):
            np.testing.assert_array_equal(g, cv2.resize(f, dst[::-1], interpolation=cv2.INTER_NEAREST))


class TestAdaptiveThresholds:
    @pytest.mark.parametrize("shape", SHAPES)
    @pytest.mark.parametrize("seed", range(3))
    def test_matches_the_cpu_path(self, shape, seed):
        frames = _structured(seed, shape)
        low, high = adaptive_thresholds_batch(frames, low_ratio=0.4)
        for f, lo, hi in zip(frames, low, high):
            assert (lo, hi) == adaptive_thresholds(f, low_ratio=0.4)

    def test_flat_frame(self):
        low, high = adaptive_thresholds_batch(np.full((2, 10, 12), 90, np.uint8), low_ratio=0.4)
        assert list(low) == list(high) == [1.0, 1.0]


class TestCanny:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_adaptive_matches_the_cpu_path(self, shape):
        frames = _structured(4, shape)
        for f, g in zip(frames, adaptive_canny_batch(frames)):
            np.testing.assert_array_equal(g, adaptive_canny(f))

    @pytest.mark.parametrize("shape", [(37, 53), (130, 170), (257, 300)])
    def test_multiscale_matches_the_cpu_path(self, shape):
        frames = _structured(5, shape)
        for f, g in zip(frames, multiscale_canny_batch(frames)):
            np.testing.assert_array_equal(g, multiscale_canny(f))

    def test_multiscale_on_rendered_frames(self, rendered_grays):
        for f, g in zip(rendered_grays, multiscale_canny_batch(np.stack(rendered_grays))):
            np.testing.assert_array_equal(g, multiscale_canny(f))


@pytest.fixture(scope="module")
def rendered_grays() -> list[np.ndarray]:
    from fastiesi.synth import render_intensity

    out = []
    for seed, layout in ((0, "room"), (1, "store")):
        pair = render_intensity(7, seed=seed, layout=layout, shake="slight", lighting=0.5, noise_sigma=3.0,
                                jpeg_quality=80)
        out += [enhance(pair.pre).filtered, enhance(pair.post).filtered]
    return out


@pytest.mark.gpu
def test_on_the_gpu_matches_the_cpu_path(cupy_device, rendered_grays):
    cp = cupy_device
    got = cp.asnumpy(multiscale_canny_batch(cp.asarray(np.stack(rendered_grays))))
    for f, g in zip(rendered_grays, got):
        np.testing.assert_array_equal(g, multiscale_canny(f))
