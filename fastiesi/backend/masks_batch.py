"""The frame-wide object masks of a batch of frames (paper 4.2.2-4.2.3), on the device.

What :class:`fastiesi.stages.segment.FrameMasks` computes from a frame's edges (3x3 dilation,
region-adaptive median, nested closings with hole filling), for N frames of one size at once,
with the array module following the input (``xp``): on CuPy arrays every step runs on the GPU
(the ``kernels/*.cu`` morphology and median, ``cupyx.scipy.ndimage.label`` for the labelling)
and only each frame's nine region densities come back to the host; on NumPy arrays the same
steps run through OpenCV, one frame at a time, which is how the tests check the batched
algorithm against the CPU path where there is no GPU.

Labels are unique across the batch (the labelling's structure connects pixels within a frame
only), so one ``bincount`` serves every frame of the nested morphology's merge step.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ..config import DEFAULT_CONFIG, Config
from ..errors import InputError
from .arrays import array_module

_K3 = np.ones((3, 3), np.uint8)


class _HostOps:
    """The steps on NumPy arrays, frame by frame, through the CPU path's own calls."""

    xp = np

    @staticmethod
    def morph(batch: np.ndarray, k: int, op: str) -> np.ndarray:
        sq = np.ones((k, k), np.uint8)
        if op == "dilate":
            return np.stack([cv2.dilate(f, sq, borderType=cv2.BORDER_CONSTANT, borderValue=0) for f in batch])
        return np.stack([cv2.erode(f, sq) for f in batch])

    @staticmethod
    def region_median(batch: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        from ..stages.morphology import region_adaptive_median

        return np.stack([region_adaptive_median(f, s) for f, s in zip(batch, sizes)])

    @staticmethod
    def label(batch: np.ndarray, connectivity: int) -> tuple[np.ndarray, int]:
        out = np.empty(batch.shape, np.int32)
        offset = 0
        for i, f in enumerate(batch):
            n, lab = cv2.connectedComponents(f, connectivity=connectivity, ltype=cv2.CV_32S)
            out[i] = np.where(lab > 0, lab + offset, 0)
            offset += n - 1
        return out, offset


class _DeviceOps:
    """The steps on CuPy arrays, batched: the project's kernels and cupyx's labelling."""

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    @staticmethod
    def morph(batch: Any, k: int, op: str) -> Any:
        from .gpu_ops import box_morph_gpu

        return box_morph_gpu(batch, k, op)  # type: ignore[arg-type]

    @staticmethod
    def region_median(batch: Any, sizes: np.ndarray) -> Any:
        from .gpu_ops import region_median_gpu

        return region_median_gpu(batch, sizes)

    def label(self, batch: Any, connectivity: int) -> tuple[Any, int]:
        from cupyx.scipy import ndimage

        in_plane = np.ones((3, 3), bool) if connectivity == 8 else np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool)
        structure = np.zeros((3, 3, 3), bool)
        structure[1] = in_plane  # neighbours within a frame only: no component crosses frames
        labels, n = ndimage.label(batch, structure=structure)  # a host array: cupyx reads it there
        return labels.astype(self.xp.int32, copy=False), int(n)


def _ops(xp: Any) -> Any:
    return _HostOps if xp is np else _DeviceOps(xp)


