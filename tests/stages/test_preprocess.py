"""Enhancement (paper 2.1.2-2.1.4) against SciPy/NumPy references and on behaviour."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy import ndimage

from fastiesi import InputError
from fastiesi.config import EnhanceConfig
from fastiesi.stages.preprocess import bilateral, enhance, equalize, expose, saliency


@pytest.fixture
def rng():
    return np.random.default_rng(0)


class TestEqualize:
    def test_local_adaptation(self):
        # Left half dim and flat-ish, right half bright: AHE stretches each half's own contrast.
        rng = np.random.default_rng(1)
        img = np.hstack([rng.integers(20, 50, (600, 400)), rng.integers(190, 220, (600, 400))]).astype(np.uint8)
        out = equalize(img)
        assert out.shape == img.shape and out.dtype == np.uint8
        assert out[:, :400].std() > 2 * img[:, :400].std() and out[:, 400:].std() > 2 * img[:, 400:].std()

    def test_colour_input_goes_gray(self, rng):
        assert equalize(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8)).shape == (120, 160)

    def test_bad_input(self):
        with pytest.raises(InputError):
            equalize(np.zeros((10, 10), np.float32))  # type: ignore[arg-type]


class TestExpose:
    @staticmethod
    def _frame(top: int) -> np.ndarray:
        # Grey levels spread evenly over 0..top, so the 99.5th percentile is close to top.
        return np.tile(np.linspace(0, top, 800), (600, 1)).round().astype(np.uint8)

    def test_a_well_exposed_frame_is_left_as_it_is(self):
        frame = self._frame(240)
        assert expose(frame) is frame

    def test_an_underexposed_frame_gets_the_gain_to_the_target(self):
        frame = self._frame(120)
        bright = int(np.percentile(frame, 99.5, method="inverted_cdf"))
        out = expose(frame)
        np.testing.assert_array_equal(out, cv2.convertScaleAbs(frame, alpha=204 / bright))
        assert abs(float(np.percentile(out, 99.5)) - 204) <= 1

    def test_the_gain_is_capped(self):
        # Its brightest 0.5 % at grey 20: lifting it to 204 would take a gain of 10; it gets 4.
        frame = self._frame(20)
        np.testing.assert_array_equal(expose(frame), cv2.convertScaleAbs(frame, alpha=4.0))

    def test_black_frame_and_switched_off(self):
        black = np.zeros((60, 80), np.uint8)
        assert expose(black) is black
        frame = self._frame(120)
        assert expose(frame, config=EnhanceConfig(exposure_target=0)) is frame

    def test_a_dim_store_keeps_its_complexity(self):
        # A shelf-dense scene (its brightest 0.5 % at grey 230) shot at 60 % exposure: with the
        # gain (to 204, so (204/230)^2 of the power at best), its PSD (Eq. 7, on the enhanced
        # frame) keeps three quarters of the well-exposed one's; without it, the AHE's clip
        # limit leaves it near half (the store would read as a plainer scene).
        from fastiesi.stages.complexity import power_spectral_density
        from fastiesi.synth.scene import render_intensity

        gray = cv2.cvtColor(render_intensity(7, seed=0, layout="store").pre, cv2.COLOR_BGR2GRAY)
        dim = (gray * 0.6).astype(np.uint8)
        psd = lambda g, **kw: power_spectral_density(enhance(g, **kw).filtered)
        normal = psd(gray)
        assert 0.75 * normal <= psd(dim) <= normal
        assert psd(dim, config=EnhanceConfig(exposure_target=0)) < 0.6 * normal

    def test_bad_input(self):
        with pytest.raises(InputError):
            expose(np.zeros((10, 10), np.float32))  # type: ignore[arg-type]
        with pytest.raises(InputError, match="exposure_percentile"):
            expose(self._frame(100), config=EnhanceConfig(exposure_percentile=0.0))


class TestBilateral:
    def test_smooths_noise_keeps_the_step(self, rng):
        step = np.where(np.arange(200)[None, :] < 100, 60, 190).repeat(100, 0).astype(np.float32)
        noisy = np.clip(step + rng.normal(0, 6, step.shape), 0, 255).astype(np.uint8)
        out = bilateral(noisy, config=EnhanceConfig(bilateral_sigma_color=30))
        assert out[:, 10:90].std() < 0.8 * noisy[:, 10:90].std()
        assert abs(int(out[:, 98].mean()) - 60) < 8 and abs(int(out[:, 101].mean()) - 190) < 8


class TestSaliency:
    def test_matches_scipy_centre_surround(self, rng):
        img = cv2.GaussianBlur(rng.integers(0, 255, (90, 120), dtype=np.uint8), (0, 0), 2)
        cfg = EnhanceConfig()
        g = img.astype(np.float64)
        ref = np.abs(ndimage.gaussian_filter(g, cfg.saliency_center_sigma, mode="mirror", truncate=4.0)
                     - ndimage.gaussian_filter(g, cfg.saliency_surround_sigma, mode="mirror", truncate=4.0))
        ref = ref * 255.0 / ref.max()
        assert np.abs(saliency(img).astype(float) - ref).max() <= 3.0

    @pytest.mark.parametrize("downscale", [1, 2, 3])
    def test_matches_scipy_at_frame_size_whatever_the_surround_scale(self, rng, downscale):
        img = cv2.GaussianBlur(rng.integers(0, 255, (600, 800), dtype=np.uint8), (0, 0), 2)
        cfg = EnhanceConfig(saliency_surround_downscale=downscale)
        g = img.astype(np.float64)
        ref = np.abs(ndimage.gaussian_filter(g, cfg.saliency_center_sigma, mode="mirror", truncate=4.0)
                     - ndimage.gaussian_filter(g, cfg.saliency_surround_sigma, mode="mirror", truncate=4.0))
        ref = ref * 255.0 / ref.max()
        err = np.abs(saliency(img, config=cfg).astype(float) - ref)
        assert err.max() <= 3.0 and err.mean() <= 0.6

    def test_bad_surround_scale(self):
        with pytest.raises(InputError, match="saliency_surround_downscale"):
            saliency(np.zeros((50, 50), np.uint8), config=EnhanceConfig(saliency_surround_downscale=0))

    def test_flat_image_has_no_saliency(self):
        assert not saliency(np.full((50, 50), 90, np.uint8)).any()

    def test_object_on_flat_wall_is_salient(self):
        img = np.full((200, 200), 120, np.uint8)
        img[90:110, 90:110] = 30
        e = enhance(img)
        assert e.salient[100, 90] == 255 and e.salient[10, 10] == 0
        assert set(np.unique(e.salient)) <= {0, 255}
