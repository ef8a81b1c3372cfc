"""Adaptive multi-scale Canny, edge density and the exact histogram K-means (4.2.1, 4.3)."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastiesi.config import DEFAULT_CONFIG, EdgeConfig
from fastiesi.errors import InputError
from fastiesi.stages.edges import adaptive_canny, adaptive_thresholds, edge_density, histogram_kmeans, multiscale_canny


def _square_scene(blur: float = 0.0) -> np.ndarray:
    img = np.full((120, 160), 90, np.uint8)
    cv2.rectangle(img, (40, 30), (110, 90), 200, -1)
    return cv2.GaussianBlur(img, (0, 0), blur) if blur else img


class TestAdaptiveCanny:
    def test_thresholds_follow_contrast(self):
        lo1, hi1 = adaptive_thresholds(_square_scene(), low_ratio=0.4)
        strong = np.where(_square_scene() > 100, 255, 0).astype(np.uint8)
        lo2, hi2 = adaptive_thresholds(strong, low_ratio=0.4)
        assert hi2 > hi1 and lo1 == pytest.approx(0.4 * hi1)

    def test_flat_image_has_no_edges(self):
        assert not adaptive_canny(np.full((50, 60), 128, np.uint8)).any()

    def test_matches_opencv_canny_with_the_same_thresholds(self):
        rng = np.random.default_rng(0)
        img = cv2.GaussianBlur(rng.integers(0, 256, (64, 80)).astype(np.uint8), (0, 0), 2)
        cfg = DEFAULT_CONFIG.edges
        sm = cv2.GaussianBlur(img, (0, 0), cfg.gaussian_sigma)
        lo, hi = adaptive_thresholds(sm, low_ratio=cfg.low_ratio)
        np.testing.assert_array_equal(adaptive_canny(img), cv2.Canny(sm, lo, hi, L2gradient=True))

    def test_outline_of_a_square_is_found(self):
        e = multiscale_canny(_square_scene())
        ys, xs = np.nonzero(e)
        assert 38 <= xs.min() <= 41 and 108 <= xs.max() <= 111 and 28 <= ys.min() <= 31 and 88 <= ys.max() <= 91

    def test_multiscale_keeps_every_single_scale_edge(self):
        img = _square_scene(1.0)
        single = adaptive_canny(img)
        multi = multiscale_canny(img)
        assert not (single & ~multi).any()
        one = multiscale_canny(img, config=EdgeConfig(pyramid_levels=1))
        np.testing.assert_array_equal(one, single)

    def test_every_piece_touches_a_full_size_edge(self):
        # Weak (coarse-scale) edges survive only when connected to strong ones.
        rng = np.random.default_rng(4)
        img = cv2.GaussianBlur(rng.integers(0, 256, (96, 128)).astype(np.uint8), (0, 0), 3)
        single = adaptive_canny(img)
        multi = multiscale_canny(img)
        n, lab = cv2.connectedComponents(multi, connectivity=8)
        touched = set(np.unique(lab[single > 0]))
        assert set(range(1, n)) <= touched

    @pytest.mark.parametrize("bad", [np.zeros((5, 5), np.float32), np.zeros((5, 5, 3), np.uint8), "x"])
    def test_bad_input(self, bad):
        with pytest.raises(InputError):
            multiscale_canny(bad)  # type: ignore[arg-type]


class TestEdgeDensity:
    def test_matches_a_plain_neighbourhood_count(self):
        rng = np.random.default_rng(1)
        e = (rng.random((30, 40)) < 0.3).astype(np.uint8) * 255
        p = np.pad(e > 0, 1)
        ref = sum(p[1 + dy:31 + dy, 1 + dx:41 + dx].astype(int) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
        np.testing.assert_array_equal(edge_density(e), ref)

    def test_range(self):
        assert edge_density(np.full((5, 5), 255, np.uint8)).max() == 9


def _brute_force(values: np.ndarray, k: int) -> float:
    levels = np.unique(values)
    best = np.inf
    for cuts in itertools.combinations(range(1, len(levels)), k - 1):
        groups = np.split(levels, cuts)
        sse = 0.0
        for g in groups:
            v = values[np.isin(values, g)].astype(float)
            sse += float(((v - v.mean()) ** 2).sum())
        best = min(best, sse)
    return best


class TestHistogramKMeans:
    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.integers(0, 9), min_size=3, max_size=200), st.integers(1, 3))
    def test_optimal_against_brute_force(self, vals, k):
        v = np.array(vals)
        km = histogram_kmeans(v, k)
        if len(np.unique(v)) >= k:
            assert km.inertia == pytest.approx(_brute_force(v, k), abs=1e-6)
        assert np.all(np.diff(km.centres) > 0)

    def test_is_a_lloyd_fixed_point(self):
        rng = np.random.default_rng(2)
        v = np.concatenate([rng.integers(0, 2, 500), rng.integers(3, 6, 300), rng.integers(7, 10, 100)])
        km = histogram_kmeans(v, 3)
        labels = km.labels(v)
        centres = np.array([v[labels == c].mean() for c in range(3)])
        np.testing.assert_allclose(centres, km.centres)
        # Each value sits with its nearest centre.
        np.testing.assert_array_equal(labels, np.abs(v[:, None] - km.centres[None]).argmin(axis=1))

    def test_not_worse_than_scipy_kmeans(self):
        from scipy.cluster.vq import kmeans2
        rng = np.random.default_rng(3)
        v = rng.integers(0, 10, 2000)
        km = histogram_kmeans(v, 3)
        for seed in range(5):
            c, lab = kmeans2(v.astype(float), 3, minit="++", seed=seed)
            sse = float(((v - c[lab]) ** 2).sum())
            assert km.inertia <= sse + 1e-6

    def test_fewer_levels_than_clusters(self):
        km = histogram_kmeans(np.array([4, 4, 4]), 3)
        assert len(km.centres) == 1 and km.inertia == 0

    @pytest.mark.parametrize("bad,k", [(np.array([]), 3), (np.array([-1, 2]), 2), (np.array([1.5]), 1), (np.array([1]), 0)])
    def test_bad_input(self, bad, k):
        with pytest.raises(InputError):
            histogram_kmeans(bad, k)
