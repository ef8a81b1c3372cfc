"""The adaptive multi-scale Canny of a batch of frames (paper 4.2.1), the array module following
the input: :func:`fastiesi.stages.edges.multiscale_canny` for N frames of one size at once.

Every step is integer arithmetic that reproduces OpenCV's own, so the edges are the CPU path's
to the pixel (the tests hold the NumPy twin to ``multiscale_canny`` exactly):

* Gaussian smoothing as OpenCV's bit-exact 8-bit path computes it: separable taps in 8-bit
  fixed point (they sum to 256), the border reflected without repeating the edge (OpenCV's
  default), and the 16 fraction bits of the two passes rounded half up;
* the thresholds from the gradient magnitude (float32 Sobel, reflected border) as
  :func:`fastiesi.stages.edges.adaptive_thresholds` takes them: the magnitude scaled to 8 bits
  as ``cv2.convertScaleAbs`` rounds it, then Otsu's split of its histogram; only each frame's
  256-bin histogram and peak come to the host, where Otsu's scan is OpenCV's, operation for
  operation;
* Canny's core (:func:`fastiesi.backend.canny_batch.canny_batch`);
* ``cv2.pyrDown`` (taps 1 4 6 4 1, rounded) and ``cv2.resize`` with ``INTER_NEAREST``;
* the join: coarse edges away from full-size ones, kept where their piece touches a strong edge.
"""

from __future__ import annotations

import functools
from typing import Any

import cv2
import numpy as np

from ..config import DEFAULT_CONFIG, EdgeConfig
from ..errors import InputError
from .arrays import array_module
from .canny_batch import canny_batch, sobel_3x3
from .masks_batch import _ops

_PYR_TAPS = (1, 4, 6, 4, 1)  # cv2.pyrDown's separable kernel, sum 16 a side


def _check_batch(frames: Any, name: str = "frames") -> None:
    if frames.ndim != 3 or frames.dtype != np.uint8 or 0 in frames.shape:
        raise InputError(f"{name} must be a non-empty (N, H, W) uint8 batch, got {frames.shape} {frames.dtype}")


def gaussian_ksize(sigma: float) -> int:
    """The kernel size OpenCV picks for an 8-bit image when given only sigma (odd, >= 1)."""
    if not sigma > 0:
        raise InputError(f"Gaussian sigma must be positive, got {sigma}")
    return int(np.rint(sigma * 3 * 2 + 1)) | 1


@functools.lru_cache(maxsize=16)
def gaussian_taps_u8(sigma: float) -> tuple[int, ...]:
    """The 8-bit fixed-point taps (summing to 256) of OpenCV's bit-exact Gaussian for uint8.

    OpenCV rounds its Gaussian to 8-bit fixed point with a correction that keeps the sum at
    exactly 256 (not simply each tap rounded). The taps are read back from OpenCV itself: a
    one-row impulse of 255 comes out as round(255 c / 256), which is c for every c < 128, and a
    Gaussian of sigma > 0.8 has no tap that large. The sum is checked.
    """
    k = gaussian_ksize(sigma)
    impulse = np.zeros((1, 4 * k + 1), np.uint8)
    impulse[0, 2 * k] = 255
    row = cv2.GaussianBlur(impulse, (k, 1), sigmaX=sigma, sigmaY=sigma)[0, 2 * k - k // 2:2 * k + k // 2 + 1]
    taps = tuple(int(v) for v in row[::-1])
    if sum(taps) != 256 or max(taps) >= 128:
        raise InputError(f"cannot read OpenCV's 8-bit Gaussian taps for sigma {sigma} (got {taps})")
    return taps


def _separable(frames: Any, taps: tuple[int, ...], step: int = 1) -> Any:
    """Rows then columns of an integer separable filter, borders reflected (OpenCV's default);
    ``step`` 2 samples every other output (pyrDown). Returns the (N, H', W') int32 sum."""
    xp = array_module(frames)
    r = len(taps) // 2
    src = frames.astype(xp.int32)
    h, w = frames.shape[1:]
    out_h, out_w = (h + step - 1) // step, (w + step - 1) // step
    p = xp.pad(src, ((0, 0), (0, 0), (r, r)), mode="reflect")
    rows = sum(int(t) * p[:, :, i:i + step * (out_w - 1) + 1:step] for i, t in enumerate(taps))
    p = xp.pad(rows, ((0, 0), (r, r), (0, 0)), mode="reflect")
    return sum(int(t) * p[:, i:i + step * (out_h - 1) + 1:step, :] for i, t in enumerate(taps))


def gaussian_blur_batch(frames: Any, sigma: float) -> Any:
    """``cv2.GaussianBlur(frame, (0, 0), sigma)`` of each uint8 frame, to the bit."""
    _check_batch(frames)
    xp = array_module(frames)
    total = _separable(frames, gaussian_taps_u8(float(sigma)))  # 16 fraction bits
    return ((total + (1 << 15)) >> 16).astype(xp.uint8)


def pyr_down_batch(frames: Any) -> Any:
    """``cv2.pyrDown`` of each uint8 frame: 5x5 taps 1 4 6 4 1 over 256, every other pixel,
    rounded; (H, W) -> ((H + 1) // 2, (W + 1) // 2)."""
    _check_batch(frames)
    xp = array_module(frames)
    total = _separable(frames, _PYR_TAPS, step=2)
    return ((total + 128) >> 8).astype(xp.uint8)


def resize_nearest_batch(frames: Any, size: tuple[int, int]) -> Any:
    """``cv2.resize(frame, (W, H), interpolation=cv2.INTER_NEAREST)`` of each frame: source
    index floor(i / (dst / src)), clamped, in OpenCV's double arithmetic (the inverse of the
    scale, not src / dst: the two round differently)."""
    xp = array_module(frames)
    h, w = size
    sh, sw = frames.shape[1:]
    ys = np.minimum(np.floor(np.arange(h) * (1.0 / (h / sh))).astype(np.int64), sh - 1)
    xs = np.minimum(np.floor(np.arange(w) * (1.0 / (w / sw))).astype(np.int64), sw - 1)
    return frames[:, xp.asarray(ys)][:, :, xp.asarray(xs)]


def _otsu_8u(hist: np.ndarray) -> int:
    """OpenCV's Otsu threshold of an 8-bit histogram: its scan, in its order, in doubles."""
    total = int(hist.sum())
    scale = 1.0 / total
    mu = 0.0
    for i in range(256):
        mu += i * float(hist[i])
    mu *= scale
    mu1 = q1 = 0.0
    max_sigma, max_val = 0.0, 0
    eps = float(np.finfo(np.float32).eps)
    for i in range(256):
        p_i = float(hist[i]) * scale
        mu1 *= q1
        q1 += p_i
        q2 = 1.0 - q1
        if min(q1, q2) < eps or max(q1, q2) > 1.0 - eps:
            continue
        mu1 = (mu1 + i * p_i) / q1
        mu2 = (mu - q1 * mu1) / q2
        sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2)
        if sigma > max_sigma:
            max_sigma, max_val = sigma, i
    return max_val


