"""Wall features: what hangs on the walls is background, not furniture (paper 2.1, 4.2).

The paper counts the non-structural components that may move; ground, walls and ceiling are
background. A window, a door or a framed picture on the back wall is cut out by the edges like
any object and, far from the camera, is sized as furniture by Table 1, so it would swell the
furniture totals of every room (and the moved fraction that decides VII from VIII shrinks).

Furniture stands on the floor. The line where the wall meets the floor tells the two apart
where it shows beside an object (:func:`hangs_on_wall`):

* behind an object standing on the floor, the line crosses both sides of it *above* its bottom
  (the object hides the stretch between);
* below something on the wall, the line crosses both sides of it at or *below* its bottom
  (down to twice its height below: a picture hangs high), and not beside its lower half.

A line is read from the room's edges (:func:`room_edges`: the edge map less the objects'
outlines): a row where nearly every column of a strip beside the object holds an edge, within a
row either way. It must part two surfaces, wall above and floor below, which differ in grey
level on both sides of the object the same way: a seam between two floor tiles, or a wall
shelf's board, has the same surface either side and decides nothing. Where no such line shows (an object in the middle
of the floor), nothing is decided: the object is furniture as Table 1 says.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

_NEAR = np.ones((5, 5), np.uint8)  # an object's outline lies within 2 px of its mask


def room_edges(edges: NDArray[np.uint8], objects: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The edges that are not an object's outline (the room's own lines: where walls, floor and
    ceiling meet, tile seams), from a frame's 0/255 edge map and object mask; 0/255 uint8."""
    if edges.ndim != 2 or objects.shape != edges.shape or edges.dtype != np.uint8 or objects.dtype != np.uint8:
        raise InputError(f"edges and objects must be 2-D uint8 maps alike, got {edges.shape} {edges.dtype} "
                         f"and {objects.shape} {objects.dtype}")
    return cv2.bitwise_and(edges, cv2.bitwise_not(cv2.dilate(objects, _NEAR)))


def _crossing_rows(lines: NDArray[np.uint8], x0: int, x1: int, y0: int, y1: int, fill: float) -> NDArray[np.bool_]:
    """For rows y0..y1-1 (clipped to the frame), whether a line crosses columns x0..x1-1: at
    least ``fill`` of them hold an edge within a row either way."""
    h, w = lines.shape
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if x1 - x0 < 3 or y1 <= y0:
        return np.zeros(max(0, y1 - y0), bool)
    lo, hi = max(0, y0 - 1), min(h, y1 + 1)
    band = cv2.dilate(lines[lo:hi, x0:x1], np.ones((3, 1), np.uint8)) > 0
    return band[y0 - lo:y1 - lo].mean(axis=1) >= fill


def _surfaces_differ(gray: NDArray[np.uint8], row: int, sides: tuple[tuple[int, int], ...], step: float,
                     reach: int) -> bool:
    """Whether, in each of the column ranges ``sides``, the frame's mean grey level over the
    ``reach`` rows that start ``reach`` rows above ``row`` differs by more than ``step``, the same
    way, from that over the ``reach`` rows that end ``reach`` rows below it: the surfaces either
    side of a line as thick as ``reach`` (a skirting board, a shelf's board), which is seen
    from its edge on one side or the other, not the line itself."""
    h, w = gray.shape
    signs = []
    for a, b in sides:
        a, b = max(0, a), min(w, b)
        above = gray[max(0, row - 2 * reach):max(0, row - reach), a:b]
        below = gray[min(h, row + reach + 1):min(h, row + 2 * reach + 1), a:b]
        if above.size == 0 or below.size == 0:
            return False
        d = float(above.mean()) - float(below.mean())
        if abs(d) <= step:
            return False
        signs.append(d > 0)
    return all(signs) or not any(signs)


def hangs_on_wall(gray: NDArray[np.uint8], lines: NDArray[np.uint8], box: tuple[int, int, int, int], *,
                  strip: int, tolerance: int, step: float, fill: float = 0.7) -> bool:
    """Whether the object in ``box`` (x, y, w, h) hangs on a wall rather than stands on the
    floor (module doc).

    Parameters
    ----------
    gray : (H, W) uint8
        The frame.
    lines : (H, W) uint8
        :func:`room_edges` of the frame (non-zero = edge).
    box : (x, y, w, h)
    strip : int
        Width of the strips looked at on each side of the object, px.
    tolerance : int
        How far above the object's bottom the line may lie and still be its foot: a door's
        mask takes in the skirting under it, and the segmentation jitters.
    step : float
        Grey-level difference between the wall above the line and the floor below it.
    fill : float
        Share of a strip's columns that must hold an edge for a row to be a line across it.
    """
    if gray.ndim != 2 or lines.shape != gray.shape:
        raise InputError(f"gray and lines must be 2-D maps alike, got {gray.shape} and {lines.shape}")
    x, y, w, h = box
    if w < 1 or h < 1 or strip < 3:
        raise InputError(f"need a non-empty box and a strip of 3 px or more, got {box} and {strip}")
    bottom = y + h
    top = max(0, y + h // 2)
    sides = ((x - strip - 2, x - 2), (x + w + 2, x + w + strip + 2))
    both = np.logical_and(*(_crossing_rows(lines, a, b, top, bottom + 2 * h, fill) for a, b in sides))
    rows = [int(r) for r in np.flatnonzero(both) + top if _surfaces_differ(gray, int(r), sides, step, strip // 2 + 1)]
    # None, or one behind it (the wall line passing behind something that stands before the
    # wall; a wall shelf's board behind its goods parts wall from wall, and does not count).
    return bool(rows) and min(rows) >= bottom - tolerance
