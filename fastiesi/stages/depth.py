"""Depth-of-field regions (paper section 3.1).

Two circular arcs split a frame into near, central and far regions. They are defined on the
800x600 reference frame and scaled to any frame size:

* near/central: through (0, 0.9H), (W, 0.9H) and the apex (W/2, 0.75H);
* central/far:  through (0, 0.6H), (W, 0.6H) and the apex (W/2, 0.4H).

An object's region is the region of its lowest point. Where an object spans regions, the paper's
compensation applies: a tall object (its longest edge near vertical, cabinets, fridges) keeps the
region of its lowest point and lends it to the objects resting on it; any other spanning object
takes the region of its centre ("the central target region"; our reading: the region holding
the object's centroid).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ..config import DEFAULT_CONFIG, REGIONS, DepthConfig, Region
from ..errors import InputError

NEAR, CENTRAL, FAR = 0, 1, 2  # region codes in region maps, the order of config.REGIONS


@dataclass(frozen=True)
class Arc:
    """A circular arc y(x) through (0, end_y), (width, end_y) and apex (width/2, apex_y)."""

    width: float
    end_y: float
    apex_y: float

    @functools.cached_property
    def center_y(self) -> float:
        half = self.width / 2.0
        return (half**2 + self.end_y**2 - self.apex_y**2) / (2.0 * (self.end_y - self.apex_y))

    @functools.cached_property
    def radius(self) -> float:
        return self.center_y - self.apex_y

    def y(self, x: Any, xp: Any = np) -> Any:
        """Image row of the arc at column(s) ``x`` (y grows downwards, the apex is highest)."""
        dx = xp.asarray(x, dtype=xp.float64) - self.width / 2.0
        # Beyond the circle's horizontal reach (never inside a frame) the boundary is flat.
        inside = xp.maximum(self.radius**2 - dx * dx, 0.0)
        return self.center_y - xp.sqrt(inside)

    def y_at(self, x: float) -> float:
        """:meth:`y` of one column, in plain floats (the same operations, so the same result)."""
        dx = float(x) - self.width / 2.0
        return self.center_y - math.sqrt(max(self.radius**2 - dx * dx, 0.0))


@dataclass(frozen=True)
class DepthRegions:
    """The region geometry of one frame.

    Parameters
    ----------
    frame_shape : (height, width)
        The full frame the arcs are laid on (before any crop).
    origin : (x, y)
        Where the analysed image's (0, 0) lies in the full frame (a crop's offset, 2.3).
    """

    frame_shape: tuple[int, int]
    origin: tuple[int, int] = (0, 0)
    config: DepthConfig = DEFAULT_CONFIG.depth

    def __post_init__(self) -> None:
        h, w = self.frame_shape
        if h <= 0 or w <= 0:
            raise InputError(f"frame shape must be positive, got {self.frame_shape}")
        c = self.config
        if not 0.0 < c.far_arc_apex_y < c.far_arc_end_y <= 1.0 or not c.near_arc_apex_y < c.near_arc_end_y <= 1.0:
            raise InputError("depth arcs need 0 < apex_y < end_y <= 1 (the apex is above the ends)")

    @functools.cached_property
    def _arcs(self) -> tuple[Arc, Arc]:
        c = self.config
        rw, rh = c.reference_width, c.reference_height
        return (Arc(rw, c.near_arc_end_y * rh, c.near_arc_apex_y * rh),
                Arc(rw, c.far_arc_end_y * rh, c.far_arc_apex_y * rh))

    def _to_reference(self, x: Any, y: Any, xp: Any) -> tuple[Any, Any]:
        h, w = self.frame_shape
        c = self.config
        sx, sy = c.reference_width / w, c.reference_height / h
        ox, oy = self.origin
        return (xp.asarray(x, dtype=xp.float64) + ox) * sx, (xp.asarray(y, dtype=xp.float64) + oy) * sy

    def boundary_rows(self, xs: Any, xp: Any = np) -> tuple[Any, Any]:
        """Rows (analysed-image coordinates) of the near/central and central/far arcs at columns xs."""
        h, w = self.frame_shape
        c = self.config
        near, far = self._arcs
        rx, _ = self._to_reference(xs, 0, xp)
        to_img = h / c.reference_height
        oy = self.origin[1]
        return near.y(rx, xp) * to_img - oy, far.y(rx, xp) * to_img - oy

    def boundary_row_ranges(self, x0: float, x1: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """(lowest, highest) row of the near and the far arc over columns [x0, x1] (analysed-image
        coordinates), from at most three points: each arc is a circle's upper part, highest at
        the frame's middle column and falling away monotonically on either side."""
        h, w = self.frame_shape
        c = self.config
        sx, sy = c.reference_width / w, c.reference_height / h
        ox, oy = self.origin
        r0, r1 = (x0 + ox) * sx, (x1 + ox) * sx
        mid = c.reference_width / 2.0
        out = []
        for arc in self._arcs:
            ends = (arc.y_at(r0), arc.y_at(r1))
            top = arc.y_at(mid) if r0 <= mid <= r1 else min(ends)
            out.append((top / sy - oy, max(ends) / sy - oy))
        return out[0], out[1]

    def region_codes(self, xs: Any, ys: Any, xp: Any = np) -> Any:
        """Region code (NEAR=0, CENTRAL=1, FAR=2) of each point (analysed-image coordinates)."""
        near, far = self._arcs
        rx, ry = self._to_reference(xs, ys, xp)
        code = xp.full(xp.broadcast(rx, ry).shape, CENTRAL, dtype=xp.uint8)
        code[ry >= near.y(rx, xp)] = NEAR
        code[ry < far.y(rx, xp)] = FAR
        return code

    def code_of_point(self, x: float, y: float) -> int:
        """:meth:`region_codes` of one point, in plain floats."""
        near, far = self._arcs
        h, w = self.frame_shape
        c = self.config
        rx = (float(x) + self.origin[0]) * (c.reference_width / w)
        ry = (float(y) + self.origin[1]) * (c.reference_height / h)
        if ry >= near.y_at(rx):
            return NEAR
        return FAR if ry < far.y_at(rx) else CENTRAL

    def codes_of_mask(self, mask: NDArray[np.bool_], offset: tuple[int, int]) -> NDArray[np.uint8]:
        """Region codes of a boolean mask's pixels (the mask's (0, 0) at ``offset`` in the
        analysed image), in row-major order."""
        h, w = self.frame_shape
        fx, fy = offset[0] + self.origin[0], offset[1] + self.origin[1]
        mh, mw = mask.shape
        if fx < 0 or fy < 0 or fx + mw > w or fy + mh > h:
            ys, xs = np.nonzero(mask)
            return self.region_codes(xs + offset[0], ys + offset[1])
        return _frame_region_map(self.frame_shape, self.config)[fy:fy + mh, fx:fx + mw][mask]

    def region_of_point(self, x: float, y: float) -> Region:
        return REGIONS[self.code_of_point(x, y)]

    def region_map(self, shape: tuple[int, int], xp: Any = np) -> Any:
        """A (height, width) uint8 map of region codes for the analysed image of ``shape``."""
        h, w = shape
        ys = xp.arange(h, dtype=xp.float64)[:, None]
        xs = xp.arange(w, dtype=xp.float64)[None, :]
        return self.region_codes(xs, ys, xp)