def adaptive_thresholds_batch(smoothed: Any, *, low_ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) host arrays: :func:`fastiesi.stages.edges.adaptive_thresholds` of each frame."""
    _check_batch(smoothed, "smoothed")
    xp = array_module(smoothed)
    n = smoothed.shape[0]
    dx, dy = sobel_3x3(xp.pad(smoothed.astype(xp.float32), ((0, 0), (1, 1), (1, 1)), mode="reflect"))
    mag = xp.sqrt(dx * dx + dy * dy)  # float32, exact squares: |d| <= 1020
    peaks = mag.reshape(n, -1).max(axis=1)
    peaks_host = np.asarray(peaks.get() if xp is not np else peaks, np.float64)
    alpha = xp.asarray(np.where(peaks_host > 0, 255.0 / np.maximum(peaks_host, 1e-30), 0.0).astype(np.float32))
    scaled = xp.clip(xp.rint(xp.abs(mag * alpha[:, None, None])), 0, 255).astype(xp.int32)
    offsets = (xp.arange(n, dtype=xp.int32) * 256)[:, None, None]
    hist = xp.bincount((scaled + offsets).ravel(), minlength=256 * n).reshape(n, 256)
    hist_host = hist.get() if xp is not np else hist
    low, high = np.empty(n), np.empty(n)
    for i in range(n):
        if peaks_host[i] <= 0.0:
            low[i] = high[i] = 1.0  # a flat frame: no threshold gives an edge
            continue
        high[i] = max(float(_otsu_8u(hist_host[i])) * float(peaks_host[i]) / 255.0, 1.0)
        low[i] = low_ratio * high[i]
    return low, high


def adaptive_canny_batch(frames: Any, *, config: EdgeConfig | None = None) -> Any:
    """:func:`fastiesi.stages.edges.adaptive_canny` of each frame (0/255 uint8)."""
    cfg = config or DEFAULT_CONFIG.edges
    smoothed = gaussian_blur_batch(frames, cfg.gaussian_sigma)
    low, high = adaptive_thresholds_batch(smoothed, low_ratio=cfg.low_ratio)
    return canny_batch(smoothed, low, high)


def multiscale_canny_batch(frames: Any, *, config: EdgeConfig | None = None) -> Any:
    """:func:`fastiesi.stages.edges.multiscale_canny` of each (N, H, W) uint8 frame."""
    cfg = config or DEFAULT_CONFIG.edges
    _check_batch(frames)
    xp = array_module(frames)
    h, w = frames.shape[1:]
    strong = adaptive_canny_batch(frames, config=cfg)
    if cfg.pyramid_levels == 1:
        return strong
    ops = _ops(xp)
    joined = strong.copy()
    near_strong = ops.morph(strong, 5, "dilate")
    level = frames
    for _ in range(1, cfg.pyramid_levels):
        if min(level.shape[1:]) < 2 * cfg.min_level_side:
            break
        level = pyr_down_batch(level)
        up = resize_nearest_batch(adaptive_canny_batch(level, config=cfg), (h, w))
        joined |= up & ~near_strong
    labels, count = ops.label(joined, 8)
    keep = xp.zeros(count + 1, bool)
    keep[labels[strong > 0]] = True
    keep[0] = False
    return xp.where(keep[labels], xp.uint8(255), xp.uint8(0))
