"""Connected-component labelling with per-component statistics on the GPU (Numba CUDA).

Union-find labelling in the style of the published GPU algorithms (Oliveira & Lotufo 2010;
Playne & Hawick 2018): every foreground pixel starts as its own root; each pixel merges with its
already-scanned 8-neighbours (W, NW, N, NE) by lock-free union on the minimum index (atomic min,
retried until it holds); a flattening pass points every pixel at its root; one more pass adds
each pixel into its root's area, bounding box and coordinate sums. Batched: the third grid
dimension is the image; indices are global over the batch, so roots never cross images.

Numba kernels, so they also run under ``NUMBA_ENABLE_CUDASIM=1`` on the CPU: the tests check
them against OpenCV there, on tiny images. Labels are the root indices (+1); the wrapper makes
them consecutive per image on the host side of the statistics, which are small.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._optional import optional_module

BLOCK = (16, 16)


def _kernels() -> Any:
    optional_module("numba", extra="cu13", purpose="GPU connected-component labelling")
    return optional_module("fastiesi.backend._ccl_kernels", extra="cu13", purpose="GPU connected-component labelling")


def label_components_cuda(masks: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """8-connected labels and statistics of a batch of binary masks, computed on the GPU.

    Parameters
    ----------
    masks : (N, H, W) or (H, W) uint8
        Host array (or any CUDA array interface object) of 0 / non-zero.

    Returns
    -------
    list of (labels (H, W) int32 with 0 = background and 1..n consecutive, areas (n + 1,),
    boxes (n + 1, 4) as x, y, w, h, centroids (n + 1, 2) as x, y), one per image, with the
    background's row 0 as in :class:`fastiesi.stages.components.Components` (its statistics zero).
    Component numbering follows each component's first pixel in raster order (OpenCV's block
    scan may number the same components differently).
    """
    k = _kernels()
    cuda = k.cuda
    m = np.ascontiguousarray(masks if masks.ndim == 3 else masks[None], dtype=np.uint8)
    n, h, w = m.shape
    total = n * h * w
    d_mask = cuda.to_device(m.reshape(-1))
    d_lab = cuda.device_array(total, np.int64)
    grid = ((w + BLOCK[0] - 1) // BLOCK[0], (h + BLOCK[1] - 1) // BLOCK[1], n)
    k.init[grid, BLOCK](d_mask, d_lab, h, w)
    k.merge[grid, BLOCK](d_mask, d_lab, h, w)
    k.flatten[grid, BLOCK](d_lab, h, w)
    big = np.iinfo(np.int64).max
    area = cuda.to_device(np.zeros(total, np.int64))
    x0, y0 = cuda.to_device(np.full(total, big, np.int64)), cuda.to_device(np.full(total, big, np.int64))
    x1, y1 = cuda.to_device(np.full(total, -1, np.int64)), cuda.to_device(np.full(total, -1, np.int64))
    sx, sy = cuda.to_device(np.zeros(total, np.int64)), cuda.to_device(np.zeros(total, np.int64))
    k.statistics[grid, BLOCK](d_lab, area, x0, y0, x1, y1, sx, sy, h, w)
    lab = d_lab.copy_to_host().reshape(n, h, w)
    area_h, x0h, y0h, x1h, y1h = (a.copy_to_host() for a in (area, x0, y0, x1, y1))
    sxh, syh = sx.copy_to_host(), sy.copy_to_host()
    out = []
    for z in range(n):
        roots = np.flatnonzero(area_h[z * h * w:(z + 1) * h * w]) + z * h * w  # ascending = raster order
        remap = np.zeros(total, np.int32)  # host-side only for the roots of this image
        remap[roots] = np.arange(1, len(roots) + 1, dtype=np.int32)
        lz = lab[z]
        labels = np.where(lz >= 0, remap[np.maximum(lz, 0)], 0).astype(np.int32)
        areas = np.concatenate([[0], area_h[roots]]).astype(np.int64)
        boxes = np.zeros((len(roots) + 1, 4), np.int64)
        boxes[1:, 0], boxes[1:, 1] = x0h[roots], y0h[roots]
        boxes[1:, 2], boxes[1:, 3] = x1h[roots] - x0h[roots] + 1, y1h[roots] - y0h[roots] + 1
        cents = np.zeros((len(roots) + 1, 2), np.float64)
        cents[1:, 0], cents[1:, 1] = sxh[roots] / area_h[roots], syh[roots] / area_h[roots]
        out.append((labels, areas, boxes, cents))
    return out
