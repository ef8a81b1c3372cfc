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
    _, labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_32S)
    return Components(labels, stats[:, cv2.CC_STAT_AREA].astype(np.int64), stats[:, :4].astype(np.int64),
                      centroids.astype(np.float64))


def component_thickness(components: Components) -> NDArray[np.float64]:
    """Twice the largest inside-to-outside L2 distance of each component (its widest stroke)."""
    fg = (components.labels > 0).astype(np.uint8)
    dist = cv2.distanceTransform(fg, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    out = np.zeros(len(components.areas), np.float64)
    sel = components.labels > 0
    np.maximum.at(out, components.labels[sel], dist[sel])
    return 2.0 * out


def screen_components(components: Components, *, min_length: int, max_line_width: int,
                      line_elongation: float) -> NDArray[np.bool_]:
    """Which components are objects (True) after the length and line screens; index 0 False."""
    w = components.boxes[:, 2]
    h = components.boxes[:, 3]
    length = np.maximum(w, h)
    keep = length >= min_length
    thick = component_thickness(components)
    line = (thick <= max_line_width) & (length >= line_elongation * np.maximum(thick, 1.0))
    keep &= ~line
    keep[0] = False
    return keep
