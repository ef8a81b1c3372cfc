"""Shake compensation (paper 2.3) against OpenCV's estimator and on known geometry."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from fastiesi import InputError
from fastiesi.stages.register import black_edge_crop, fit_rigid, warp_to_pre


def rigid(deg, tx, ty):
    t = math.radians(deg)
    return np.array([[math.cos(t), -math.sin(t), tx], [math.sin(t), math.cos(t), ty]])


class TestFitRigid:
    def test_exact_on_noiseless_points(self):
        rng = np.random.default_rng(0)
        src = rng.uniform(0, [800, 600], (30, 2))
        m = rigid(0.8, 6.0, -4.0)
        t = fit_rigid(src, src @ m[:, :2].T + m[:, 2])
        assert t.angle_deg == pytest.approx(0.8, abs=1e-9)
        np.testing.assert_allclose(t.translation, [6.0, -4.0], atol=1e-9)

    def test_against_opencv_with_noise_and_outliers(self):
        rng = np.random.default_rng(1)
        src = rng.uniform(0, [800, 600], (300, 2))
        m = rigid(-1.3, -12.0, 5.5)
        dst = src @ m[:, :2].T + m[:, 2] + rng.normal(0, 0.3, src.shape)
        dst[:40] += rng.uniform(-60, 60, (40, 2))  # objects that moved
        t = fit_rigid(src, dst)
        ref, _ = cv2.estimateAffinePartial2D(src, dst, method=cv2.LMEDS)
        assert t.angle_deg == pytest.approx(math.degrees(math.atan2(ref[1, 0], ref[0, 0])), abs=0.02)
        assert t.angle_deg == pytest.approx(-1.3, abs=0.02)
        np.testing.assert_allclose(t.translation, [-12.0, 5.5], atol=0.15)
        assert t.inliers >= 250

    def test_bad_points(self):
        with pytest.raises(InputError):
            fit_rigid(np.zeros((1, 2)), np.zeros((1, 2)))
        with pytest.raises(InputError):
            fit_rigid(np.zeros((5, 2)), np.zeros((4, 2)))


class TestCrop:
    def test_crop_is_fully_valid_and_near_maximal(self):
        post = np.full((600, 800, 3), 200, np.uint8)
        t = fit_rigid(np.array([[0.0, 0], [100, 0], [0, 100]]),
                      np.array([[0.0, 0], [100, 0], [0, 100]]) @ rigid(1.0, 10, -6)[:, :2].T + [10, -6])
        warped, valid = warp_to_pre(post, t)
        x, y, w, h = black_edge_crop(valid)
        assert (valid[y:y + h, x:x + w] == 255).all()
        # A 1 deg turn and a (10, -6) shift lose at most ~25 px per side on an 800x600 frame.
        assert w * h > 0.85 * 800 * 600

    def test_dark_object_at_the_edge_is_not_black_border(self):
        post = np.full((600, 800, 3), 200, np.uint8)
        post[:, :40] = 0  # a black cabinet against the left edge
        ident = fit_rigid(np.array([[0.0, 0], [1, 0], [0, 1]]), np.array([[0.0, 0], [1, 0], [0, 1]]))
        _, valid = warp_to_pre(post, ident)
        assert black_edge_crop(valid) == (0, 0, 800, 600)  # no warp, no black edge: all of it

    def test_nothing_valid(self):
        with pytest.raises(InputError, match="no valid area"):
            black_edge_crop(np.zeros((20, 20), np.uint8))
