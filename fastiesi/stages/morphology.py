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


def close_and_fill(mask: NDArray[np.uint8], kernel: int, *, min_solidity: float = 0.0) -> NDArray[np.uint8]:
    """Closing (dilate then erode) by a ``kernel`` square, then hole filling."""
    _check_binary(mask)
    # Nothing beyond the frame dilates in, and the frame edge does not erode objects cut by it.
    grown = cv2.dilate(mask, _square(kernel), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return fill_holes(cv2.erode(grown, _square(kernel)), min_solidity=min_solidity)


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


def thin_lines(mask: NDArray[np.uint8], *, max_width: int, min_length: int) -> NDArray[np.uint8]:
    """Pixels of horizontal and vertical lines: runs at least ``min_length`` long whose extent
    across, counted over such runs only, is at most ``max_width``, and which are not flanked on
    both sides across by the rest of the mask (0/255 uint8).

    This is the paper's line screen (4.2.3: lines up to 13 px wide are not objects) applied to
    pixels rather than to whole components, so that a shelf board, a door or window frame or a
    wall seam touching an object is cut away from it instead of joining it to its neighbours.
    An object's own pixels are kept: where a long run continues into something thicker (a sofa's
    rows, the board under a wide box), the run is part of a thick region and not a line.
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
        lines |= found & ~(before & after)
    return lines


def _opening(mask: NDArray[np.uint8], kernel: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Exact opening for any kernel size: OpenCV's dilation does not reflect the kernel, so an
    even-sized one needs the mirrored anchor to land back where the erosion started."""
    kh, kw = kernel.shape
    anchor = (kw // 2, kh // 2)
    eroded = cv2.erode(mask, kernel, anchor=anchor, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.dilate(eroded, kernel, anchor=(kw - 1 - anchor[0], kh - 1 - anchor[1]),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0)