def region_kernel_sizes_batch(edges: Any, *, grid: tuple[int, int], kernels: tuple[int, int]) -> np.ndarray:
    """:func:`fastiesi.stages.morphology.region_kernel_sizes` of each frame: (N, gy, gx) on the
    host (the nine densities a frame are all that crosses)."""
    xp = array_module(edges)
    gx, gy = grid
    n, h, w = edges.shape
    ys = [-(-r * h // gy) for r in range(gy + 1)]
    xs = [-(-c * w // gx) for c in range(gx + 1)]
    counts = xp.stack([xp.count_nonzero(edges[:, ys[r]:ys[r + 1], xs[c]:xs[c + 1]], axis=(1, 2))
                       for r in range(gy) for c in range(gx)], axis=1)
    counts = counts.get() if xp is not np else counts
    areas = np.array([max(1, (ys[r + 1] - ys[r]) * (xs[c + 1] - xs[c])) for r in range(gy) for c in range(gx)])
    density = counts / areas
    dense = density > density.mean(axis=1, keepdims=True)
    return np.where(dense, kernels[0], kernels[1]).reshape(n, gy, gx)


def fill_holes_batch(masks: Any) -> Any:
    """Background not 4-connected to its frame's border becomes foreground (0/255), each frame
    of the batch on its own: :func:`fastiesi.stages.morphology.fill_holes` batched."""
    xp = array_module(masks)
    ops = _ops(xp)
    labels, n = ops.label(xp.where(masks == 0, xp.uint8(255), xp.uint8(0)), 4)
    touching = xp.zeros(n + 1, bool)
    for edge in (labels[:, 0, :], labels[:, -1, :], labels[:, :, 0], labels[:, :, -1]):
        touching[edge.ravel()] = True
    touching[0] = False  # label 0 is the foreground
    return xp.where(touching[labels], xp.uint8(0), xp.uint8(255))


def nested_morphology_batch(cleaned: Any, *, kernels: tuple[int, ...], min_object_area: int) -> Any:
    """:func:`fastiesi.stages.morphology.nested_morphology` of each frame of a batch (without
    the shelving variant's solidity test, which stays on the CPU path)."""
    xp = array_module(cleaned)
    ops = _ops(xp)
    if not kernels or any(k < 1 for k in kernels) or list(kernels) != sorted(kernels):
        raise InputError(f"morphology kernels must be positive and ascending, got {kernels}")

    def close_and_fill(k: int) -> Any:
        return fill_holes_batch(ops.morph(ops.morph(cleaned, k, "dilate"), k, "erode"))

    current = close_and_fill(kernels[0])
    for k in kernels[1:]:
        larger = close_and_fill(k) | current
        big, n_big = ops.label(larger, 8)
        small, n_small = ops.label(current, 8)
        fg = small > 0
        pieces = small[fg]
        area = xp.bincount(pieces, minlength=n_small + 1)
        home = xp.zeros(n_small + 1, xp.int64)
        home[pieces] = big[fg]  # each piece lies inside one larger component
        objectish = area >= min_object_area
        objectish[0] = False
        held = xp.bincount(home[objectish], minlength=n_big + 1)
        refused = held >= 2
        refused[0] = False
        current = xp.where(refused[big], current, larger)
    return current


def cleaned_edges_batch(edges: Any, *, config: Config | None = None) -> Any:
    """The edge maps dilated by 3x3 and median-filtered by region (4.2.2): the input of the
    nested morphology, ``FrameMasks``' cleaned map."""
    xp = array_module(edges)
    if edges.ndim != 3 or edges.dtype != np.uint8 or edges.shape[0] == 0:
        raise InputError(f"edges must be a non-empty (N, H, W) uint8 batch, got {edges.shape} {edges.dtype}")
    mv = (config or DEFAULT_CONFIG).movement
    ops = _ops(xp)
    sizes = region_kernel_sizes_batch(edges, grid=mv.median_regions, kernels=mv.median_kernels)
    return ops.region_median(ops.morph(edges, 3, "dilate"), sizes)


def frame_masks_batch(edges: Any, *, config: Config | None = None) -> tuple[Any, Any]:
    """Object masks (``FrameMasks.solid``) of N frames from their edge maps, and the cleaned
    edge maps they came from.

    Parameters
    ----------
    edges : (N, H, W) uint8, NumPy or CuPy
        :func:`fastiesi.stages.edges.multiscale_canny` of each frame (0/255).

    Returns
    -------
    solid, cleaned : (N, H, W) uint8, the input's array module
    """
    cfg = config or DEFAULT_CONFIG
    cleaned = cleaned_edges_batch(edges, config=cfg)
    solid = nested_morphology_batch(cleaned, kernels=cfg.movement.morphology_kernels,
                                    min_object_area=cfg.classify.smallest_object_area)
    return solid, cleaned
