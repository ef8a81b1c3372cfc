"""Shelf boards seen through a blob: goods, not furniture (paper 4.3).

Paper 4.3 describes shelving as holding many small objects of similar sizes. In a
high-complexity region the edge-density segmentation welds the goods of a shelf cell, with the
board they stand on, into one blob that Table 1 may size as furniture. Occlusion tells such a
blob from a piece of furniture standing before the shelving: furniture hides the boards behind
it, so a board's line stops at its outline; goods stand *on* the boards, which run on through the
blob and past it on both sides.

:func:`boards_through` asks whether a near-straight horizontal line of the frame's edge map
crosses one of the blob's inner rows (well inside its outline, so that the floor line meeting a
sofa's foot, or a board level with a cabinet's top, does not count) over the blob's whole width
and on past both of its sides. A drawer line or a cushion seam ends at the object's sides; a
line seen in the gap of an L-shaped chair is blocked by the chair's back, and the span is
measured over the whole box.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

# Edges within a row either way of a line still make the line (a board drawn at a slight slant
# or an edge detector's one-pixel wobble), and gaps up to 4 px along it are bridged (where a
# bottle's outline meets the board's edge the detector can break the line).
_WOBBLE = np.ones((3, 1), np.uint8)
_BRIDGE = np.ones((1, 5), np.uint8)
# The surfaces either side of a line are read from bands _BAND rows high, _GAP rows off the
# line (past the edge detector's blur and the wobble above).
_BAND = 3
_GAP = 2


def horizontal_lines(edges: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """The edge map of a frame (0/255 uint8) made fit to follow horizontal lines along: each
    edge thickened a row either way, gaps along a row up to 4 px bridged."""
    if edges.ndim != 2 or edges.dtype != np.uint8:
        raise InputError(f"edges must be a 2-D uint8 map, got {edges.shape} {edges.dtype}")
    e = cv2.dilate((edges > 0).astype(np.uint8), _WOBBLE)
    return cv2.morphologyEx(e, cv2.MORPH_CLOSE, _BRIDGE, borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0


def boards_through(lines: NDArray[np.bool_], gray: NDArray[np.uint8], box: tuple[int, int, int, int],
                   mask: NDArray[np.bool_], *, margin: int, inset: int, fill: float, same_grey: float) -> bool:
    """Whether a shelf board runs through the blob whose box-sized ``mask`` lies at ``box``
    (x, y, w, h) in the frame ``gray`` with line map ``lines`` (:func:`horizontal_lines`).

    The board is a row the mask still holds when eroded by an ``inset`` x ``inset`` square where
    at least ``fill`` of the columns from ``margin`` before the box to ``margin`` past it (the
    frame's edge where it comes first: the shelving runs on out of view) hold a line, and where
    the same surfaces lie either side of that line within the box as beside it: the median grey
    of a band just above the line, and of one just below, differ by at most ``same_grey`` between
    the box's columns and the margins'. A board level with the top of a table standing before
    the shelving is still a line through the blob when goods above weld to the table, but the
    table's face, not the board's, lies under it. False when no row lies that far inside.
    """
    x, y, w, h = box
    if mask.shape != (h, w):
        raise InputError(f"mask shape {mask.shape} does not match the box {box}")
    if gray.shape != lines.shape:
        raise InputError(f"frame shape {gray.shape} differs from the line map's {lines.shape}")
    width = lines.shape[1]
    x0, x1 = max(0, x - margin), min(width, x + w + margin)
    if x0 == x and x1 == x + w:
        return False  # the box spans the frame: nothing beside it to run on through
    inner = cv2.erode(mask.astype(np.uint8), np.ones((inset, inset), np.uint8),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0)
    rows = np.flatnonzero(inner.any(axis=1)) + y
    rows = rows[lines[rows, x0:x1].mean(axis=1) >= fill]
    return any(_same_surfaces(gray, int(r), x, x + w, x0, x1, same_grey) for r in rows)


def _same_surfaces(gray: NDArray[np.uint8], row: int, x: int, x_end: int, x0: int, x1: int,
                   same_grey: float) -> bool:
    """Whether the bands just above and just below the line at ``row`` look alike (median grey
    within ``same_grey``) over columns x..x_end and over the rest of x0..x1."""
    for top in (row - _GAP - _BAND, row + _GAP + 1):
        if top < 0 or top + _BAND > gray.shape[0]:
            return False
        band = gray[top:top + _BAND, x0:x1]
        inside = band[:, x - x0:x_end - x0]
        beside = np.concatenate([band[:, :x - x0], band[:, x_end - x0:]], axis=1)
        if abs(float(np.median(inside)) - float(np.median(beside))) > same_grey:
            return False
    return True
