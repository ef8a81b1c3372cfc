"""Cleaning the edge map into object masks: region-adaptive median filtering (paper 4.2.2),
multi-kernel nested morphology (4.2.3) and hole filling (4.3).

Readings (config.MovementConfig says which constants are choices):

* Region-adaptive median: the frame is cut into 3x3 equal regions; regions whose edge density is
  above the mean of the nine get the small kernel, the others the large one (the paper: denser
  edges, smaller kernel). A median of a one-pixel-wide edge map would erase every line, so the
  filter runs on the edge map after the 3x3 dilation that starts the morphology (4.2.3's first
  expansion): a 5x5 median then removes isolated specks (a dilated speck fills 9 of 25) and keeps
  lines (15 of 25).
* Nested morphology: closings (dilate, then erode by the same kernel) with kernels from small to
  large, each followed by hole filling. Going up one kernel size, a large-kernel component
  replaces the small-kernel pieces inside it (the union: a broken outline closed), unless it
  swallowed two or more object-sized pieces (the difference: the large kernel merged separate
  objects), in which case those pieces are kept as they were.
* Open bottoms (a refinement): an outline closed all round but for a gap at its foot, wider
  than the largest kernel (a dark object's lower edge lost in its contact shadow), is closed by
  a line between its two ends when that encloses a compact, empty hole above the line
  (:func:`close_open_bottoms`).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ..backend.cpu_kernels import merge_nested_level
from ..errors import InputError


def _check_binary(mask: NDArray[np.uint8], name: str = "mask") -> None:
    if not isinstance(mask, np.ndarray) or mask.dtype != np.uint8 or mask.ndim != 2:
        got = f"{mask.shape} {mask.dtype}" if isinstance(mask, np.ndarray) else type(mask).__name__
        raise InputError(f"{name} must be a 2-D uint8 array, got {got}")


def _square(k: int) -> NDArray[np.uint8]:
    return np.ones((k, k), np.uint8)


def region_grid(shape: tuple[int, int], grid: tuple[int, int]) -> NDArray[np.int64]:
    """(H, W) map of region indices 0..gx*gy-1 for a grid of gx columns by gy rows of equal size."""
    gx, gy = grid
    if gx < 1 or gy < 1:
        raise InputError(f"region grid must be at least 1x1, got {grid}")
    h, w = shape
    rows = np.minimum(np.arange(h) * gy // max(h, 1), gy - 1)
    cols = np.minimum(np.arange(w) * gx // max(w, 1), gx - 1)
    return rows[:, None] * gx + cols[None, :]


def region_kernel_sizes(edges: NDArray[np.uint8], *, grid: tuple[int, int],
                        kernels: tuple[int, int]) -> NDArray[np.int64]:
    """Median kernel per region: ``kernels[0]`` where the region's edge density is above the
    mean over regions, ``kernels[1]`` elsewhere. Returns (gy, gx)."""
    _check_binary(edges, "edges")
    gx, gy = grid
    if gx < 1 or gy < 1:
        raise InputError(f"region grid must be at least 1x1, got {grid}")
    h, w = edges.shape
    # Region bounds as region_grid draws them: row r holds rows i with i * gy // h == r.
    ys = [-(-r * h // gy) for r in range(gy + 1)]
    xs = [-(-c * w // gx) for c in range(gx + 1)]
    density = np.array([[np.count_nonzero(edges[ys[r]:ys[r + 1], xs[c]:xs[c + 1]])
                         / max(1, (ys[r + 1] - ys[r]) * (xs[c + 1] - xs[c])) for c in range(gx)]
                        for r in range(gy)]).ravel()
    dense = density > density.mean()
    return np.where(dense, kernels[0], kernels[1]).reshape(grid[1], grid[0])


def region_adaptive_median(mask: NDArray[np.uint8], kernel_sizes: NDArray[np.int64]) -> NDArray[np.uint8]:
    """Median filter whose (odd) kernel size varies by region (4.2.2).

    ``kernel_sizes`` is (gy, gx): one size per region of an equal grid over ``mask``. Each region
    is filtered with its kernel over the whole frame's neighbourhood (no seams at the borders).
    """
    _check_binary(mask)
    gy, gx = kernel_sizes.shape
    regions = region_grid(mask.shape, (gx, gy))
    out = np.empty_like(mask)
    for k in np.unique(kernel_sizes):
        if k < 1 or k % 2 == 0:
            raise InputError(f"median kernel sizes must be odd and positive, got {k}")
        filtered = cv2.medianBlur(mask, int(k)) if k > 1 else mask
        sel = (kernel_sizes.ravel() == k)[regions]
        out[sel] = filtered[sel]
    return out


def fill_holes(mask: NDArray[np.uint8], *, min_solidity: float = 0.0) -> NDArray[np.uint8]:
    """Fill background regions not connected to the frame border (4-connected, like
    ``scipy.ndimage.binary_fill_holes``); 0/255 uint8 in and out.

    With ``min_solidity`` > 0 a hole is filled only when its outline is nearly convex: the area
    inside its outer boundary is at least that fraction of its convex hull. An object's interior
    is compact; the wall showing through a shelf cell between the goods standing on its board is
    a comb-shaped hole, and filling it would weld every good and the shelving into one blob.
    """
    _check_binary(mask)
    if not 0.0 <= min_solidity <= 1.0:
        raise InputError(f"min_solidity must be in [0, 1], got {min_solidity}")
    h, w = mask.shape
    binary = cv2.threshold(mask, 0, 255, cv2.THRESH_BINARY)[1]
    padded = cv2.copyMakeBorder(binary, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    flood = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(padded, flood, (0, 0), 128, flags=4)
    inner = padded[1:-1, 1:-1]
    filled = cv2.compare(inner, 128, cv2.CMP_NE)  # 255 but where the border's background reached
    if min_solidity <= 0.0:
        return filled
    holes = (inner == 0).astype(np.uint8)
    n, labels = cv2.connectedComponents(holes, connectivity=8)  # 8: as findContours traces them
    if n <= 1:
        return filled
    contours, hierarchy = cv2.findContours(holes, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    keep = np.ones(n, bool)
    keep[0] = False
    for contour, (_, _, _, parent) in zip(contours, hierarchy[0]):
        if parent != -1:  # an island's boundary inside a hole, not a hole's outline
            continue
        hull = cv2.contourArea(cv2.convexHull(contour))
        area = cv2.contourArea(contour)
        if hull > 0 and area / hull < min_solidity:
            x, y = contour[0, 0]
            keep[labels[y, x]] = False
    return np.where((labels > 0) & ~keep[labels], 0, filled).astype(np.uint8)


def close(mask: NDArray[np.uint8], kernel: int) -> NDArray[np.uint8]:
    """Closing (dilate then erode) by a ``kernel`` square; 0/255 uint8 in and out."""
    _check_binary(mask)
    # Nothing beyond the frame dilates in, and the frame edge does not erode objects cut by it.
    grown = cv2.dilate(mask, _square(kernel), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.erode(grown, _square(kernel))


def close_and_fill(mask: NDArray[np.uint8], kernel: int, *, min_solidity: float = 0.0) -> NDArray[np.uint8]:
    """Closing (dilate then erode) by a ``kernel`` square, then hole filling."""
    return fill_holes(close(mask, kernel), min_solidity=min_solidity)


def nested_morphology(mask: NDArray[np.uint8], *, kernels: tuple[int, ...], min_object_area: int,
                      min_hole_solidity: float = 0.0) -> NDArray[np.uint8]:
    """Multi-kernel nested closing (4.2.3): object masks from an edge map, 0/255 uint8.

    Parameters
    ----------
    mask : (H, W) uint8
        Cleaned edge map (0/255).
    kernels : tuple of int, keyword-only
        Square kernel sizes, small to large.
    min_object_area : int, keyword-only
        A piece at least this large counts as an object when deciding whether a larger kernel
        merged separate objects.
    min_hole_solidity : float, keyword-only
        Holes less convex than this stay open (see :func:`fill_holes`).
    """
    _check_binary(mask)
    if not kernels or any(k < 1 for k in kernels) or list(kernels) != sorted(kernels):
        raise InputError(f"morphology kernels must be positive and ascending, got {kernels}")
    current = close_and_fill(mask, kernels[0], min_solidity=min_hole_solidity)
    for k in kernels[1:]:
        larger = close_and_fill(mask, k, min_solidity=min_hole_solidity) | current
        n_big, big = cv2.connectedComponents(larger, connectivity=8, ltype=cv2.CV_32S)
        n_small, small = cv2.connectedComponents(current, connectivity=8, ltype=cv2.CV_32S)
        current = merge_nested_level(small, n_small, big, n_big, min_object_area)
    return current


def thin_lines(mask: NDArray[np.uint8], *, max_width: int, min_length: int,
               limbs: bool = False) -> NDArray[np.uint8]:
    """Pixels of horizontal and vertical lines: runs at least ``min_length`` long whose extent
    across, counted over such runs only, is at most ``max_width``, and which are not flanked on
    both sides across by the rest of the mask (0/255 uint8).

    This is the paper's line screen (4.2.3: lines up to 13 px wide are not objects) applied to
    pixels rather than to whole components, so that a shelf board, a door or window frame or a
    wall seam touching an object is cut away from it instead of joining it to its neighbours.
    An object's own pixels are kept: where a long run continues into something thicker (a sofa's
    rows, the board under a wide box), the run is part of a thick region and not a line.

    With ``limbs``, an upright that hangs under a part wider than a line is kept too
    (:func:`_without_limbs`): a far chair's back under its head rail, a table's leg. Only where
    there is no shelving (a low-complexity image, 4.2): a shelving unit's uprights hang under
    its goods, and there they are lines that keep the bays apart.
    """
    _check_binary(mask)
    if max_width < 1 or min_length <= max_width:
        raise InputError(f"need 1 <= max_width < min_length, got max_width={max_width}, min_length={min_length}")
    lines = np.zeros_like(mask)
    along_h = np.ones((1, min_length), np.uint8)
    across_h = np.ones((max_width + 1, 1), np.uint8)
    column = np.ones((max_width + 2, 1), np.uint8)
    for along, across, flank in ((along_h, across_h, column), (along_h.T, across_h.T, column.T)):
        runs = _opening(mask, along)
        # Thin within the long runs: a board is thin even where a good stands on it, so it is cut
        # away from the good as well ...
        found = runs & ~_opening(runs, across)
        # ... unless the rest of the mask flanks it within the line width on both sides across:
        # then it is the middle of something wider (the strip down a bottle through its neck).
        rest = mask & ~found
        kh, kw = flank.shape
        before = cv2.dilate(rest, flank, anchor=(kw - 1, kh - 1))  # rest within reach above / left
        after = cv2.dilate(rest, flank, anchor=(0, 0))  # ... below / right
        cut = found & ~(before & after)
        if limbs and along.shape[0] > 1 and cut.any():
            cut = _without_limbs(cut, mask & ~cut, max_width)
        lines |= cut
    return lines


def _without_limbs(cut: NDArray[np.uint8], rest: NDArray[np.uint8], max_width: int) -> NDArray[np.uint8]:
    """``cut`` (upright line pixels) less the strips that hang under a part thicker than a line:
    the row over a strip's top holds the rest of the mask across all its columns and on past
    them, wider than a line (a chair's back under its head rail, a table's leg under its top)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cut, connectivity=8)
    w = cut.shape[1]
    limb = np.zeros(n, bool)
    for i in range(1, n):
        x, y, bw = (int(v) for v in stats[i, :3])
        row = rest[y - 1] > 0 if y > 0 else None
        if row is None or not row[x:x + bw].all():
            continue
        a, b = x, x + bw  # the rest's run over the strip, out to both ends
        while a > 0 and row[a - 1]:
            a -= 1
        while b < w and row[b]:
            b += 1
        limb[i] = b - a > max_width
    if not limb.any():
        return cut
    return np.where(limb[labels], np.uint8(0), cut)


