"""Connected-component labelling with per-component statistics on the GPU (Numba CUDA).

Block-based union-find in the style of the published GPU labelling algorithms (Oliveira &
Lotufo 2010; Playne & Hawick 2018; Allegretti, Bolelli & Grana 2019, "BUF"): the image is cut
into 2x2 blocks, whose foreground pixels are always 8-connected to each other; each block links
with its already-scanned neighbour blocks (W, NW, N, NE) by lock-free union on the minimum index
(atomic min, retried until it holds); a flattening pass points every block at its root.

Labels are made consecutive on the device: the roots are compacted into a short list per image
(an atomic counter), which alone goes to the host to be put in raster order and comes back as a
root -> label map; one last pass writes each pixel's label and adds it into its component's
area, bounding box and coordinate sums. What crosses to the host is the roots and the
statistics, a few numbers per component; the label image stays on the device.

Batched: the third grid dimension is the image. Numba kernels, so they also run under
``NUMBA_ENABLE_CUDASIM=1`` on the CPU: the tests check them against OpenCV there, on tiny
images.
"""

from __future__ import annotations

import functools
import importlib
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._optional import optional_module
from ..errors import DeviceUnavailableError

BLOCK = (16, 16)
_SCATTER_THREADS = 256


def _kernels() -> Any:
    optional_module("numba", extra="cu13", purpose="GPU connected-component labelling")
    _check_numba_cuda_compiles()
    return optional_module("fastiesi.backend._ccl_kernels", extra="cu13", purpose="GPU connected-component labelling")


