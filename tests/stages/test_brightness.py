"""Brightness compensation between the frames (paper 2.1.2 across the pair): recovery of a known
lighting change, robustness to what moved, the no-op and refusal cases, bad input."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi import InputError
from fastiesi.config import BrightnessConfig
from fastiesi.stages.brightness import (
    BrightnessModel,
    compensate_brightness,
    fit_brightness,
)


def _scene(seed: int, shape: tuple[int, int] = (600, 800)) -> np.ndarray:
    """A textured gray frame: smooth blobs of every level plus fine texture."""
    rng = np.random.default_rng(seed)
    coarse = cv2.resize(rng.uniform(30, 220, (12, 16)).astype(np.float32), shape[::-1], interpolation=cv2.INTER_CUBIC)
    fine = cv2.GaussianBlur(rng.normal(0, 12, shape).astype(np.float32), (0, 0), 1.5)
    return np.clip(coarse + fine, 0, 255).astype(np.uint8)


def _relit(gray: np.ndarray, model: BrightnessModel, noise: float = 2.0, seed: int = 5) -> np.ndarray:
    g = model.gain_map(gray.shape)
    out = gray.astype(np.float32) * g + model.offset
    out += np.random.default_rng(seed).normal(0, noise, gray.shape).astype(np.float32)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


DIMMED = BrightnessModel((0.7, 0.12, -0.08, 0.02, 0.0, -0.03), -9.0, 1.0)  # a side of the room dimmer


class TestFitBrightness:
    def test_recovers_a_known_lighting_change(self):
        pre = _scene(0)
        post = _relit(pre, DIMMED)
        fit = fit_brightness(pre, post)
        truth, got = DIMMED.gain_map(pre.shape), fit.gain_map(pre.shape)
        assert np.abs(got - truth).max() < 0.02
        assert abs(fit.offset - DIMMED.offset) < 2.0

    def test_what_moved_does_not_bias_the_fit(self):
        pre = _scene(1)
        post = _relit(pre, DIMMED)
        # A quarter of the frame changed: dark furniture arrived, a bright box left.
        post[50:250, 100:400] = 20
        post[350:500, 450:700] = 245
        fit = fit_brightness(pre, post)
        assert np.abs(fit.gain_map(pre.shape) - DIMMED.gain_map(pre.shape)).max() < 0.03
        assert fit.inlier_fraction < 0.95  # the changed samples carry no weight

    def test_a_small_shake_does_not_bias_the_fit(self):
        pre = _scene(2)
        shaken = np.roll(pre, (3, -4), axis=(0, 1))
        fit = fit_brightness(pre, _relit(shaken, DIMMED))
        assert np.abs(fit.gain_map(pre.shape) - DIMMED.gain_map(pre.shape)).max() < 0.04

    @pytest.mark.parametrize("pre, post", [
        (np.zeros((60, 80), np.uint8), np.zeros((60, 81), np.uint8)),
        (np.zeros((60, 80, 3), np.uint8), np.zeros((60, 80, 3), np.uint8)),
        (np.zeros((20, 20), np.uint8), np.zeros((20, 20), np.uint8)),
    ])
    def test_bad_input(self, pre, post):
        with pytest.raises(InputError):
            fit_brightness(pre, post)


class TestCompensateBrightness:
    def test_brings_the_post_frame_to_the_pre_frame(self):
        pre = _scene(3)
        post = _relit(pre, DIMMED)
        out, model = compensate_brightness(post, pre)
        assert model is not None and out.dtype == np.uint8 and out.shape == pre.shape
        before = np.abs(post.astype(int) - pre).mean()
        after = np.abs(out.astype(int) - pre).mean()
        assert before > 20 and after < 3.5  # the noise (sigma 2, amplified by 1/gain) is what is left

    def test_unchanged_lighting_leaves_the_frame_bit_for_bit(self):
        pre = _scene(4)
        post = _relit(pre, BrightnessModel((1, 0, 0, 0, 0, 0), 0.0, 1.0))
        out, model = compensate_brightness(post, pre)
        assert model is None and out is post

    def test_off_in_the_config(self):
        pre = _scene(5)
        post = _relit(pre, DIMMED)
        out, model = compensate_brightness(post, pre, config=BrightnessConfig(enabled=False))
        assert model is None and out is post

    def test_a_frame_of_another_scene_is_left_as_it_is(self):
        # Nothing in common: the fit finds no gain to undo (or too few agreeing samples).
        pre = _scene(6)
        post = np.random.default_rng(7).integers(0, 256, pre.shape, dtype=np.uint8)
        out, model = compensate_brightness(post, pre)
        assert model is None and out is post

    def test_keeps_a_moved_object_as_a_change(self):
        pre = _scene(8)
        post = _relit(pre, DIMMED)
        post[200:300, 300:420] = 15  # something dark arrived
        out, _ = compensate_brightness(post, pre)
        inside = np.abs(out[210:290, 310:410].astype(int) - pre[210:290, 310:410]).mean()
        outside = np.abs(out[400:, :].astype(int) - pre[400:, :]).mean()
        assert inside > 40 and outside < 3.5

    def test_describe(self):
        d = DIMMED.describe((600, 800))
        assert set(d) == {"gain_min", "gain_max", "offset", "inlier_fraction"}
        assert d["gain_min"] < d["gain_max"] and d["offset"] == -9.0
