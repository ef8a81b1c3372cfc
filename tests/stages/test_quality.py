"""Stable matching and the low-quality rule (paper 2.2)."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from fastiesi import InputError
from fastiesi.config import DEFAULT_CONFIG
from fastiesi.stages.quality import (StableMatches, detect_features, judge_quality, judge_spread,
                                     match_stable, within_iqr_fence)


def distances(head_value: float, tail_max: float, n: int = 50) -> np.ndarray:
    d = np.full(n, head_value)
    d[-1] = tail_max
    return d


class TestPaperRule:
    @pytest.mark.parametrize("a,b,level,rejected", [
        (1.5, 1.5, "none", False),
        (1.5, 4.4, "none", False),     # b - a = 2.9 <= 2a = 3.0
        (1.5, 4.6, "none", True),      # 3.1 > 3.0
        (5.0, 9.9, "slight", False),   # 4.9 <= a
        (5.0, 10.1, "slight", True),
        (2.229, 2.229, "slight", False),  # boundaries belong to the upper level
        (12.229, 12.229, "obvious", False),
        (20.0, 29.9, "obvious", False),  # 9.9 <= 0.5a = 10
        (20.0, 30.1, "obvious", True),
    ])
    def test_levels_and_rejection(self, a, b, level, rejected):
        v = judge_quality(distances(a, b))
        assert (v.level, v.rejected) == (level, rejected)
        assert v.mean_head == pytest.approx(a) and v.max_tail == pytest.approx(b)

    def test_head_is_the_first_80_percent(self):
        d = np.arange(1, 11, dtype=float)  # head 1..8 (mean 4.5), tail 9..10 (max 10)
        v = judge_quality(d)
        assert (v.mean_head, v.max_tail) == (4.5, 10.0)

    def test_subpixel_jitter_of_a_still_camera_is_not_rejected(self):
        # a = 0.2 px: the paper's 2a = 0.4 px would reject a 0.9 px point; the 1 px floor does not.
        assert not judge_quality(distances(0.2, 0.9)).rejected
        assert judge_quality(distances(0.2, 3.5)).rejected

    def test_too_few_matches(self):
        v = judge_quality(np.ones(5))
        assert v.rejected and "too few stable feature matches" in v.reason


class TestIqrFence:
    def test_against_numpy_quartiles(self):
        rng = np.random.default_rng(3)
        d = np.concatenate([rng.normal(5, 0.3, 200), [30.0, 45.0]])
        q1, q3 = np.percentile(d, [25, 75])
        keep = within_iqr_fence(d, k=1.5)
        np.testing.assert_array_equal(keep, d <= q3 + 1.5 * (q3 - q1))
        assert not keep[-2:].any() and keep[:200].mean() > 0.97


class TestMatching:
    def scene(self):
        rng = np.random.default_rng(5)
        img = cv2.GaussianBlur(rng.integers(0, 255, (300, 400), dtype=np.uint8), (0, 0), 1.5)
        return cv2.resize(img, (800, 600))

    def test_pure_translation_gives_its_distance(self):
        img = self.scene()
        shifted = cv2.warpAffine(img, np.float64([[1, 0, 7], [0, 1, -3]]), (800, 600), borderMode=cv2.BORDER_REFLECT)
        s = match_stable(detect_features(img), detect_features(shifted))
        assert len(s) > 50
        np.testing.assert_allclose(np.median(s.post - s.pre, axis=0), [7, -3], atol=0.3)

    @pytest.mark.parametrize("downscale", [1, 2, 3])
    def test_points_are_in_full_frame_coordinates(self, downscale):
        # A centred bright square's points lie symmetrically about its centre at any scale.
        img = np.full((240, 320), 40, np.uint8)
        img[100:160, 120:200] = 220
        cfg = dataclasses.replace(DEFAULT_CONFIG.quality, akaze_downscale=downscale)
        pts = detect_features(img, config=cfg).points
        assert len(pts) >= 4
        np.testing.assert_allclose(pts.mean(axis=0), [159.5, 129.5], atol=0.5)
        assert np.all((pts[:, 0] > 110) & (pts[:, 0] < 210) & (pts[:, 1] > 90) & (pts[:, 1] < 170))

    def test_bad_downscale(self):
        with pytest.raises(InputError, match="akaze_downscale"):
            detect_features(np.zeros((50, 50), np.uint8),
                            config=dataclasses.replace(DEFAULT_CONFIG.quality, akaze_downscale=0))

    def test_no_features(self):
        f = detect_features(np.full((100, 100), 7, np.uint8))
        assert len(f) == 0 and len(match_stable(f, f)) == 0

    def test_bad_input(self):
        with pytest.raises(InputError):
            detect_features(np.zeros((10, 10, 3), np.uint8))

    def test_spread(self):
        rng = np.random.default_rng(0)
        bunched = rng.uniform(100, 130, (40, 2))
        spread = rng.uniform(0, [800, 600], (40, 2))
        assert "cover only" in judge_spread(StableMatches(bunched, bunched, 40), (600, 800))
        assert judge_spread(StableMatches(spread, spread, 40), (600, 800)) is None


class TestPastRotation:
    """The consistency test read past the camera's turn (QualityConfig.judge_past_rotation)."""

    @staticmethod
    def turned(deg: float, shift: tuple[float, float], n: int = 200, seed: int = 0) -> StableMatches:
        # Background points over an 800x600 frame moved by a turn about the frame centre and a
        # shift, as the renderer's obvious shake does, with 0.3 px of localisation noise.
        rng = np.random.default_rng(seed)
        pre = rng.uniform(0, [800, 600], (n, 2))
        t = np.radians(deg)
        r = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        c = np.array([400.0, 300.0])
        post = (pre - c) @ r.T + c + np.asarray(shift) + rng.normal(0, 0.3, (n, 2))
        return StableMatches(pre, post, n)

    def test_a_pure_shift_keeps_its_distances(self):
        s = self.turned(0.0, (15.0, -4.0))
        np.testing.assert_allclose(s.distances_past_rotation(), s.distances, atol=0.05)

    def test_a_turn_leaves_the_shift_s_length(self):
        s = self.turned(1.0, (15.0, 5.0))
        past = s.distances_past_rotation()
        # Whatever the centre of the turn, a rigid motion less its rotation is one shift.
        assert past.std() < 0.5
        assert s.distances.max() - s.distances.min() > 10  # the raw distances spread with the turn

    def test_a_turned_camera_is_not_rejected_but_mismatches_are(self):
        s = self.turned(1.0, (14.0, 4.0))
        raw = judge_quality(s.distances)
        past = judge_quality(s.distances, past_rotation=s.distances_past_rotation())
        assert raw.rejected and not past.rejected  # the paper's raw reading rejects a plain turn
        assert (past.level, past.mean_head, past.max_tail) == (raw.level, raw.mean_head, raw.max_tail)
        bad = StableMatches(s.pre, s.post.copy(), len(s))
        bad.post[:15] += np.random.default_rng(1).uniform(-25, 25, (15, 2))  # pairs off the common motion
        v = judge_quality(bad.distances, past_rotation=bad.distances_past_rotation())
        assert v.rejected and "past the camera's turn" in v.reason

    def test_lengths_must_agree(self):
        with pytest.raises(InputError, match="past_rotation"):
            judge_quality(np.ones(50), past_rotation=np.ones(40))