@functools.cache
def _check_numba_cuda_compiles() -> None:
    """Numba's CUDA target loads its NumPy typing registries at the first kernel launch, and
    numba-cuda (in maintenance mode) registers np.row_stack there, which NumPy 2.5 removed
    (NVIDIA/numba-cuda#907): every launch then fails deep inside Numba. Load them here, once,
    to fail up front with the cause and the fix."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return  # the simulator types kernels with Numba's CPU registries
    try:
        importlib.import_module("numba.cuda.cudaimpl")
    except AttributeError as exc:
        raise DeviceUnavailableError(f"Numba CUDA cannot compile kernels with NumPy {np.__version__} ({exc}); "
                                     "install numpy<2.5 (pip install 'fastiesi[cu13]' pins it)") from None


@dataclass(frozen=True)
class DeviceComponents:
    """Labels of a batch, on the device, with each image's statistics on the host.

    ``labels`` is an (N, H, W) int32 device array (0 background, 1..n consecutive per image,
    numbered by each component's first 2x2 block in raster order). ``areas[z]`` (n + 1,),
    ``boxes[z]`` (n + 1, 4) as x, y, w, h and ``centroids[z]`` (n + 1, 2) as x, y are image
    z's, with the background's row 0 zero as in :class:`fastiesi.stages.components.Components`.
    """

    labels: Any
    areas: list[np.ndarray]
    boxes: list[np.ndarray]
    centroids: list[np.ndarray]


def label_components_device(d_masks: Any) -> DeviceComponents:
    """8-connected labels and statistics of a batch of binary masks already on the device.

    Parameters
    ----------
    d_masks : (N, H, W) uint8 CUDA array (Numba device array or any ``__cuda_array_interface__``
        object, e.g. a CuPy array), 0 / non-zero.
    """
    k = _kernels()
    cuda = k.cuda
    n, h, w = d_masks.shape
    total = n * h * w
    # The kernels index the batch flat. A Numba device array's reshape refuses strides it does not
    # call canonical (NumPy gives a length-1 axis any stride), so CuPy input is flattened by CuPy
    # (a view when C-contiguous) and host input arrives flat (label_components_cuda).
    if hasattr(d_masks, "copy_to_host"):
        flat = d_masks.reshape(total)
    else:
        flat = cuda.as_cuda_array(d_masks.reshape(total))
    bw, bh = (w + 1) // 2, (h + 1) // 2
    cap = bw * bh  # at most one root per block
    blocks = ((bw + BLOCK[0] - 1) // BLOCK[0], (bh + BLOCK[1] - 1) // BLOCK[1], n)
    pixels = ((w + BLOCK[0] - 1) // BLOCK[0], (h + BLOCK[1] - 1) // BLOCK[1], n)
    lab = cuda.device_array(total, np.int64)
    k.block_init_u8[blocks, BLOCK](flat, lab, h, w)
    k.block_merge_u8[blocks, BLOCK](flat, lab, h, w)
    k.block_flatten[blocks, BLOCK](lab, h, w)
    count = cuda.to_device(np.zeros(n, np.int32))
    roots = cuda.device_array(n * cap, np.int64)
    k.compact_roots[blocks, BLOCK](lab, h, w, count, roots, cap)
    # The short root lists go to the host, into raster order, and back as a root -> label map.
    counts = count.copy_to_host()
    ordered = [np.sort(roots[z * cap:z * cap + int(counts[z])].copy_to_host()) if counts[z] else np.empty(0, np.int64)
               for z in range(n)]
    all_roots = np.concatenate(ordered) if n else np.empty(0, np.int64)
    ids = np.concatenate([np.arange(1, len(r) + 1, dtype=np.int32) for r in ordered]) if n else np.empty(0, np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(r) + 1 for r in ordered])[:-1]]).astype(np.int64)
    idmap = cuda.device_array(total, np.int32)
    if len(all_roots):
        k.scatter_ids[(len(all_roots) + _SCATTER_THREADS - 1) // _SCATTER_THREADS, _SCATTER_THREADS](
            cuda.to_device(all_roots), cuda.to_device(ids), idmap)
    rows = int(offsets[-1] + len(ordered[-1]) + 1) if n else 0
    big = np.iinfo(np.int64).max
    area = cuda.to_device(np.zeros(rows, np.int64))
    x0, y0 = cuda.to_device(np.full(rows, big, np.int64)), cuda.to_device(np.full(rows, big, np.int64))
    x1, y1 = cuda.to_device(np.full(rows, -1, np.int64)), cuda.to_device(np.full(rows, -1, np.int64))
    sx, sy = cuda.to_device(np.zeros(rows, np.int64)), cuda.to_device(np.zeros(rows, np.int64))
    labels = cuda.device_array(total, np.int32)
    k.label_statistics_u8[pixels, BLOCK](flat, lab, idmap, cuda.to_device(offsets), labels, area, x0, y0, x1, y1,
                                         sx, sy, h, w)
    area_h, x0h, y0h, x1h, y1h, sxh, syh = (a.copy_to_host() for a in (area, x0, y0, x1, y1, sx, sy))
    areas, boxes, cents = [], [], []
    for z in range(n):
        s = slice(int(offsets[z]), int(offsets[z]) + len(ordered[z]) + 1)
        a = area_h[s].copy()
        a[0] = 0
        b = np.zeros((len(a), 4), np.int64)
        c = np.zeros((len(a), 2), np.float64)
        b[1:, 0], b[1:, 1] = x0h[s][1:], y0h[s][1:]
        b[1:, 2], b[1:, 3] = x1h[s][1:] - x0h[s][1:] + 1, y1h[s][1:] - y0h[s][1:] + 1
        c[1:, 0], c[1:, 1] = sxh[s][1:] / a[1:], syh[s][1:] / a[1:]
        areas.append(a)
        boxes.append(b)
        cents.append(c)
    return DeviceComponents(labels.reshape(n, h, w), areas, boxes, cents)


def label_components_cuda(masks: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`label_components_device` of host masks, with the labels brought back.

    Parameters
    ----------
    masks : (N, H, W) or (H, W) uint8
        0 / non-zero.

    Returns
    -------
    list of (labels (H, W) int32, areas (n + 1,), boxes (n + 1, 4) as x, y, w, h, centroids
    (n + 1, 2) as x, y), one per image, as :class:`DeviceComponents` describes.
    """
    k = _kernels()
    m = np.ascontiguousarray(masks if masks.ndim == 3 else masks[None], dtype=np.uint8)
    res = label_components_device(k.cuda.to_device(m.reshape(-1)).reshape(m.shape))
    labels = res.labels.copy_to_host()
    return [(labels[z], res.areas[z], res.boxes[z], res.centroids[z]) for z in range(m.shape[0])]
