"""Power spectral density (Eq. 7), complexity levels and the local PSD map (4.1, 4.3)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.config import ComplexityConfig
from fastiesi.errors import InputError
from fastiesi.stages.complexity import (
    complexity_from_power,
    complexity_level,
    complexity_map,
    detail_power,
    fast_dft_window,
    high_blocks,
    highpass,
    highpass_transfer,
    power_spectral_density,
)


class TestHighpass:
    def test_transfer_is_zero_at_dc_and_tends_to_one(self):
        h = highpass_transfer((64, 64), 0.05)
        assert h[0, 0] == 0.0 and h.max() > 0.99 and h.shape == (64, 33)

    def test_matches_direct_fft_with_full_spectrum(self):
        # Eq. 7 literally: full complex FFT, H on the full grid, inverse FFT, |.|^2 / (H W).
        rng = np.random.default_rng(0)
        img = rng.integers(0, 256, (48, 64)).astype(np.uint8)
        cut = 0.05
        fy = np.fft.fftfreq(48)[:, None]
        fx = np.fft.fftfreq(64)[None, :]
        h = 1 - np.exp(-(fx**2 + fy**2) / (2 * cut**2))
        ref = np.abs(np.fft.ifft2(h * np.fft.fft2(img.astype(float)))) ** 2
        cfg = ComplexityConfig(highpass_cutoff=cut)
        # The NumPy path runs OpenCV's float32 DFT: agreement to float32 precision.
        assert power_spectral_density(img, config=cfg) == pytest.approx(ref.sum() / img.size, rel=1e-6)
        np.testing.assert_allclose(highpass(img, config=cfg) ** 2, ref, rtol=1e-4, atol=1e-2)

    def test_constant_image_has_zero_psd(self):
        assert power_spectral_density(np.full((30, 40), 254, np.uint8)) == pytest.approx(0.0, abs=1e-9)

    def test_bounded_by_254_squared(self):
        # The paper's range ends at 64,516 = 254^2: a filter of gain <= 1 on 8-bit data stays below.
        rng = np.random.default_rng(1)
        img = (rng.integers(0, 2, (60, 80)) * 254).astype(np.uint8)
        assert power_spectral_density(img) < 254**2

    def test_more_detail_more_psd(self):
        rng = np.random.default_rng(2)
        noise = rng.integers(0, 256, (120, 160)).astype(np.uint8)
        smooth = cv2.GaussianBlur(noise, (0, 0), 8)
        assert power_spectral_density(noise) > power_spectral_density(smooth)

    def test_bad_input(self):
        with pytest.raises(InputError):
            power_spectral_density(np.zeros((3, 3, 3), np.uint8))


class TestLevels:
    @pytest.mark.parametrize("psd,level", [(0.0, "low"), (1539.9, "low"), (1540.0, "mixed"), (1950.0, "mixed"),
                                           (1950.01, "high"), (60000.0, "high")])
    def test_paper_ranges(self, psd, level):
        assert complexity_level(psd) == level


class TestComplexityMap:
    def test_global_psd_is_mean_of_pair(self):
        rng = np.random.default_rng(3)
        a = rng.integers(0, 256, (60, 80)).astype(np.uint8)
        b = cv2.GaussianBlur(a, (0, 0), 2)
        m = complexity_map(a, b)
        assert m.psd == pytest.approx((power_spectral_density(a) + power_spectral_density(b)) / 2)

    def test_mixed_image_marks_its_busy_blocks(self):
        rng = np.random.default_rng(4)
        img = np.full((240, 320), 128, np.uint8)
        img[:, :80] = rng.integers(0, 256, (240, 80))  # the left quarter is busy
        cfg = ComplexityConfig(psd_low_max=10.0, psd_high_min=2000.0)  # busy blocks ~5400, image ~1400
        m = complexity_map(img, config=cfg)
        assert m.level == "mixed"
        assert m.high_mask[:, :60].all() and not m.high_mask[:, 120:].any()

    def test_low_image_read_as_mixed_is_split_by_its_local_psd(self):
        # The busy quarter of a quiet image: its mean PSD (~1400) is low by the paper's ranges;
        # read as mixed, its high region is where a mixed reading of the same blocks puts it.
        rng = np.random.default_rng(4)
        img = np.full((240, 320), 128, np.uint8)
        img[:, :80] = rng.integers(0, 256, (240, 80))
        low = complexity_map(img, config=ComplexityConfig(psd_low_max=1800.0, psd_high_min=2000.0))
        assert low.level == "low" and not low.high_mask.any() and not low.shelving_in_low
        mixed = complexity_map(img, config=ComplexityConfig(psd_low_max=10.0, psd_high_min=2000.0))
        read = low.read_as_mixed(config=ComplexityConfig(psd_low_max=1800.0, psd_high_min=2000.0))
        assert read.level == "mixed" and read.shelving_in_low and read.psd == low.psd
        np.testing.assert_array_equal(read.high_mask, mixed.high_mask)
        np.testing.assert_array_equal(read.local_psd, low.local_psd)

    def test_low_image_has_no_high_region(self):
        m = complexity_map(np.full((60, 80), 100, np.uint8))
        assert m.level == "low" and not m.high_mask.any()

    def test_shapes_must_agree(self):
        with pytest.raises(InputError):
            complexity_map(np.zeros((10, 10), np.uint8), np.zeros((10, 12), np.uint8))


def _seven_smooth(n: int) -> bool:
    for p in (2, 3, 5, 7):
        while n % p == 0:
            n //= p
    return n == 1


class TestFastDftWindow:
    def test_optimal_sizes_are_kept_whole(self):
        assert fast_dft_window((600, 800)) == (slice(0, 600), slice(0, 800))

    @pytest.mark.parametrize("shape", [(571, 763), (587, 797), (599, 799), (13, 11), (1, 1)])
    def test_largest_centred_window_of_fast_sides(self, shape):
        rows, cols = fast_dft_window(shape)
        for side, sl in zip(shape, (rows, cols)):
            n = sl.stop - sl.start
            assert 0 <= sl.start and sl.stop <= side and _seven_smooth(n)
            assert not any(_seven_smooth(m) for m in range(n + 1, side + 1))  # the largest such
            assert abs(sl.start - (side - sl.stop)) <= 1  # centred

    def test_power_on_a_window_masks_the_whole_image(self):
        rng = np.random.default_rng(5)
        img = np.full((571, 763), 128, np.uint8)
        img[:, :200] = rng.integers(0, 256, (571, 200))
        win = fast_dft_window(img.shape)
        cfg = ComplexityConfig(psd_low_max=10.0, psd_high_min=2000.0)
        m = complexity_from_power(detail_power(img[win]), config=cfg, shape=img.shape)
        assert m.high_mask.shape == img.shape and m.level == "mixed"
        assert m.high_mask[:, :150].all() and not m.high_mask[:, 400:].any()


class TestHighBlocks:
    def test_majority_matches_scipy(self):
        from scipy import ndimage as ndi

        rng = np.random.default_rng(3)
        local = rng.uniform(1000, 3000, (8, 8))
        ref = ndi.median_filter(local > 1950, size=3, mode="nearest")
        np.testing.assert_array_equal(high_blocks(local, 1950.0), ref)

    def test_shelving_gap_joins_and_lone_block_drops(self):
        local = np.full((8, 8), 800.0)
        local[:4, :6] = 2500.0  # shelving across the top
        local[1, 2] = 1700.0  # one of its blocks dips (a board)
        local[6, 7] = 2600.0  # a lone busy block on the floor
        high = high_blocks(local, 1950.0)
        assert high[1, 2] and not high[6, 7]
        assert high[:3, 1:5].all() and not high[5:].any()

    def test_needs_a_grid(self):
        with pytest.raises(InputError, match="block grid"):
            high_blocks(np.ones(8), 1950.0)
