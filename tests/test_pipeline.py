"""The front half of the pipeline (2.1-2.3) end to end on scenes with known truth."""

from __future__ import annotations

import numpy as np
import pytest

from fastiesi import assess
from fastiesi.pipeline import Reference
from fastiesi.synth import SceneSpec, render_pair


def inverse_truth(pair):
    m = np.array(pair.truth.affine_pre_to_post)
    r = m[:, :2].T
    return r, -r @ m[:, 2]


class TestShakeCompensation:
    def test_known_shake_recovered(self):
        pair = render_pair(SceneSpec(seed=3, initial_intensity=6, shake_deg=0.8, shake_px=(6.0, -4.0),
                                     noise_sigma=2.0, jpeg_quality=85))
        a = assess(pair.pre, pair.post)
        r_true, t_true = inverse_truth(pair)
        assert a.shake.level == pair.truth.shake_level == "slight"
        assert a.shake.rotation_deg == pytest.approx(-0.8, abs=0.05)
        np.testing.assert_allclose(a.shake.translation_px, t_true, atol=0.2)
        x, y, w, h = a.crop
        assert 0.9 * 800 * 600 < w * h < 800 * 600

    def test_identical_frames(self):
        pair = render_pair(SceneSpec(seed=4, initial_intensity=5))
        a = assess(pair.pre, pair.pre)
        assert a.status == "ok" and a.shake.level == "none"
        assert a.shake.mean_distance_px == 0.0 and a.crop == (0, 0, 800, 600)
        # Identical frames: nothing moved, so the method says "V or lower".
        assert not any(o.moved for o in a.objects) and a.falls == 0
        assert a.intensity == 5 and a.rating.nothing_moved

    def test_lighting_change_alone_is_not_rejected(self):
        pair = render_pair(SceneSpec(seed=6, initial_intensity=6, lighting=1.0, noise_sigma=2.0, jpeg_quality=80))
        a = assess(pair.pre, pair.post)
        assert a.status != "rejected" and a.shake.level == "none"


class TestRejection:
    def test_different_room(self):
        a = assess(render_pair(SceneSpec(seed=1)).pre, render_pair(SceneSpec(seed=51)).post)
        assert a.status == "rejected" and a.intensity is None and "stable feature matches" in a.reason

    def test_mostly_black_post(self):
        pair = render_pair(SceneSpec(seed=2))
        a = assess(pair.pre, (pair.post * 0.03).astype(np.uint8))
        assert a.status == "rejected"

    def test_cli_exit_3(self, cli, tmp_path):
        import cv2
        cv2.imwrite(str(tmp_path / "pre.png"), render_pair(SceneSpec(seed=1)).pre)
        cv2.imwrite(str(tmp_path / "post.png"), render_pair(SceneSpec(seed=51)).post)
        code, out, _ = cli("assess", str(tmp_path / "pre.png"), str(tmp_path / "post.png"))
        assert code == 3 and "rejected:" in out


class TestReference:
    def test_reference_reuse_gives_the_same_result(self):
        pair = render_pair(SceneSpec(seed=3, shake_deg=0.5, shake_px=(4.0, 2.0)))
        ref = Reference.from_frame(pair.pre)
        a, b = assess(pair.pre, pair.post), assess(ref, pair.post)
        assert a.shake == b.shake and a.crop == b.crop
        assert b.inputs["pre"] == a.inputs["pre"] == "<pre array>"
        # The cached frame-wide segmentation gives the very same objects and intensity.
        assert a.intensity == b.intensity and a.classes == b.classes and a.objects == b.objects
