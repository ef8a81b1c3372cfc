"""Connected components with their statistics, and the paper's screens (4.2.3, 4.3).

Labelling is 8-connected (the paper's "pixels in the eight neighborhoods"), with area, bounding
box and centroid per component. The screens drop components shorter than the minimum object
length (17 px) and thin lines: a component whose thickness (twice the largest distance from its
inside to its outside) is at most the longest line width (13 px) while it is at least
``line_elongation`` times longer than thick is a line (a seam, a cable, a shelf board's edge),
not an object.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..backend.cpu_kernels import component_statistics
from ..errors import InputError


@dataclass(frozen=True)
class Components:
    """Labelled components of a binary image; index 0 is the background.

    ``labels`` (H, W) int32; ``areas`` (n,), ``boxes`` (n, 4) as x, y, w, h and ``centroids``
    (n, 2) as x, y, for labels 0..n-1.
    """

    labels: NDArray[np.int32]
    areas: NDArray[np.int64]
    boxes: NDArray[np.int64]
    centroids: NDArray[np.float64]

    @property
    def count(self) -> int:
        """Number of components, background excluded."""
        return len(self.areas) - 1

    def mask(self, label: int) -> tuple[NDArray[np.bool_], tuple[int, int]]:
        """Boolean mask of one component cropped to its box, and the box's (x, y)."""
        x, y, w, h = (int(v) for v in self.boxes[label])
        return self.labels[y:y + h, x:x + w] == label, (x, y)


def label_components(mask: NDArray[np.uint8]) -> Components:
    """8-connected labelling of a 0/non-zero uint8 image with per-component statistics."""
    if not isinstance(mask, np.ndarray) or mask.dtype != np.uint8 or mask.ndim != 2:
        got = f"{mask.shape} {mask.dtype}" if isinstance(mask, np.ndarray) else type(mask).__name__
        raise InputError(f"mask must be a 2-D uint8 array, got {got}")
    # OpenCV's labelling, then the statistics in one Numba pass: cv2.connectedComponentsWithStats
    # spends three times its labelling on them (bench/NOTES.md).
    n, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_32S)
    areas, boxes, centroids = component_statistics(labels, n)
    return Components(labels, areas, boxes, centroids)


def component_thickness(components: Components, labels: NDArray[np.integer] | None = None) -> NDArray[np.float64]:
    """Twice the largest inside-to-outside L2 distance of each component (its widest stroke).

    Returns one value per label 0..n-1; with ``labels`` only those are computed (the rest 0).
    Each component's distance transform runs on its own box grown by one pixel (clipped to the
    frame): components are maximal 8-connected sets, so every pixel around one inside the frame
    is background, and the crop gives what the whole frame's transform gives.
    """
    out = np.zeros(len(components.areas), np.float64)
    todo = range(1, len(components.areas)) if labels is None else labels
    hh, ww = components.labels.shape
    for lab in todo:
        x, y, w, h = (int(v) for v in components.boxes[lab])
        x0, y0, x1, y1 = max(0, x - 1), max(0, y - 1), min(ww, x + w + 1), min(hh, y + h + 1)
        m = (components.labels[y0:y1, x0:x1] == lab).astype(np.uint8)
        out[lab] = float(cv2.distanceTransform(m, cv2.DIST_L2, cv2.DIST_MASK_PRECISE).max())
    return 2.0 * out


def _holds_a_square(components: Components, r: int) -> NDArray[np.bool_]:
    """Which components hold a solid (2r+1)-square inside the frame: their inside lies r+1 px or
    more from the outside, so they are thicker than 2r+1 (any line width up to 2r+1 or 2r+2).
    One frame-wide erosion decides the thick components that per-component distance transforms
    would otherwise have to (most of them: the screens 2.3 -> 0.8 ms a frame)."""
    held = np.zeros(len(components.areas), np.bool_)
    fg = (components.labels > 0).astype(np.uint8)
    core = cv2.erode(fg, np.ones((2 * r + 1, 2 * r + 1), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    held[components.labels[core > 0]] = True
    held[0] = False
    return held


def screen_components(components: Components, *, min_length: int, max_line_width: int,
                      line_elongation: float) -> NDArray[np.bool_]:
    """Which components are objects (True) after the length and line screens; index 0 False."""
    w = components.boxes[:, 2]
    h = components.boxes[:, 3]
    length = np.maximum(w, h)
    keep = length >= min_length
    keep[0] = False
    # A component is no thicker than its box is narrow: where that bound already makes it a
    # line, or already too thick to be one, the distance transform is not needed.
    bound = np.minimum(w, h).astype(np.float64)
    surely_line = (bound <= max_line_width) & (length >= line_elongation * np.maximum(bound, 1.0))
    maybe_line = keep & ~surely_line & (length >= line_elongation)
    if maybe_line.any():
        maybe_line &= ~_holds_a_square(components, max_line_width // 2)
    thick = component_thickness(components, np.flatnonzero(maybe_line))
    line = surely_line | (maybe_line & (thick <= max_line_width) & (length >= line_elongation * np.maximum(thick, 1.0)))
    return keep & ~line
