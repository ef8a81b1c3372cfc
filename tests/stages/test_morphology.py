"""Region-adaptive median, hole filling and nested morphology (4.2.2, 4.2.3) against SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from fastiesi.errors import InputError
from fastiesi.stages.morphology import (
    _not_crossing,
    close_and_fill,
    close_open_bottoms,
    fill_holes,
    line_ends,
    nested_morphology,
    region_adaptive_median,
    region_grid,
    region_kernel_sizes,
    thin_lines,
)

import cv2


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

    @pytest.mark.parametrize("seed", range(3))
    def test_gate_keeps_every_convex_hole(self, seed):
        # Rectangular and elliptical rings: their holes are convex, so the gate changes nothing.
        rng = np.random.default_rng(seed)
        m = np.zeros((120, 160), np.uint8)
        for _ in range(4):
            x, y = rng.integers(5, 110), rng.integers(5, 75)
            w, h = rng.integers(15, 40), rng.integers(15, 40)
            if rng.random() < 0.5:
                cv2.rectangle(m, (int(x), int(y)), (int(x + w), int(y + h)), 255, 2)
            else:
                cv2.ellipse(m, (int(x + w // 2), int(y + h // 2)), (int(w // 2), int(h // 2)), 0, 0, 360, 255, 2)
        np.testing.assert_array_equal(fill_holes(m, min_solidity=0.8), fill_holes(m))

    def test_comb_shaped_hole_stays_open(self):
        # A shelf cell: frame around it, four goods standing on its board leave a comb of wall.
        m = np.zeros((60, 120), np.uint8)
        cv2.rectangle(m, (5, 5), (114, 54), 255, 3)
        for x in (15, 40, 65, 90):
            m[20:54, x:x + 15] = 255
        filled = fill_holes(m, min_solidity=0.8)
        assert not filled[10, 30] and fill_holes(m)[10, 30]
        assert filled[30:50, 15:30].all()  # the goods themselves are untouched

    def test_bad_solidity(self):
        with pytest.raises(InputError, match="min_solidity"):
            fill_holes(np.zeros((4, 4), np.uint8), min_solidity=1.5)


class TestThinLines:
    def test_board_under_goods_is_a_line_goods_are_not(self):
        m = np.zeros((80, 200), np.uint8)
        m[50:56, 10:190] = 255  # a 6 px board, 180 px long
        m[20:50, 40:70] = 255  # a 30x30 box standing on it
        m[26:50, 120:138] = 255  # an 18x24 bottle
        lines = thin_lines(m, max_width=13, min_length=52)
        assert lines[50:56, 10:40].all() and lines[50:56, 75:115].all()
        assert not lines[20:50, 40:70].any() and not lines[26:50, 120:138].any()
        n, _ = cv2.connectedComponents(m & ~lines)
        assert n - 1 == 2  # the two goods, now apart

    def test_width_limit_is_inclusive(self):
        m = np.zeros((60, 120), np.uint8)
        m[10:23, 5:105] = 255  # 13 px wide: a line
        m[35:49, 5:105] = 255  # 14 px wide: not a line
        lines = thin_lines(m, max_width=13, min_length=52)
        assert lines[10:23, 5:105].all() and not lines[35:49].any()

    def test_short_thin_piece_and_solid_block_are_kept(self):
        m = np.zeros((100, 100), np.uint8)
        m[5:10, 5:45] = 255  # 40 px: shorter than a line
        m[30:90, 20:90] = 255  # a 70x60 block: long rows, but thick
        assert not thin_lines(m, max_width=13, min_length=52).any()

    def test_vertical_lines_too(self):
        m = np.zeros((100, 60), np.uint8)
        m[5:95, 20:26] = 255
        np.testing.assert_array_equal(thin_lines(m, max_width=13, min_length=52), m)

    def test_a_chair_back_under_its_head_rail_is_no_line(self):
        # An L-shaped chair far from the camera: a 17 px head rail, a back 10 px wide and 50 px
        # long under it, the seat beside the back's lower half. The back is thin and long, but
        # it hangs under a part wider than a line: with ``limbs`` (no shelving in the image) a
        # limb of the chair, kept whole; without, cut as a shelving unit's upright is. The same
        # upright without the rail over it (a pole touching the seat) is cut either way.
        chair = np.zeros((200, 200), np.uint8)
        chair[100:111, 100:117] = 255  # the head rail
        chair[111:161, 102:112] = 255  # the back
        chair[135:161, 112:140] = 255  # the seat
        assert not thin_lines(chair, max_width=13, min_length=52, limbs=True).any()
        assert thin_lines(chair, max_width=13, min_length=52)[111:135, 102:112].all()
        pole = chair.copy()
        pole[100:111] = 0
        pole[60:111, 102:112] = 255
        lines = thin_lines(pole, max_width=13, min_length=52, limbs=True)
        assert lines[60:135, 102:112].all()

    def test_bad_parameters(self):
        with pytest.raises(InputError, match="max_width"):
            thin_lines(np.zeros((9, 9), np.uint8), max_width=13, min_length=10)


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

    def test_tall_bottle_is_not_cut_down_its_neck(self):
        # A 17 px wide body with a 7 px neck, 60 px tall in all: the columns through the neck
        # are long vertical runs, but across they are as wide as the body below.
        m = np.zeros((80, 60), np.uint8)
        m[25:70, 20:37] = 255
        m[10:25, 25:32] = 255
        lines = thin_lines(m, max_width=13, min_length=52)
        assert not lines[25:70].any()
        assert lines[10:25].any()  # the neck alone is thin (the paper's line width)


def _outline(segments: list[tuple[tuple[int, int], tuple[int, int]]], shape=(200, 240)) -> tuple[np.ndarray, np.ndarray]:
    """Thin edges drawn as line segments, and the cleaned map (3x3 dilated) the segmentation has."""
    edges = np.zeros(shape, np.uint8)
    for p, q in segments:
        cv2.line(edges, p, q, 255, 1)
    return edges, cv2.dilate(edges, np.ones((3, 3), np.uint8))


def _arch(gap: tuple[int, int] = (80, 120), top: int = 50, bottom: int = 150, left: int = 50, right: int = 190):
    """A box outline whose bottom edge is missing between x = gap[0] and gap[1]."""
    segs = [((left, bottom), (left, top)), ((left, top), (right, top)), ((right, top), (right, bottom))]
    if gap[0] > left:
        segs.append(((left, bottom), (gap[0], bottom)))
    if gap[1] < right:
        segs.append(((gap[1], bottom), (right, bottom)))
    return _outline(segs)


class TestLineEnds:
    def test_ends_of_a_polyline_and_nothing_along_it(self):
        edges, _ = _outline([((20, 150), (20, 40)), ((20, 40), (120, 40)), ((120, 40), (150, 90))])
        ends = set(zip(*line_ends(edges)))
        assert ends == {(150, 20), (90, 150)}  # (y, x)

    def test_two_pixel_thick_tip_is_an_end(self):
        edges, _ = _outline([((20, 100), (80, 100))])
        edges[101, 80] = 255  # the tip doubled: both tip pixels have two neighbours
        ys, xs = line_ends(edges)
        assert len(ys) >= 2 and min(xs) == 20 and max(xs) >= 79

    def test_opencv_5_point_layout(self, monkeypatch):
        # cv2.findNonZero gives (n, 1, 2) in OpenCV 4 and (n, 2) in OpenCV 5 (seen on a GPU
        # machine's image): the ends are the same either way.
        from fastiesi.stages import morphology

        edges, _ = _outline([((20, 150), (20, 40)), ((20, 40), (120, 40)), ((120, 40), (150, 90))])
        find = cv2.findNonZero
        monkeypatch.setattr(morphology.cv2, "findNonZero", lambda m: None if find(m) is None else find(m)[:, 0, :])
        assert set(zip(*line_ends(edges))) == {(150, 20), (90, 150)}

    def test_closed_loop_and_blob_have_no_ends(self):
        edges = np.zeros((100, 100), np.uint8)
        cv2.rectangle(edges, (20, 20), (70, 60), 255, 1)
        edges[80:90, 80:90] = 255
        ys, _ = line_ends(edges)
        assert ys.size == 0


_KW = {"min_area": 141, "min_solidity": 0.8, "max_gap_share": 0.35}


class TestCloseOpenBottoms:
    def _close(self, edges: np.ndarray, cleaned: np.ndarray, solid: np.ndarray | None = None) -> np.ndarray:
        return close_open_bottoms(edges, cleaned, cleaned.copy() if solid is None else solid, **_KW)

    def test_box_with_a_gap_in_its_bottom_is_filled(self):
        edges, cleaned = _arch()
        out = self._close(edges, cleaned)
        box = np.zeros_like(out)
        box[50:151, 50:191] = 255
        assert (out[box > 0] > 0).all()  # the whole box, its inside and the bridged gap
        beyond = cv2.dilate(box, np.ones((5, 5), np.uint8)) == 0  # 2 px off the box: nothing new
        assert np.array_equal(out[beyond], cleaned[beyond])

    def test_narrow_arch_open_all_along_its_bottom_is_filled(self):
        # A bottle whose base is lost: the sides end at the floor, nothing joins them.
        edges, cleaned = _outline([((100, 160), (100, 60)), ((100, 60), (120, 60)), ((120, 60), (120, 160))])
        out = self._close(edges, cleaned)
        assert (out[62:158, 103:118] > 0).all()

    def test_outline_open_at_the_top_is_not_filled(self):
        edges, cleaned = _outline([((50, 50), (50, 150)), ((50, 150), (190, 150)), ((190, 150), (190, 50))])
        assert np.array_equal(self._close(edges, cleaned), cleaned)

    def test_gap_wider_than_the_share_is_left_open(self):
        # A flat outline open over nearly all its bottom: the line would be most of the hole's
        # perimeter, and nothing says it is one object.
        edges, cleaned = _outline([((20, 120), (20, 100)), ((20, 100), (220, 100)), ((220, 100), (220, 120))])
        assert np.array_equal(self._close(edges, cleaned), cleaned)

    def test_two_outlines_are_not_joined(self):
        # Two separate L-shaped corners facing each other: ends of different outlines.
        edges, cleaned = _outline([((50, 150), (50, 50)), ((50, 50), (110, 50)),
                                   ((190, 150), (190, 50)), ((190, 50), (130, 50))])
        assert np.array_equal(self._close(edges, cleaned), cleaned)

    def test_arch_holding_other_objects_is_not_filled(self):
        # The floor or a wall seen between room lines holds objects (solid already): not one face.
        edges, cleaned = _arch()
        solid = cleaned.copy()
        solid[70:130, 70:170] = 255
        assert np.array_equal(self._close(edges, cleaned, solid), solid)

    def test_zero_gap_share_switches_it_off(self):
        edges, cleaned = _arch()
        solid = cleaned.copy()
        assert close_open_bottoms(edges, cleaned, solid, min_area=141, min_solidity=0.8, max_gap_share=0.0) is solid

    def test_nothing_to_close_returns_the_input(self):
        edges, cleaned = _outline([((10, 10), (60, 10))])
        solid = cleaned.copy()
        assert self._close(edges, cleaned, solid) is solid

    def test_bad_input(self):
        edges, cleaned = _arch()
        with pytest.raises(InputError, match="differ in shape"):
            close_open_bottoms(edges, cleaned[:-1], cleaned, **_KW)
        with pytest.raises(InputError, match="uint8"):
            close_open_bottoms(edges.astype(bool), cleaned, cleaned, **_KW)

    def test_crossing_test_matches_a_line_walk(self):
        # The vectorised, chunked test against walking each line a pixel step at a time.
        rng = np.random.default_rng(1)
        on = rng.random((120, 160)) < 0.01
        px, qx = rng.integers(0, 160, 400), rng.integers(0, 160, 400)
        py, qy = rng.integers(0, 120, 400), rng.integers(0, 120, 400)
        (got,) = _not_crossing(on, px, py, qx, qy, np.arange(400))
        want = []
        for i in range(400):
            n = max(abs(qx[i] - px[i]), abs(qy[i] - py[i]))
            path = [(int(np.rint(py[i] + (qy[i] - py[i]) * k / n)), int(np.rint(px[i] + (qx[i] - px[i]) * k / n)))
                    for k in range(3, n - 2)]
            if not any(on[y, x] for y, x in path):
                want.append(i)
        assert list(got) == want