@functools.lru_cache(maxsize=8)
def _frame_region_map(frame_shape: tuple[int, int], config: DepthConfig) -> NDArray[np.uint8]:
    m = DepthRegions(frame_shape, config=config).region_map(frame_shape)
    m.setflags(write=False)  # shared between callers
    return m


def longest_edge_verticality(mask: NDArray[np.bool_]) -> float:
    """|sin| of the angle of the longest edge of the object's outline (1 = vertical, 0 = flat).

    The outline is the largest outer contour simplified by Douglas-Peucker at 2 % of its
    perimeter, so a perspective-drawn box keeps its real sides and loses pixel stairs.
    """
    m = np.ascontiguousarray(mask, dtype=np.uint8)
    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        raise InputError("object mask is empty")
    contour = max(contours, key=cv2.contourArea)
    poly = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True).reshape(-1, 2)
    if len(poly) < 2:
        return 0.0
    d = np.diff(np.vstack([poly, poly[:1]]), axis=0).astype(np.float64)
    lengths = np.hypot(d[:, 0], d[:, 1])
    i = int(np.argmax(lengths))
    return float(abs(d[i, 1]) / lengths[i]) if lengths[i] > 0 else 0.0


@dataclass(frozen=True)
class ObjectPlacement:
    """Where an object sits in depth: its region and how that was decided."""

    region: Region
    lowest_point: tuple[float, float]
    spans_regions: bool
    tall: bool
    verticality: float


