"""Depth-of-field regions (paper 3.1) on hand-made masks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi import InputError
from fastiesi.config import REGIONS
from fastiesi.stages.depth import (
    CENTRAL,
    FAR,
    NEAR,
    Arc,
    DepthRegions,
    inherit_from_tall,
    longest_edge_verticality,
    object_placement,
)


class TestArcs:
    @pytest.mark.parametrize("w,h", [(800, 600), (1920, 1080), (640, 480), (333, 251)])
    def test_arcs_pass_through_the_papers_points(self, w, h):
        near, far = DepthRegions((h, w)).boundary_rows(np.array([0.0, w / 2, w]))
        np.testing.assert_allclose(near, [0.9 * h, 0.75 * h, 0.9 * h], atol=1e-9)
        np.testing.assert_allclose(far, [0.6 * h, 0.4 * h, 0.6 * h], atol=1e-9)

    def test_arc_is_a_circle(self):
        arc = Arc(800, 540, 450)
        xs = np.linspace(0, 800, 17)
        ys = arc.y(xs)
        np.testing.assert_allclose(np.hypot(xs - 400, ys - arc.center_y), arc.radius, rtol=1e-12)

    def test_crop_origin_shifts_the_boundaries(self):
        full = DepthRegions((600, 800))
        crop = DepthRegions((600, 800), origin=(10, 20))
        n0, f0 = full.boundary_rows(np.array([110.0]))
        n1, f1 = crop.boundary_rows(np.array([100.0]))
        assert n1 == pytest.approx(n0 - 20) and f1 == pytest.approx(f0 - 20)


class TestRegionMap:
    def test_corners_and_centre(self):
        m = DepthRegions((600, 800)).region_map((600, 800))
        assert m.shape == (600, 800) and m.dtype == np.uint8
        assert m[599, 400] == NEAR and m[0, 0] == FAR and m[300, 400] == CENTRAL
        assert m[500, 400] == NEAR and m[500, 0] == CENTRAL   # the arc dips at the sides
        assert m[300, 0] == FAR and m[300, 400] == CENTRAL

    def test_every_pixel_matches_pointwise_rule(self):
        reg = DepthRegions((120, 160))
        m = reg.region_map((120, 160))
        rng = np.random.default_rng(1)
        for x, y in rng.integers(0, [160, 120], size=(200, 2)):
            assert m[y, x] == {"near": NEAR, "central": CENTRAL, "far": FAR}[reg.region_of_point(x, y)]

    @pytest.mark.parametrize("origin", [(0, 0), (6, 2), (13, 9)])
    @pytest.mark.parametrize("offset", [(0, 0), (300, 380), (790, 595), (-4, -3)])
    def test_mask_lookup_matches_the_arcs(self, origin, offset):
        rng = np.random.default_rng(origin[0])
        r = DepthRegions((600, 800), origin=origin)
        mask = rng.random((240, 160)) < 0.3  # partly beyond the frame at the last two offsets
        ys, xs = np.nonzero(mask)
        np.testing.assert_array_equal(r.codes_of_mask(mask, offset),
                                      r.region_codes(xs + offset[0], ys + offset[1]))

    def test_point_matches_the_arcs(self):
        rng = np.random.default_rng(3)
        r = DepthRegions((600, 800), origin=(7, 5))
        pts = rng.uniform(-20, 820, size=(2000, 2))
        codes = r.region_codes(pts[:, 0], pts[:, 1])
        assert [r.code_of_point(x, y) for x, y in pts] == codes.tolist()

    def test_bad_geometry(self):
        with pytest.raises(InputError):
            DepthRegions((0, 800))


def rect_mask(x, y, w, h, shape=(600, 800)):
    m = np.zeros(shape, bool)
    m[y:y + h, x:x + w] = True
    return m


class TestBoundaryRowRanges:
    @pytest.mark.parametrize("origin", [(0, 0), (13, 7)])
    def test_matches_the_dense_rows(self, origin):
        rng = np.random.default_rng(2)
        d = DepthRegions((600, 800), origin=origin)
        for _ in range(50):
            x0, x1 = sorted(rng.uniform(-20, 800, 2))
            xs = np.linspace(x0, x1, 2000)
            for (lo, hi), rows in zip(d.boundary_row_ranges(x0, x1), d.boundary_rows(xs)):
                assert lo == pytest.approx(rows.min(), abs=1e-3) and hi == pytest.approx(rows.max(), abs=1e-6)

    def test_placement_fast_path_agrees_with_pixel_codes(self):
        # Random blobs across the frame: the region found without a per-pixel lookup (objects
        # clear of the arcs) is the one every pixel has.
        rng = np.random.default_rng(5)
        d = DepthRegions((600, 800))
        codes = d.region_map((600, 800))
        for _ in range(200):
            x, y = int(rng.integers(0, 760)), int(rng.integers(0, 560))
            m = rng.random((40, 40)) < 0.7
            m[-1, 5] = True
            p = object_placement(m, d, offset=(x, y))
            own = codes[y:y + 40, x:x + 40][m]
            if not p.spans_regions:
                assert (own == own[0]).all() and p.region == REGIONS[int(own[0])]


class TestVerticality:
    def test_tall_and_flat_rectangles(self):
        assert longest_edge_verticality(rect_mask(100, 100, 30, 200)) == pytest.approx(1.0)
        assert longest_edge_verticality(rect_mask(100, 100, 200, 30)) == pytest.approx(0.0)

    def test_rotated_bar(self):
        m = np.zeros((400, 400), np.uint8)
        box = cv2.boxPoints(((200, 200), (300, 20), 30.0)).astype(np.int32)
        cv2.fillPoly(m, [box], 1)
        assert longest_edge_verticality(m.astype(bool)) == pytest.approx(np.sin(np.radians(30)), abs=0.03)

    def test_empty(self):
        with pytest.raises(InputError, match="empty"):
            longest_edge_verticality(np.zeros((10, 10), bool))


class TestObjectPlacement:
    reg = DepthRegions((600, 800))

    def test_single_region_object(self):
        p = object_placement(rect_mask(380, 280, 40, 30), self.reg)
        assert (p.region, p.spans_regions) == ("central", False)
        assert p.lowest_point == (399.5, 309.0)

    def test_tall_object_takes_its_lowest_points_region(self):
        # A wardrobe from y=150 (far) down to y=520 at the centre (near starts at 450 there).
        p = object_placement(rect_mask(370, 150, 60, 370), self.reg)
        assert p.spans_regions and p.tall and p.region == "near"

    def test_flat_spanning_object_takes_its_centroids_region(self):
        # A wide low sofa whose bottom edge dips into the near region but whose bulk is central.
        p = object_placement(rect_mask(250, 400, 300, 60), self.reg)
        assert p.spans_regions and not p.tall
        assert self.reg.region_of_point(400, 459) == "near"
        assert p.region == "central"

    def test_offset_crop_equals_full_mask(self):
        full = rect_mask(370, 150, 60, 370)
        crop = full[150:520, 370:430]
        a = object_placement(full, self.reg)
        b = object_placement(crop, self.reg, offset=(370, 150))
        assert a == b

    def test_objects_on_a_tall_object_inherit_its_region(self):
        tall_mask = rect_mask(370, 150, 60, 370)
        box_on_top = rect_mask(380, 120, 30, 28)          # rests on the wardrobe's top (y=150)
        elsewhere = rect_mask(100, 120, 30, 28)
        places = [object_placement(m, self.reg) for m in (tall_mask, box_on_top, elsewhere)]
        boxes = [(370, 150, 60, 370), (380, 120, 30, 28), (100, 120, 30, 28)]
        assert places[1].region == "far"
        assert inherit_from_tall(places, boxes, rest_gap_px=17) == ["near", "near", "far"]

    def test_bad_masks(self):
        with pytest.raises(InputError, match="empty"):
            object_placement(np.zeros((600, 800), bool), self.reg)
        with pytest.raises(InputError, match="2-D"):
            object_placement(np.zeros((2, 600, 800), bool), self.reg)
