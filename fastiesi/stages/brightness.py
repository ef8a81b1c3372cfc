"""Brightness compensation between the frames (paper 2.1.2, carried across the pair).

The paper equalises each frame on its own (AHE) against "abnormal lighting and dust". A quake
often changes the lighting between the two frames (a lamp fails, the camera's exposure
re-adapts), and with CLAHE's clip limit the two equalised frames still differ in contrast by
the lighting's gain: a store whose lights dimmed to 60 % loses a third of its detail power and
reads as a sparse room (4.1), and every threshold on a difference (4.2.3, 4.3) sees the dimmed
frame as changed. So before the post frame is enhanced, its brightness is brought to the pre
frame's by a photometric model fitted the way the shake is (2.3): robustly, on what did not
change.

The model is the physics of a lighting change: the light reaching each point scales by a gain
that varies smoothly over the frame (a lamp, a window), and the camera adds a constant offset
(black level, exposure):

    post(x, y) = g(x, y) . pre(x, y) + b,    g a quadratic polynomial in (x, y)

It is fitted by iteratively reweighted least squares (Tukey's biweight) on both frames shrunk
8x by area averaging, where a shake of a few pixels is below a sample and what moved, fell or
walked through is an outlier the weights discard. The post frame is then mapped back,
``(post - b) / g``. Where the fitted change moves no grey level by more than one, the frame is
left exactly as it is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..config import DEFAULT_CONFIG, BrightnessConfig
from ..errors import InputError


@dataclass(frozen=True)
class BrightnessModel:
    """``post = gain(x, y) . pre + offset``; ``gain`` holds the quadratic's 6 coefficients over
    normalised coordinates u = 2x/W - 1, v = 2y/H - 1 (order 1, u, v, u^2, uv, v^2)."""

    gain: tuple[float, float, float, float, float, float]
    offset: float
    inlier_fraction: float  # of the samples the final biweight gives any weight

    def gain_map(self, shape: tuple[int, int]) -> NDArray[np.float32]:
        """g(x, y) at every pixel of an (H, W) frame, float32: the quadratic as
        (c0 + c2 v + c5 v^2) + (c1 + c4 v) u + c3 u^2, rows plus rows-times-columns."""
        h, w = shape
        u = np.linspace(-1.0, 1.0, w) if w > 1 else np.full(1, -1.0)
        v = np.linspace(-1.0, 1.0, h) if h > 1 else np.full(1, -1.0)
        c0, c1, c2, c3, c4, c5 = self.gain
        rows = (c0 + c2 * v + c5 * v * v).astype(np.float32)[:, None]
        slope = (c1 + c4 * v).astype(np.float32)[:, None]
        g = slope * u.astype(np.float32)[None, :]
        g += rows
        g += (c3 * u * u).astype(np.float32)[None, :]
        return g

    def describe(self, shape: tuple[int, int]) -> dict[str, float]:
        """The change for a report: the gain's range over the frame and the offset."""
        g = self.gain_map(shape)
        return {"gain_min": round(float(g.min()), 4), "gain_max": round(float(g.max()), 4),
                "offset": round(self.offset, 2), "inlier_fraction": round(self.inlier_fraction, 4)}

    def coarse_gain_map(self, shape: tuple[int, int]) -> NDArray[np.float32]:
        """g on a grid of at most 97 x 129 over the same [-1, 1] square, for the gain's extremes:
        the smooth quadratic's lie at the corners or within a fraction of a grid step of a node."""
        return self.gain_map((min(shape[0], 97), min(shape[1], 129)))

    def largest_shift(self, shape: tuple[int, int], coarse: NDArray[np.float32] | None = None) -> float:
        """The most any grey level 0..255 moves anywhere in the frame when corrected (the
        correction is linear in the level, so its extremes are at 0 and 255); ``coarse`` is
        :meth:`coarse_gain_map` when already computed."""
        g = self.coarse_gain_map(shape) if coarse is None else coarse
        return float(max(np.abs((lv - self.offset) / g - lv).max() for lv in (0.0, 255.0)))


@functools.lru_cache(maxsize=8)
def _basis(shape: tuple[int, int]) -> NDArray[np.float64]:
    """The quadratic's terms (1, u, v, u^2, uv, v^2) at each pixel of an (H, W) grid, (H*W, 6)."""
    h, w = shape
    v, u = np.mgrid[0:h, 0:w].astype(np.float64)
    u = (2.0 * u / max(w - 1, 1) - 1.0).ravel()
    v = (2.0 * v / max(h - 1, 1) - 1.0).ravel()
    out = np.stack([np.ones_like(u), u, v, u * u, u * v, v * v], axis=1)
    out.setflags(write=False)
    return out


