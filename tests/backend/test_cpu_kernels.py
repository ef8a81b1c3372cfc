"""The Numba CPU kernels against OpenCV and a plain NumPy statement of the same rule."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.backend.cpu_kernels import component_statistics, keep_touching, merge_nested_level


def blobs(seed: int, shape: tuple[int, int] = (97, 131), sigma: float = 2.5, level: float = 0.55) -> np.ndarray:
    rng = np.random.default_rng(seed)
    field = cv2.GaussianBlur(rng.random(shape).astype(np.float32), (0, 0), sigma)
    return (field > np.quantile(field, level)).astype(np.uint8) * 255


class TestComponentStatistics:
    @pytest.mark.parametrize("seed", range(6))
    def test_matches_opencv(self, seed):
        mask = blobs(seed)
        n, labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_32S)
        areas, boxes, cents = component_statistics(labels, n)
        np.testing.assert_array_equal(areas, stats[:, cv2.CC_STAT_AREA])
        np.testing.assert_array_equal(boxes, stats[:, :4])
        np.testing.assert_allclose(cents, centroids, rtol=0, atol=1e-9)

    def test_absent_label(self):
        labels = np.zeros((4, 5), np.int32)
        labels[1:3, 2:4] = 2
        areas, boxes, cents = component_statistics(labels, 3)
        assert areas.tolist() == [16, 0, 4]
        assert boxes[1].tolist() == [0, 0, 0, 0] and boxes[2].tolist() == [2, 1, 2, 2]
        assert np.isnan(cents[1]).all() and cents[2].tolist() == [2.5, 1.5]

    def test_bad_labels(self):
        with pytest.raises(ValueError, match="int32"):
            component_statistics(np.zeros((3, 3), np.int64), 1)


def merge_reference(current: np.ndarray, larger: np.ndarray, min_area: int) -> np.ndarray:
    """The rule stated plainly: a larger component holding two or more pieces of at least
    ``min_area`` keeps the pieces; any other takes their place."""
    n_big, big = cv2.connectedComponents(larger, connectivity=8)
    _, small = cv2.connectedComponents(current, connectivity=8)
    out = np.zeros_like(current)
    for b in range(1, n_big):
        inside = big == b
        pieces = [s for s in np.unique(small[inside]) if s > 0]
        if sum(np.count_nonzero(small == s) >= min_area for s in pieces) >= 2:
            out[inside] = current[inside]
        else:
            out[inside] = 255
    return out


class TestMergeNestedLevel:
    @pytest.mark.parametrize("seed", range(5))
    @pytest.mark.parametrize("min_area", [1, 30, 200])
    def test_matches_the_rule(self, seed, min_area):
        current = blobs(seed, level=0.7)
        larger = cv2.dilate(current, np.ones((5, 5), np.uint8))  # contains current, joins some pieces
        n_big, big = cv2.connectedComponents(larger, connectivity=8, ltype=cv2.CV_32S)
        n_small, small = cv2.connectedComponents(current, connectivity=8, ltype=cv2.CV_32S)
        got = merge_nested_level(small, n_small, big, n_big, min_area)
        np.testing.assert_array_equal(got, merge_reference(current, larger, min_area))

    def test_empty(self):
        z = np.zeros((8, 9), np.int32)
        assert not merge_nested_level(z, 1, z, 1, 5).any()


class TestKeepTouching:
    @pytest.mark.parametrize("seed", range(5))
    def test_matches_the_numpy_statement(self, seed):
        mask = blobs(seed, level=0.6)
        rng = np.random.default_rng(seed)
        seeds = ((rng.random(mask.shape) < 0.002) * 255).astype(np.uint8)
        n, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_32S)
        keep = np.zeros(n, bool)
        keep[labels[seeds > 0]] = True
        keep[0] = False
        np.testing.assert_array_equal(keep_touching(labels, n, seeds), keep[labels].astype(np.uint8) * 255)

    def test_shapes_must_agree(self):
        with pytest.raises(ValueError, match="shape"):
            keep_touching(np.zeros((3, 3), np.int32), 1, np.zeros((3, 4), np.uint8))
