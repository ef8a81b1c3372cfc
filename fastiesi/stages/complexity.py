"""Image complexity by power spectral density (paper 4.1, Eq. 7).

    PSD = | F^-1[ H(u, v) . F(I) ] |^2 / (H x W)     (summed over the image)

The paper does not give the filter H. Our choice (config.ComplexityConfig): a Gaussian
high-pass, ``H = 1 - exp(-D^2 / (2 D0^2))`` with D the radial frequency in cycles per pixel.
It removes the mean and the slow illumination gradients, so the PSD is the power of the detail
an image holds: low for walls and floors, high where shelves of goods crowd the frame. I is the
enhanced 8-bit gray image (2.1), so the PSD is in squared grey levels, bounded by 254^2 = 64,516
as the paper's range is.

For mixed-complexity images (4.3, last paragraph) the same filtered power averaged over blocks
gives a local PSD; blocks above the high threshold are high-complexity regions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from ..backend.arrays import array_module
from ..config import DEFAULT_CONFIG, ComplexityConfig
from ..errors import InputError

ComplexityLevel = Literal["low", "mixed", "high"]


def highpass_transfer(shape: tuple[int, int], cutoff: float, xp: Any = np) -> Any:
    """H(u, v) of the Gaussian high-pass on the ``rfft2`` grid of an (H, W) image."""
    h, w = shape
    fy = xp.fft.fftfreq(h)[:, None]
    fx = xp.fft.rfftfreq(w)[None, :]
    d2 = fy * fy + fx * fx
    return 1.0 - xp.exp(-d2 / (2.0 * cutoff * cutoff))


@functools.lru_cache(maxsize=8)
def _full_transfer(shape: tuple[int, int], cutoff: float) -> NDArray[np.float32]:
    """H(u, v) on the full ``fft2`` grid (cached: one camera, one frame size)."""
    h, w = shape
    d2 = np.fft.fftfreq(h)[:, None] ** 2 + np.fft.fftfreq(w)[None, :] ** 2
    return (1.0 - np.exp(-d2 / (2.0 * cutoff * cutoff))).astype(np.float32)


def highpass(gray: Any, *, config: ComplexityConfig | None = None) -> Any:
    """F^-1[H . F(I)]: the image's detail (H, W), float32 for NumPy input (OpenCV's DFT),
    float64 for CuPy input (cuFFT through CuPy)."""
    cfg = config or DEFAULT_CONFIG.complexity
    xp = array_module(gray)
    if gray.ndim != 2 or gray.size == 0:
        raise InputError(f"PSD needs a non-empty 2-D gray image, got shape {gray.shape}")
    if xp is np:
        # OpenCV's DFT (float32, full complex spectrum) is several times faster than NumPy's
        # pocketfft at 800x600; float32 keeps the PSD to about 1e-6 relative.
        spectrum = cv2.dft(np.ascontiguousarray(gray, dtype=np.float32), flags=cv2.DFT_COMPLEX_OUTPUT)
        spectrum *= _full_transfer(gray.shape, cfg.highpass_cutoff)[:, :, None]
        return cv2.idft(spectrum, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)
    spectrum = xp.fft.rfft2(gray.astype(xp.float64))
    spectrum *= highpass_transfer(gray.shape, cfg.highpass_cutoff, xp)
    return xp.fft.irfft2(spectrum, s=gray.shape)


def power_spectral_density(gray: Any, *, config: ComplexityConfig | None = None) -> float:
    """Eq. 7: mean squared magnitude of the high-passed image (squared grey levels)."""
    return float(detail_power(gray, config=config).mean())


def complexity_level(psd: float, *, config: ComplexityConfig | None = None) -> ComplexityLevel:
    """Low below 1540, high above 1950, mixed in between (both ends inclusive, 4.1)."""
    cfg = config or DEFAULT_CONFIG.complexity
    if psd < cfg.psd_low_max:
        return "low"
    if psd > cfg.psd_high_min:
        return "high"
    return "mixed"


@dataclass(frozen=True)
class ComplexityMap:
    """The image PSD, its level, and the block-wise local PSD with the high-complexity mask."""

    psd: float
    level: ComplexityLevel
    local_psd: NDArray[np.float64]  # (gy, gx) block means of the filtered power
    high_mask: NDArray[np.bool_]  # (H, W) True where the local PSD is high
    shelving_in_low: bool = False  # a low PSD read as mixed: see :meth:`read_as_mixed`

    @property
    def high_fraction(self) -> float:
        return float(self.high_mask.mean())

    def read_as_mixed(self, *, config: ComplexityConfig | None = None) -> ComplexityMap:
        """This low-PSD image read as mixed, split by its local PSD.

        The image PSD is a mean over the frame: a shelving unit against the back wall of a store
        whose floor and walls fill the rest can average below 1540 (a dim store, measured 1377
        to 1504, against 873 to 1500 for rooms). The low path then makes one mass of the whole
        unit (its boards, uprights and goods are one outline), too large to be any object, and
        every object in it is lost. The pipeline reads such an image as mixed (4.3's split by
        local PSD) when the low path leaves a mass of that kind over high local PSD
        (:func:`fastiesi.stages.segment.oversized_masses`); the PSD and its blocks are kept."""
        cfg = config or DEFAULT_CONFIG.complexity
        high = _blocks_to_mask(high_blocks(self.local_psd, cfg.psd_high_min), self.high_mask.shape)
        return ComplexityMap(self.psd, "mixed", self.local_psd, high, shelving_in_low=True)


def _blocks_to_mask(blocks: NDArray[np.bool_], shape: tuple[int, int]) -> NDArray[np.bool_]:
    h, w = shape
    return cv2.resize(blocks.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0


def high_blocks(local_psd: NDArray[np.floating], threshold: float) -> NDArray[np.bool_]:
    """High-complexity blocks of a mixed image: local PSD above ``threshold``, then a 3x3
    majority vote over the block grid (beyond the grid edge, the edge blocks repeat).

    Shelving is one contiguous area: the vote takes in its blocks whose local PSD dips (a board,
    a gap between goods) and drops a lone busy block elsewhere (a picture in a room).
    """
    if local_psd.ndim != 2:
        raise InputError(f"local_psd must be a 2-D block grid, got shape {local_psd.shape}")
    above = (local_psd > threshold).astype(np.uint8) * np.uint8(255)
    return cv2.medianBlur(above, 3) > 0


def detail_power(gray: Any, *, config: ComplexityConfig | None = None) -> Any:
    """|F^-1[H . F(I)]|^2 per pixel: the power of the image's detail, whose mean is the PSD."""
    d = highpass(gray, config=config)
    return d * d


