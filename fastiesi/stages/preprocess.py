"""Enhancement (paper sections 2.1.2-2.1.4): adaptive histogram equalisation, bilateral filtering,
local saliency.

* 2.1.2 brightness compensation: an underexposed frame (its brightest 0.5 % under grey 204) is
  first given the gain that lifts them there. AHE adapts each tile's contrast only up to its
  clip limit, so a frame shot in dim light keeps a low contrast after it, and every level the
  later stages read in grey (the PSD of Eq. 7 above all, which falls with the gain squared)
  would read it as a plainer scene. A well-exposed frame is left as it is.
* 2.1.2 AHE on 200x150 tiles (4x4 at 800x600): ``cv2.createCLAHE``. The paper's "block
  equalisation, then an overall equalisation of the whole image" is read as CLAHE's bilinear
  blending of the tile mappings, which is what removes the block seams; a second global
  equalisation would undo the local adaptation. OpenCV's clip limit is kept (see config).
* 2.1.3 bilateral 5x5: ``cv2.bilateralFilter`` (the paper used OpenCV 4.7's).
* 2.1.4 local saliency: centre-surround contrast with Gaussian weights, |G_c * I - G_s * I|,
  rescaled to 0..255 per image so the paper's binary threshold (100) is relative to the
  strongest contrast in the frame. OpenCV's saliency module has no centre-surround operator.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..config import DEFAULT_CONFIG, EnhanceConfig
from ..errors import InputError


@dataclass(frozen=True)
class Enhanced:
    """One frame after 2.1.2-2.1.4: all (H, W) uint8."""

    equalized: NDArray[np.uint8]
    filtered: NDArray[np.uint8]
    saliency: NDArray[np.uint8]
    salient: NDArray[np.uint8]  # 255 where saliency > threshold


def to_gray(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The frame as (H, W) uint8 gray (OpenCV's BGR weights); a gray frame as it is."""
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise InputError(f"expected an (H, W) or (H, W, 3) uint8 image, got {image.shape} {image.dtype}")
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def expose(gray: NDArray[np.uint8], *, config: EnhanceConfig | None = None) -> NDArray[np.uint8]:
    """An underexposed gray frame lifted by the gain that brings its ``exposure_percentile``
    grey to ``exposure_target``, at most ``exposure_max_gain`` (2.1.2); any other frame as it
    is (the same array)."""
    cfg = config or DEFAULT_CONFIG.enhance
    if gray.dtype != np.uint8 or gray.ndim != 2:
        raise InputError(f"expected an (H, W) uint8 gray image, got {gray.shape} {gray.dtype}")
    if not 0.0 < cfg.exposure_percentile <= 100.0:
        raise InputError(f"exposure_percentile must be in (0, 100], got {cfg.exposure_percentile}")
    if cfg.exposure_target <= 0 or gray.size == 0:
        return gray
    counts = np.bincount(gray.ravel(), minlength=256)
    bright = int(np.searchsorted(np.cumsum(counts), cfg.exposure_percentile / 100.0 * gray.size))
    if bright >= cfg.exposure_target or bright == 0:  # well exposed, or black: nothing to lift
        return gray
    return cv2.convertScaleAbs(gray, alpha=min(cfg.exposure_target / bright, cfg.exposure_max_gain))


def equalize(image: NDArray[np.uint8], *, config: EnhanceConfig | None = None) -> NDArray[np.uint8]:
    """Adaptive histogram equalisation on a grid of tiles (2.1.2), after :func:`expose`; returns
    gray uint8."""
    cfg = config or DEFAULT_CONFIG.enhance
    tx, ty = cfg.clahe_tiles
    clahe = cv2.createCLAHE(clipLimit=cfg.clahe_clip_limit, tileGridSize=(tx, ty))
    return clahe.apply(expose(to_gray(image), config=cfg))


def bilateral(gray: NDArray[np.uint8], *, config: EnhanceConfig | None = None) -> NDArray[np.uint8]:
    """Edge-preserving smoothing (2.1.3)."""
    cfg = config or DEFAULT_CONFIG.enhance
    return cv2.bilateralFilter(to_gray(gray), cfg.bilateral_diameter, cfg.bilateral_sigma_color, cfg.bilateral_sigma_space)


def _wide_blur(g: NDArray[np.float32], sigma: float, downscale: int) -> NDArray[np.float32]:
    """Gaussian blur of ``sigma`` (full-size pixels), run at 1/``downscale`` size when the
    kernel is wide enough for that to be exact to about a grey level: the area shrink and the
    bilinear enlargement each add about (f^2 - 1)/12 px^2 of variance, taken off the blur's."""
    if downscale < 1:
        raise InputError(f"saliency_surround_downscale must be at least 1, got {downscale}")
    f = downscale
    h, w = g.shape
    extra = 2 * (f * f - 1) / 12.0
    if f == 1 or sigma * sigma <= 4 * extra or min(h, w) < 8 * f:
        return cv2.GaussianBlur(g, (0, 0), sigma)
    # The frame is mirrored out by the kernel's reach first (at full size, as OpenCV's border
    # rule does), so the shrunken blur's own border never reaches the frame; sizes become
    # multiples of f, so the enlargement maps pixel centres exactly back.
    r = int(np.ceil(4 * sigma / f)) * f
    padded = cv2.copyMakeBorder(g, r, r + (-h) % f, r, r + (-w) % f, cv2.BORDER_REFLECT_101)
    ph, pw = padded.shape
    small = cv2.resize(padded, (pw // f, ph // f), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), float(np.sqrt(sigma * sigma - extra)) / f)
    return cv2.resize(small, (pw, ph), interpolation=cv2.INTER_LINEAR)[r:r + h, r:r + w]


def saliency(gray: NDArray[np.uint8], *, config: EnhanceConfig | None = None) -> NDArray[np.uint8]:
    """Local centre-surround saliency (2.1.4), rescaled to 0..255."""
    cfg = config or DEFAULT_CONFIG.enhance
    g = to_gray(gray).astype(np.float32)
    centre = cv2.GaussianBlur(g, (0, 0), cfg.saliency_center_sigma)
    surround = _wide_blur(g, cfg.saliency_surround_sigma, cfg.saliency_surround_downscale)
    s = np.abs(centre - surround)
    # Normalise by at least one grey level: a frame with less contrast than that has no
    # salient structure, and float rounding residue (1e-5) must not be stretched to 255.
    peak = max(float(s.max()), 1.0)
    return (s * (255.0 / peak) + 0.5).astype(np.uint8)


def enhance(image: NDArray[np.uint8], *, config: EnhanceConfig | None = None) -> Enhanced:
    """Run 2.1.2-2.1.4 on one frame."""
    cfg = config or DEFAULT_CONFIG.enhance
    eq = equalize(image, config=cfg)
    filt = bilateral(eq, config=cfg)
    sal = saliency(filt, config=cfg)
    _, mask = cv2.threshold(sal, cfg.saliency_threshold, 255, cv2.THRESH_BINARY)
    return Enhanced(eq, filt, sal, mask)