def fit_brightness(pre: NDArray[np.uint8], post: NDArray[np.uint8], *,
                   config: BrightnessConfig | None = None) -> BrightnessModel:
    """Fit ``post = g(x, y) . pre + b`` between two gray frames of one view (module docstring)."""
    cfg = config or DEFAULT_CONFIG.brightness
    if pre.ndim != 2 or post.ndim != 2 or pre.shape != post.shape:
        raise InputError(f"brightness compensation needs two gray frames of one shape, got {pre.shape} "
                         f"and {post.shape}")
    f = cfg.downscale
    h, w = pre.shape
    if h < 4 * f or w < 4 * f:
        raise InputError(f"frames of {w}x{h} px are too small for brightness compensation")
    size = (w // f, h // f)
    a = cv2.resize(pre, size, interpolation=cv2.INTER_AREA).astype(np.float64).ravel()
    y = cv2.resize(post, size, interpolation=cv2.INTER_AREA).astype(np.float64).ravel()
    x = np.empty((a.size, 7))
    np.multiply(_basis((size[1], size[0])), a[:, None], out=x[:, :6])
    x[:, 6] = 1.0
    weights = np.ones_like(y)
    coef = np.zeros(7)
    for _ in range(cfg.iterations):
        # Weighted least squares by its 7x7 normal equations (the samples are well conditioned:
        # gray levels times terms within [-1, 1]); lstsq on the 7,500 x 7 system made the whole
        # fit 3x dearer (7.7 vs 2.6 ms).
        xw = x.T * weights
        new, *_ = np.linalg.lstsq(xw @ x, xw @ y, rcond=None)
        residual = y - x @ new
        # Tukey's biweight at c = 4.685 robust sigmas (95 % efficiency on Gaussian noise);
        # the sigma is the median absolute residual of the samples, rescaled to a Gaussian's.
        sigma = max(1.4826 * float(np.median(np.abs(residual))), cfg.min_sigma)
        r = residual / (4.685 * sigma)
        weights = np.where(np.abs(r) < 1.0, (1.0 - r * r) ** 2, 0.0)
        # Settled when no gain term moves by 0.001 (a quarter level at 255) nor the offset by
        # 0.1 of a level.
        settled = bool(np.abs(new[:6] - coef[:6]).max() < 1e-3 and abs(new[6] - coef[6]) < 0.1)
        coef = new
        if settled or weights.sum() < x.shape[1] * 4:
            break
    gain = tuple(float(c) for c in coef[:6])
    return BrightnessModel(gain, float(coef[6]), float((weights > 0).mean()))  # type: ignore[arg-type]


def compensate_brightness(post: NDArray[np.uint8], pre: NDArray[np.uint8], *,
                          config: BrightnessConfig | None = None) -> tuple[NDArray[np.uint8], BrightnessModel | None]:
    """The gray ``post`` frame with its brightness brought to ``pre``'s, and the model used.

    The frames are compared as they come, before registration (2.3): the gain is smooth, and at
    the fit's 8x shrink a shake of a few pixels is about a sample. Fitting on the registered
    frames instead was tried and scored worse on the rendered set (84.3 vs 87.1 % exact): shaken
    pairs with no lighting change still got gains of 0.98-0.99 fitted and applied.

    Returns ``post`` itself and None when compensation is off, the fitted change moves no grey
    level by more than ``config.min_shift``, or the fit is not trustworthy (fewer than
    ``config.min_inlier_fraction`` of the samples carry weight, or the gain falls to
    ``config.min_gain`` or below: the two frames then do not show one lit scene, and the frame
    is better left as it was)."""
    cfg = config or DEFAULT_CONFIG.brightness
    if not cfg.enabled:
        return post, None
    model = fit_brightness(pre, post, config=cfg)
    coarse = model.coarse_gain_map(post.shape)
    if model.inlier_fraction < cfg.min_inlier_fraction or float(coarse.min()) <= cfg.min_gain:
        return post, None
    if model.largest_shift(post.shape, coarse) <= cfg.min_shift:
        return post, None
    corrected = post.astype(np.float32)
    corrected -= np.float32(model.offset)
    corrected /= model.gain_map(post.shape)
    # To the nearest level (OpenCV's saturating conversion rounds), negatives clipped first.
    return cv2.convertScaleAbs(np.maximum(corrected, 0, out=corrected)), model
