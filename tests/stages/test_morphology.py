"""Region-adaptive median, hole filling and nested morphology (4.2.2, 4.2.3) against SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from fastiesi.errors import InputError
from fastiesi.stages.morphology import (
    close_and_fill,
    fill_holes,
    nested_morphology,
    region_adaptive_median,
    region_grid,
    region_kernel_sizes,
)


def _random_mask(seed: int, shape=(60, 90), p=0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return ((rng.random(shape) < p) * 255).astype(np.uint8)


class TestRegionGrid:
    def test_nine_equal_regions(self):
        g = region_grid((600, 800), (3, 3))
        assert set(np.unique(g)) == set(range(9))
        counts = np.bincount(g.ravel())
        assert counts.max() - counts.min() <= 800 + 600  # equal up to one row/column

    def test_bad_grid(self):
        with pytest.raises(InputError):
            region_grid((10, 10), (0, 3))


class TestRegionAdaptiveMedian:
    def test_uniform_kernel_matches_scipy(self):
        m = _random_mask(0)
        out = region_adaptive_median(m, np.full((3, 3), 5))
        ref = ndi.median_filter(m, size=5, mode="nearest")
        # OpenCV replicates the border like SciPy's "nearest"; compare the interior exactly.
        np.testing.assert_array_equal(out[2:-2, 2:-2], ref[2:-2, 2:-2])

    def test_each_region_uses_its_kernel(self):
        m = _random_mask(1, (90, 90))
        sizes = np.array([[3, 5, 3], [5, 3, 5], [3, 5, 3]])
        out = region_adaptive_median(m, sizes)
        for r in range(3):
            for c in range(3):
                ref = ndi.median_filter(m, size=int(sizes[r, c]), mode="nearest")
                sl = (slice(r * 30 + 2, r * 30 + 28), slice(c * 30 + 2, c * 30 + 28))
                np.testing.assert_array_equal(out[sl], ref[sl])

    def test_denser_regions_get_the_smaller_kernel(self):
        e = np.zeros((90, 90), np.uint8)
        e[:30, :30] = _random_mask(2, (30, 30), 0.5)
        sizes = region_kernel_sizes(e, grid=(3, 3), kernels=(3, 5))
        assert sizes[0, 0] == 3 and (sizes.ravel()[1:] == 5).all()

    def test_removes_specks_keeps_dilated_lines(self):
        m = np.zeros((40, 40), np.uint8)
        m[20, 5:35] = 255
        m[5, 5] = 255
        thick = ndi.binary_dilation(m > 0, np.ones((3, 3))).astype(np.uint8) * 255
        out = region_adaptive_median(thick, np.full((3, 3), 5))
        assert out[20, 10:30].all() and not out[3:8, 3:8].any()

    def test_even_kernel_is_refused(self):
        with pytest.raises(InputError):
            region_adaptive_median(_random_mask(3), np.full((3, 3), 4))


class TestFillHoles:
    @pytest.mark.parametrize("seed", range(5))
    def test_matches_scipy(self, seed):
        m = _random_mask(seed, p=0.5)
        ref = ndi.binary_fill_holes(m > 0)
        np.testing.assert_array_equal(fill_holes(m) > 0, ref)

    def test_ring_is_filled(self):
        m = np.zeros((20, 20), np.uint8)
        m[5:15, 5:15] = 255
        m[7:13, 7:13] = 0
        assert fill_holes(m)[5:15, 5:15].all()

    def test_wrong_dtype(self):
        with pytest.raises(InputError):
            fill_holes(np.zeros((4, 4), bool))  # type: ignore[arg-type]


class TestNestedMorphology:
    def _outline(self, m: np.ndarray, x0, y0, x1, y1, gap: int = 0) -> None:
        m[y0, x0:x1 + 1] = m[y1, x0:x1 + 1] = 255
        m[y0:y1 + 1, x0] = m[y0:y1 + 1, x1] = 255
        if gap:
            m[y0, (x0 + x1) // 2:(x0 + x1) // 2 + gap] = 0

    def test_closing_matches_scipy(self):
        m = _random_mask(7, p=0.1)
        ref = ndi.binary_fill_holes(ndi.binary_closing(np.pad(m > 0, 5), np.ones((5, 5)))[5:-5, 5:-5])
        # Equal away from the frame edge (there the frame edge does not erode ours).
        np.testing.assert_array_equal((close_and_fill(m, 5) > 0)[5:-5, 5:-5], ref[5:-5, 5:-5])

    def test_broken_outline_is_closed_by_the_larger_kernel(self):
        m = np.zeros((80, 80), np.uint8)
        self._outline(m, 20, 20, 60, 60, gap=8)
        out = nested_morphology(m, kernels=(3, 13), min_object_area=50)
        assert out[40, 40] == 255 and out[30:50, 30:50].all()

    def test_neighbours_stay_separate(self):
        # Two closed outlines 6 px apart: the 13 px closing would merge them, the nesting does not.
        m = np.zeros((60, 120), np.uint8)
        self._outline(m, 10, 10, 50, 50)
        self._outline(m, 57, 10, 97, 50)
        out = nested_morphology(m, kernels=(3, 13), min_object_area=100)
        _, n = ndi.label(out > 0, structure=np.ones((3, 3)))
        assert n == 2

    def test_kernels_must_ascend(self):
        with pytest.raises(InputError):
            nested_morphology(np.zeros((10, 10), np.uint8), kernels=(7, 3), min_object_area=10)