def object_placement(mask: NDArray[np.bool_], regions: DepthRegions, *,
                     offset: tuple[int, int] = (0, 0)) -> ObjectPlacement:
    """Region of one object given its boolean mask (paper 3.1, with the tall-object compensation).

    Parameters
    ----------
    mask : (h, w) bool ndarray
        The object's pixels: the whole analysed image, or a crop of it placed at ``offset``.
    regions : DepthRegions
        The frame's region geometry.
    offset : (x, y), keyword-only
        Where the mask's (0, 0) lies in the analysed image (a component's bounding-box corner).
    """
    if mask.ndim != 2:
        raise InputError(f"object mask must be 2-D, got shape {mask.shape}")
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        raise InputError("object mask is empty")
    cols = np.flatnonzero(mask.any(axis=0))
    bottom = int(rows[-1]) + offset[1]
    xb = np.flatnonzero(mask[rows[-1]])
    n = len(xb)
    lowest = ((int(xb[(n - 1) // 2]) + int(xb[n // 2])) / 2.0 + offset[0], float(bottom))  # median
    lowest_code = regions.code_of_point(*lowest)
    # Most objects lie clear of both arcs (a pixel's margin on each side over the object's
    # columns): then every pixel has the lowest point's region, with no per-pixel lookup.
    top = int(rows[0]) + offset[1]
    ranges = regions.boundary_row_ranges(float(cols[0] + offset[0]), float(cols[-1] + offset[0]))
    if all(lo > bottom + 1 or hi < top - 1 for lo, hi in ranges):
        return ObjectPlacement(REGIONS[lowest_code], lowest, False, False, math.nan)
    codes = regions.codes_of_mask(mask, offset)
    spans = bool(codes.min() != codes.max())
    if not spans:
        return ObjectPlacement(REGIONS[lowest_code], lowest, False, False, math.nan)
    vert = longest_edge_verticality(mask)
    if vert >= regions.config.tall_verticality:
        return ObjectPlacement(REGIONS[lowest_code], lowest, True, True, vert)
    ys, xs = np.nonzero(mask)
    centre_code = regions.code_of_point(float(xs.mean()) + offset[0], float(ys.mean()) + offset[1])
    return ObjectPlacement(REGIONS[centre_code], lowest, True, False, vert)


def inherit_from_tall(
    placements: list[ObjectPlacement],
    boxes: list[tuple[int, int, int, int]],
    *,
    rest_gap_px: float,
) -> list[Region]:
    """Objects standing on or in front of a tall object take the tall object's region (3.1).

    An object "belongs" to a tall object when its lowest point lies horizontally within the tall
    object's box and vertically between ``rest_gap_px`` above its top and its bottom; the lowest
    tall object that claims it wins (it is the nearest one).

    Parameters
    ----------
    placements : list of ObjectPlacement
    boxes : list of (x, y, w, h)
        The objects' bounding boxes, same order.
    rest_gap_px : float
        How far above a tall object's top an object may end and still rest on it.
    """
    if len(placements) != len(boxes):
        raise InputError("placements and boxes differ in length")
    regions = [p.region for p in placements]
    tall = sorted((i for i, p in enumerate(placements) if p.tall), key=lambda i: -placements[i].lowest_point[1])
    for i, p in enumerate(placements):
        if p.tall:
            continue
        lx, ly = p.lowest_point
        for t in tall:
            x, y, w, h = boxes[t]
            if x <= lx < x + w and y - rest_gap_px <= ly < y + h:
                regions[i] = placements[t].region
                break
    return regions