def _opening(mask: NDArray[np.uint8], kernel: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Exact opening for any kernel size: OpenCV's dilation does not reflect the kernel, so an
    even-sized one needs the mirrored anchor to land back where the erosion started."""
    kh, kw = kernel.shape
    anchor = (kw // 2, kh // 2)
    eroded = cv2.erode(mask, kernel, anchor=anchor, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.dilate(eroded, kernel, anchor=(kw - 1 - anchor[0], kh - 1 - anchor[1]),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0)


# The 8 neighbours in order round the pixel (dy, dx), for the crossing number.
_RING = ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))


def line_ends(edges: NDArray[np.uint8]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(ys, xs) of the ends of the lines of an edge map: edge pixels with one or two neighbours,
    all in one run round the pixel (crossing number 1), so that a tip two pixels thick (Canny's
    scales disagreeing by a pixel) is an end too, and a pixel along a line is not."""
    _check_binary(edges, "edges")
    thin = cv2.threshold(edges, 0, 1, cv2.THRESH_BINARY)[1]
    count = cv2.filter2D(thin, -1, _square(3), borderType=cv2.BORDER_CONSTANT)  # itself + neighbours
    found = cv2.findNonZero(cv2.inRange(count, 2, 3) & cv2.inRange(thin, 1, 1))
    if found is None:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    found = found.reshape(-1, 2)  # (n, 1, 2) in OpenCV 4, (n, 2) in OpenCV 5
    xs, ys = found[:, 0].astype(np.intp), found[:, 1].astype(np.intp)
    padded = cv2.copyMakeBorder(thin, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    ring = np.stack([padded[ys + 1 + dy, xs + 1 + dx] for dy, dx in _RING], axis=1)
    rises = ((ring == 0) & (np.roll(ring, -1, axis=1) == 1)).sum(axis=1)
    end = rises == 1
    return ys[end], xs[end]


# An arch's inside is one object's plain face: a hole already this much object (filled by a
# closing round the gap, or holding other objects: the floor seen between room lines) is not one.
_MAX_SOLID_IN_ARCH = 0.1


def close_open_bottoms(edges: NDArray[np.uint8], cleaned: NDArray[np.uint8], solid: NDArray[np.uint8], *,
                       min_area: int, min_solidity: float, max_gap_share: float,
                       max_trials: int = 32) -> NDArray[np.uint8]:
    """``solid`` with the outlines that are closed but for a gap at the bottom filled in.

    An object standing on the floor casts a contact shadow, and a dark one loses its bottom
    edge in it: the outline comes out as an arch, open below, and no closing of the paper's
    sizes (4.2.3) bridges a gap as wide as a table. Two ends of one outline (:func:`line_ends` of
    ``edges`` in one component of ``cleaned``) are joined by a line rising at most 2 px
    a pixel across (a lost bottom corner takes a stretch of the side with it), shortest pairs
    first, when that closes a new hole (not filled yet) which

    * lies above the line (the gap is the bottom of what it encloses),
    * is at least ``min_area`` pixels,
    * is compact (its area at least ``min_solidity`` of its convex hull's),
    * is mostly enclosed already: the line is at most ``max_gap_share`` of its perimeter,
    * and is empty: at most a tenth of it is ``solid`` already.

    A pair is tried (a hole filling of its outline's box) only when, from just above the line's
    middle (outside any object and any hole the outline closes already), the outline is met
    going up, left and right, and the line crosses no other line; at most ``max_trials`` tries an
    outline. Returns ``solid`` itself when nothing is closed; ``max_gap_share`` 0 switches the
    step off (about 7 ms a 800x600 frame on one core).
    """
    _check_binary(edges, "edges")
    _check_binary(cleaned, "cleaned")
    _check_binary(solid, "solid")
    if not edges.shape == cleaned.shape == solid.shape:
        raise InputError(f"edges, cleaned and solid differ in shape: {edges.shape}, {cleaned.shape}, {solid.shape}")
    if max_gap_share <= 0:  # switched off (no gap is small enough)
        return solid
    ys, xs = line_ends(edges)
    # An arch ends at its feet: lines that end there come from above or aside; one that goes on
    # right below (within 2 px) ends at its top, never a gap's side.
    H, W = solid.shape
    padded = cv2.copyMakeBorder(edges, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=0)
    below = np.zeros(ys.size, bool)
    for dy in (1, 2):
        for dx in (-1, 0, 1):
            below |= padded[ys + 2 + dy, xs + 2 + dx] > 0
    ys, xs = ys[~below], xs[~below]
    if ys.size < 2:
        return solid
    _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(cleaned, 8, cv2.CV_32S, cv2.CCL_GRANA)
    # The median rounds the outline's tips off: an end belongs to the component within 2 px.
    around = cv2.copyMakeBorder(labels, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=0)
    owner = np.zeros(ys.size, np.int32)
    for dy in range(5):
        for dx in range(5):
            owner = np.maximum(owner, around[ys + dy, xs + dx])
    out = None
    for lab in np.unique(owner[owner > 0]):
        sel = np.flatnonzero(owner == lab)
        if sel.size < 2:
            continue
        ex, ey = xs[sel].astype(np.int64), ys[sel].astype(np.int64)
        ddx, ddy = np.abs(ex[:, None] - ex[None, :]), np.abs(ey[:, None] - ey[None, :])
        a, b = np.nonzero(np.triu((ddy <= 2 * ddx) & (ddx >= 3), 1))
        if a.size == 0:
            continue
        x, y, w, h = (int(v) for v in stats[lab, :4])
        x0, y0, x1, y1 = max(0, x - 2), max(0, y - 2), min(W, x + w + 2), min(H, y + h + 2)
        lines = np.where(labels[y0:y1, x0:x1] == lab, np.uint8(255), np.uint8(0))
        # From just above each line's middle the outline must be met going up, left and right
        # (all pairs at once: running counts over the probed columns and rows say where).
        mx, my = (ex[a] + ex[b]) // 2 - x0, (ey[a] + ey[b]) // 2 - 3 - y0
        keep = (my >= 1) & (mx >= 1) & (mx < x1 - x0 - 1)
        a, b, mx, my = a[keep], b[keep], mx[keep], my[keep]
        on = lines > 0
        cols, col_of = np.unique(mx, return_inverse=True)
        rows, row_of = np.unique(my, return_inverse=True)
        above = np.cumsum(on[:, cols], axis=0)  # lines at or above, per probed column
        along = np.cumsum(on[rows, :], axis=1)  # lines at or left of, per probed row
        keep = (~on[my, mx] & (above[my - 1, col_of] > 0) & (along[row_of, mx - 1] > 0)
                & (along[row_of, -1] > along[row_of, mx]) & (solid[my + y0, mx + x0] == 0))
        a, b, mx, my = a[keep], b[keep], mx[keep], my[keep]
        if a.size == 0:
            continue
        before = fill_holes(lines)
        keep = before[my, mx] == 0  # not inside a hole the outline closes already
        a, b = a[keep], b[keep]
        if a.size == 0:
            continue
        a, b = _not_crossing(on, ex[a] - x0, ey[a] - y0, ex[b] - x0, ey[b] - y0, a, b)
        if a.size == 0:
            continue
        order = np.argsort(np.hypot(ddx[a, b], ddy[a, b]), kind="stable")
        used: set[int] = set()
        trials = 0
        for k in order:
            i, j = int(a[k]), int(b[k])
            if i in used or j in used:
                continue
            p, q = (int(ex[i]) - x0, int(ey[i]) - y0), (int(ex[j]) - x0, int(ey[j]) - y0)
            if trials == max_trials:
                break
            trials += 1
            trial = lines.copy()
            cv2.line(trial, p, q, 255, 3)
            filled = fill_holes(trial)
            hole = (filled > 0) & (before == 0) & (trial == 0)
            area = int(hole.sum())
            length = float(np.hypot(p[0] - q[0], p[1] - q[1]))
            if area < min_area or not _arch_hole(hole, max(p[1], q[1]), length, min_solidity, max_gap_share):
                continue
            if int((solid[y0:y1, x0:x1][hole] > 0).sum()) > _MAX_SOLID_IN_ARCH * area:
                continue  # filled already (a closing bridged the gap), or other objects stand in it
            if out is None:
                out = solid.copy()
            out[y0:y1, x0:x1][hole | ((trial > 0) & (lines == 0))] = 255
            lines, before = trial, filled
            used |= {i, j}
    return solid if out is None else out


def _not_crossing(on: NDArray[np.bool_], px: NDArray[np.int64], py: NDArray[np.int64], qx: NDArray[np.int64],
                  qy: NDArray[np.int64], *keys: NDArray[np.intp]) -> tuple[NDArray[np.intp], ...]:
    """``keys`` of the straight lines from (px, py) to (qx, qy) that cross no pixel of ``on``
    away from their two ends (3 px each), sampled a pixel step at a time (all lines at once, a
    chunk of them at a time)."""
    steps = np.maximum(np.abs(qx - px), np.abs(qy - py))
    n = int(steps.max()) + 1
    k = np.arange(n)[None, :]
    free = np.zeros(px.size, bool)
    chunk = max(1, (1 << 20) // n)  # about a million samples at a time
    for s in range(0, px.size, chunk):
        c = slice(s, s + chunk)
        st = np.maximum(steps[c, None], 1)
        inner = (k >= 3) & (k <= steps[c, None] - 3)  # one sample a pixel step, ends left out
        t = np.minimum(k, st) / st
        bx = np.rint(px[c, None] + t * (qx - px)[c, None]).astype(np.int64)
        by = np.rint(py[c, None] + t * (qy - py)[c, None]).astype(np.int64)
        free[c] = ~(on[by, bx] & inner).any(axis=1)
    return tuple(k_[free] for k_ in keys)


def _arch_hole(hole: NDArray[np.bool_], bridge_bottom: int, bridge_length: float, min_solidity: float,
               max_gap_share: float) -> bool:
    """Whether a hole closed by a bridge is an object's inside seen above its missing bottom."""
    rows = np.flatnonzero(hole.any(axis=1))
    if rows[-1] > bridge_bottom + 2:  # the hole reaches below the bridge: not a bottom
        return False
    contours, _ = cv2.findContours(hole.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea)
    hull = cv2.contourArea(cv2.convexHull(contour))
    if hull <= 0 or cv2.contourArea(contour) / hull < min_solidity:
        return False
    return bridge_length <= max_gap_share * cv2.arcLength(contour, True)
