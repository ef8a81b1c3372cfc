"""Canny's core for a batch of frames (paper 4.2.1), the array module following the input.

Given smoothed 8-bit frames and each frame's thresholds, the same edges as
``cv2.Canny(frame, low, high, L2gradient=True)``:

* Sobel 3x3 derivatives with the border replicated, in integers;
* the squared L2 magnitude against the squared thresholds, floored to integers as OpenCV does;
* non-maximum suppression along the gradient's direction, quantised with OpenCV's fixed-point
  tangent of 22.5 degrees (13573 / 2^15), and its tie rules (strictly above one neighbour, at
  least the other; strictly above both on diagonals), magnitudes beyond the frame being 0;
* hysteresis as labelling: the 8-connected components of the pixels that survive suppression
  above the low threshold, kept where they hold one above the high threshold.

On CuPy arrays every step is elementwise or the batch labelling of
:mod:`fastiesi.backend.masks_batch`; on NumPy the labelling is OpenCV's, frame by frame, which is
how the tests hold it to ``cv2.Canny`` where there is no GPU.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import InputError
from .arrays import array_module
from .masks_batch import _ops

_TG22 = 13573  # round(tan(22.5 deg) * 2^15), OpenCV's constant
_SHIFT = 15


def _squared_floor(threshold: float) -> int:
    """OpenCV's threshold for the L2 magnitude: min(t, 32767) squared, then floored."""
    t = min(float(threshold), 32767.0)
    return math.floor(t * t) if t > 0 else math.floor(t)


def sobel_3x3(padded: Any) -> tuple[Any, Any]:
    """(dx, dy) of 3x3 Sobel on an (N, H + 2, W + 2) batch padded by one pixel (the caller
    picks the border: Canny replicates it, ``cv2.Sobel`` reflects it)."""
    p = padded
    dx = (p[:, :-2, 2:] + 2 * p[:, 1:-1, 2:] + p[:, 2:, 2:]) - (p[:, :-2, :-2] + 2 * p[:, 1:-1, :-2] + p[:, 2:, :-2])
    dy = (p[:, 2:, :-2] + 2 * p[:, 2:, 1:-1] + p[:, 2:, 2:]) - (p[:, :-2, :-2] + 2 * p[:, :-2, 1:-1] + p[:, :-2, 2:])
    return dx, dy


def canny_batch(smoothed: Any, low: np.ndarray, high: np.ndarray) -> Any:
    """Edges (0/255 uint8) of each (N, H, W) uint8 frame with its own (low, high) thresholds."""
    xp = array_module(smoothed)
    if smoothed.ndim != 3 or smoothed.dtype != np.uint8 or smoothed.shape[0] == 0:
        raise InputError(f"frames must be a non-empty (N, H, W) uint8 batch, got {smoothed.shape} {smoothed.dtype}")
    n = smoothed.shape[0]
    low, high = np.asarray(low, np.float64).ravel(), np.asarray(high, np.float64).ravel()
    if low.shape != (n,) or high.shape != (n,):
        raise InputError(f"need one low and one high threshold per frame ({n}), got {low.shape} and {high.shape}")
    lo = xp.asarray([_squared_floor(t) for t in low], dtype=xp.int64)[:, None, None]
    hi = xp.asarray([_squared_floor(t) for t in high], dtype=xp.int64)[:, None, None]
    dx, dy = sobel_3x3(xp.pad(smoothed.astype(xp.int32), ((0, 0), (1, 1), (1, 1)), mode="edge"))
    mag = (dx * dx + dy * dy).astype(xp.int64)
    m = xp.pad(mag, ((0, 0), (1, 1), (1, 1)), mode="constant")  # 0 beyond the frame

    def at(oy: int, ox: int) -> Any:  # the magnitude of the neighbour (oy, ox) away
        h, w = mag.shape[1:]
        return m[:, 1 + oy:1 + oy + h, 1 + ox:1 + ox + w]

    ax = xp.abs(dx).astype(xp.int64)
    ay = xp.abs(dy).astype(xp.int64) << _SHIFT
    tg22x = ax * _TG22
    tg67x = tg22x + (ax << (_SHIFT + 1))
    horizontal = ay < tg22x
    vertical = ~horizontal & (ay > tg67x)
    diagonal = ~horizontal & ~vertical
    s = xp.where((dx ^ dy) < 0, -1, 1)  # the diagonal's slope
    # OpenCV's row above is "p", below "n"; a diagonal compares (up, -s) and (down, +s).
    up_left, up_right, down_left, down_right = at(-1, -1), at(-1, 1), at(1, -1), at(1, 1)
    diag_up = xp.where(s < 0, up_right, up_left)
    diag_down = xp.where(s < 0, down_left, down_right)
    peak = ((horizontal & (mag > at(0, -1)) & (mag >= at(0, 1)))
            | (vertical & (mag > at(-1, 0)) & (mag >= at(1, 0)))
            | (diagonal & (mag > diag_up) & (mag > diag_down)))
    candidate = peak & (mag > lo)
    strong = candidate & (mag > hi)
    labels, count = _ops(xp).label(xp.where(candidate, xp.uint8(255), xp.uint8(0)), 8)
    keep = xp.zeros(count + 1, bool)
    keep[labels[strong]] = True
    keep[0] = False
    return xp.where(keep[labels], xp.uint8(255), xp.uint8(0))