def complexity_map(*grays: NDArray[np.uint8], config: ComplexityConfig | None = None) -> ComplexityMap:
    """PSD and, block by block, where the image is high-complexity (4.1, 4.3).

    Given several frames of one view (the pre frame and the registered post frame), their
    filtered power is averaged: the pair has one complexity, as in the paper's examples (4.5).
    """
    cfg = config or DEFAULT_CONFIG.complexity
    if not grays:
        raise InputError("complexity_map needs at least one image")
    if any(g.shape != grays[0].shape for g in grays):
        raise InputError(f"complexity_map images differ in shape: {[g.shape for g in grays]}")
    return complexity_from_power(sum(detail_power(g, config=cfg) for g in grays) / len(grays), config=cfg)


def fast_dft_window(shape: tuple[int, int]) -> tuple[slice, slice]:
    """The centred window of an (H, W) image whose sides are the largest sizes at most H and W
    that OpenCV's DFT handles fast (no prime factor above 7).

    A registered crop's sides are whatever the shake left (571 x 763, say), and a DFT of such a
    size costs three times one of 567 x 756 (bench/NOTES.md). Eq. 7 is then taken, as written,
    on the window: a few border rows and columns fewer, no padding that would change H's effect.
    """
    def fitting(n: int) -> int:
        for m in range(n, 0, -1):
            rest = m
            for p in (2, 3, 5, 7):
                while rest % p == 0:
                    rest //= p
            if rest == 1:
                return m
        return n

    h, w = shape
    fh, fw = fitting(h), fitting(w)
    top, left = (h - fh) // 2, (w - fw) // 2
    return slice(top, top + fh), slice(left, left + fw)


def complexity_from_power(power: NDArray[np.floating], *, config: ComplexityConfig | None = None,
                          shape: tuple[int, int] | None = None) -> ComplexityMap:
    """:func:`complexity_map` from the detail power already averaged over the frames (a camera's
    pre frame power is computed once, see :class:`fastiesi.pipeline.Reference`).

    ``shape`` is the image the high-complexity mask is laid on, when the power covers a window
    of it (:func:`fast_dft_window`); by default the power's own shape."""
    cfg = config or DEFAULT_CONFIG.complexity
    if power.ndim != 2 or power.size == 0:
        raise InputError(f"detail power must be a non-empty 2-D map, got shape {power.shape}")
    psd = float(power.mean())
    gx, gy = cfg.local_blocks
    h, w = power.shape if shape is None else shape
    local = cv2.resize(power, (gx, gy), interpolation=cv2.INTER_AREA)
    level = complexity_level(psd, config=cfg)
    if level == "low":
        high = np.zeros((h, w), bool)
    elif level == "high":
        high = np.ones((h, w), bool)
    else:
        high = _blocks_to_mask(high_blocks(local, cfg.psd_high_min), (h, w))
    return ComplexityMap(psd, level, local, high)
