"""Connected components with statistics and the paper's screens (4.2.3), against SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from fastiesi.errors import InputError
from fastiesi.stages.components import component_thickness, label_components, screen_components


class TestLabelComponents:
    @pytest.mark.parametrize("seed", range(4))
    def test_matches_scipy_8_connectivity(self, seed):
        rng = np.random.default_rng(seed)
        m = (rng.random((50, 70)) < 0.35).astype(np.uint8) * 255
        c = label_components(m)
        ref, n = ndi.label(m > 0, structure=np.ones((3, 3)))
        assert c.count == n
        # Same partition (label numbers may differ): areas and centroids agree as sets.
        ref_areas = np.bincount(ref.ravel())[1:]
        assert sorted(c.areas[1:]) == sorted(ref_areas)
        ref_cents = np.array(ndi.center_of_mass(m > 0, ref, range(1, n + 1)))[:, ::-1]
        ours = c.centroids[1:]
        np.testing.assert_allclose(np.sort(ours, axis=0), np.sort(ref_cents, axis=0), atol=1e-9)

    def test_boxes_and_masks(self):
        m = np.zeros((20, 30), np.uint8)
        m[3:8, 4:14] = 255
        c = label_components(m)
        assert c.count == 1 and tuple(c.boxes[1]) == (4, 3, 10, 5) and c.areas[1] == 50
        mask, off = c.mask(1)
        assert off == (4, 3) and mask.all() and mask.shape == (5, 10)

    def test_wrong_type(self):
        with pytest.raises(InputError):
            label_components(np.zeros((4, 4), np.int32))  # type: ignore[arg-type]


class TestScreens:
    def test_thickness_of_a_bar(self):
        m = np.zeros((40, 100), np.uint8)
        m[10:19, 10:90] = 255  # 9 px thick
        t = component_thickness(label_components(m))
        assert 8 <= t[1] <= 10

    def test_short_pieces_and_lines_are_not_objects(self):
        m = np.zeros((120, 200), np.uint8)
        m[10:20, 10:20] = 255  # 10 px long: below the 17 px minimum length
        m[40:44, 10:190] = 255  # a 4 px line: a seam
        m[60:100, 20:60] = 255  # a 40x40 object
        m[60:110, 100:110] = 255  # a 10x50 bottle: thin, but only 5x longer than thick
        c = label_components(m)
        keep = screen_components(c, min_length=17, max_line_width=13, line_elongation=6.0)
        kept = {tuple(int(v) for v in c.boxes[i]) for i in np.nonzero(keep)[0]}
        assert kept == {(20, 60, 40, 40), (100, 60, 10, 50)}
        assert not keep[0]

    @pytest.mark.parametrize("seed", range(3))
    def test_thickness_matches_scipy_edt(self, seed):
        rng = np.random.default_rng(seed)
        m = ndi.binary_opening(rng.random((80, 120)) < 0.55, np.ones((3, 3))).astype(np.uint8) * 255
        m[[0, -1], :] = 0  # away from the frame edge, where "outside" has no single reading
        m[:, [0, -1]] = 0
        c = label_components(m)
        edt = ndi.distance_transform_edt(c.labels > 0)
        ref = 2.0 * np.asarray(ndi.maximum(edt, c.labels, range(1, c.count + 1)))
        np.testing.assert_allclose(component_thickness(c)[1:], ref, atol=1e-3)

    def test_crop_equals_the_whole_frame_transform_at_the_edges_too(self):
        import cv2

        rng = np.random.default_rng(7)
        m = ndi.binary_opening(rng.random((60, 90)) < 0.6, np.ones((3, 3))).astype(np.uint8) * 255
        c = label_components(m)
        full = cv2.distanceTransform((c.labels > 0).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
        ref = 2.0 * np.asarray(ndi.maximum(full, c.labels, range(1, c.count + 1)))
        np.testing.assert_allclose(component_thickness(c)[1:], ref, atol=1e-4)

    @pytest.mark.parametrize("seed", range(3))
    def test_screen_shortcut_agrees_with_the_full_rule(self, seed):
        # The screen skips the distance transform where the box bounds decide; same answer.
        rng = np.random.default_rng(seed)
        m = np.zeros((300, 400), np.uint8)
        for _ in range(40):
            x, y = rng.integers(0, 380), rng.integers(0, 280)
            w, h = rng.integers(2, 120), rng.integers(2, 60)
            m[y:y + h, x:x + w] = 255
        c = label_components(m)
        thick = component_thickness(c)
        length = np.maximum(c.boxes[:, 2], c.boxes[:, 3])
        ref = (length >= 17) & ~((thick <= 13) & (length >= 4.0 * np.maximum(thick, 1.0)))
        ref[0] = False
        np.testing.assert_array_equal(screen_components(c, min_length=17, max_line_width=13, line_elongation=4.0), ref)
