"""The synthetic scene generator: its truth checked against the pixels it renders and against
OpenCV's own estimates, not against itself."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from fastiesi import InputError
from fastiesi.config import OBJECT_CLASSES
from fastiesi.stages.classify import classify_area
from fastiesi.synth import SceneSpec, render_intensity, render_pair, shake_statistics


@pytest.fixture(scope="module")
def still_pair():
    """A pair with movement but no shake, light change, noise or compression."""
    return render_intensity(8, seed=11)


class TestTruth:
    def test_deterministic(self):
        a, b = render_pair(SceneSpec(seed=5)), render_pair(SceneSpec(seed=5))
        np.testing.assert_array_equal(a.pre, b.pre)
        np.testing.assert_array_equal(a.post, b.post)
        assert a.truth.to_dict() == b.truth.to_dict()

    def test_areas_fall_in_table1_for_their_region(self, still_pair):
        for o in still_pair.truth.objects:
            assert classify_area(o.area, o.region) == o.object_class, o

    def test_counts_and_rating_agree(self, still_pair):
        t = still_pair.truth
        assert t.total == tuple(sum(o.object_class == c for o in t.objects) for c in OBJECT_CLASSES)
        assert t.intensity == 8 and t.rating.rule in ("k2", "k3")
        assert all(m <= n for m, n in zip(t.moved, t.total))

    def test_pixels_change_exactly_where_objects_moved(self, still_pair):
        t = still_pair.truth
        diff = np.abs(still_pair.pre.astype(int) - still_pair.post.astype(int)).max(axis=2) > 0
        allowed = np.zeros_like(diff)
        for o in t.objects:
            if o.moved:
                for x, y, w, h in (o.bbox_before, o.bbox_after):
                    # the box plus its soft contact shadow below and beside it
                    allowed[max(0, y - 2):y + h + h // 6 + 8, max(0, x - 6):x + w + 6] = True
        assert diff.any() and not (diff & ~allowed).any()
        for o in t.objects:
            x, y, w, h = o.bbox_before
            if not o.moved and not any(
                    _overlap(o.bbox_before, m.bbox_before) or _overlap(o.bbox_before, m.bbox_after)
                    for m in t.objects if m.moved):
                assert not diff[y:y + h, x:x + w].any(), o

    def test_falls_follow_the_papers_criterion(self):
        pair = render_intensity(7, seed=4, falls=True)
        t = pair.truth
        fallen = [o for o in t.objects if o.fell]
        assert t.falls == len(fallen) >= 1 and t.rating.corrections[0] == "fall"
        for o in fallen:
            assert o.centroid_after[1] - o.centroid_before[1] > 3 * max(o.bbox_before[2:])
            assert o.object_class == "small_objects" and o.on_shelf

    @pytest.mark.parametrize("intensity", [5, 6, 7, 8, 9])
    def test_every_intensity_renders(self, intensity):
        t = render_intensity(intensity, seed=intensity + 20).truth
        assert t.intensity == intensity and t.rating.corrections == ()


def _overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


class TestShake:
    @pytest.mark.parametrize("deg,px", [(0.8, (6.0, -4.0)), (-0.4, (-15.0, 7.0))])
    def test_opencv_recovers_the_truth_affine(self, deg, px):
        spec = SceneSpec(seed=3, initial_intensity=None, shake_deg=deg, shake_px=px)
        pair = render_pair(spec)
        akaze = cv2.AKAZE_create()
        k1, d1 = akaze.detectAndCompute(cv2.cvtColor(pair.pre, cv2.COLOR_BGR2GRAY), None)
        k2, d2 = akaze.detectAndCompute(cv2.cvtColor(pair.post, cv2.COLOR_BGR2GRAY), None)
        matches = [m for m, n in cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(d1, d2, k=2) if m.distance < 0.8 * n.distance]
        src = np.float32([k1[m.queryIdx].pt for m in matches])
        dst = np.float32([k2[m.trainIdx].pt for m in matches])
        est, _ = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=1.0)
        truth = np.array(pair.truth.affine_pre_to_post)
        assert math.degrees(math.atan2(est[1, 0], est[0, 0])) == pytest.approx(deg, abs=0.05)
        # compare where the transforms send the frame's corners: within half a pixel
        corners = np.float64([[0, 0], [800, 0], [0, 600], [800, 600]])
        np.testing.assert_allclose(corners @ est[:, :2].T + est[:, 2], corners @ truth[:, :2].T + truth[:, 2], atol=0.5)

    def test_levels(self):
        ident = np.hstack([np.eye(2), np.zeros((2, 1))])
        assert shake_statistics(ident, 800, 600)[1] == "none"
        shift = ident.copy(); shift[0, 2] = 5.0
        a, level = shake_statistics(shift, 800, 600)
        assert a == pytest.approx(5.0) and level == "slight"
        shift[0, 2] = 13.0
        assert shake_statistics(shift, 800, 600)[1] == "obvious"

    def test_obvious_shake_scene_carries_the_correction(self):
        t = render_intensity(8, seed=2, shake="obvious").truth
        assert t.shake_level == "obvious" and t.rating.initial == 7 and "camera_shake" in t.rating.corrections


class TestPhotometric:
    def test_lighting_changes_only_the_post_frame(self):
        base = render_pair(SceneSpec(seed=8, initial_intensity=5))
        lit = render_pair(SceneSpec(seed=8, initial_intensity=5, lighting=1.0))
        np.testing.assert_array_equal(base.pre, lit.pre)
        assert np.abs(base.post.astype(int) - lit.post.astype(int)).mean() > 5

    def test_noise_and_jpeg(self):
        clean = render_pair(SceneSpec(seed=8, initial_intensity=5))
        noisy = render_pair(SceneSpec(seed=8, initial_intensity=5, noise_sigma=3.0, jpeg_quality=70))
        err = (clean.pre.astype(float) - noisy.pre.astype(float)).std()
        assert 1.0 < err < 8.0 and noisy.truth.to_dict()["objects"] == clean.truth.to_dict()["objects"]


class TestBadSpecs:
    def test_bad_intensity(self):
        with pytest.raises(InputError):
            render_pair(SceneSpec(initial_intensity=4))
        with pytest.raises(InputError):
            render_intensity(10, seed=0)

    def test_fall_needs_vii(self):
        with pytest.raises(InputError, match="VII"):
            render_intensity(5, seed=0, falls=True)
