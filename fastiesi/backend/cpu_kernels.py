"""Numba CPU kernels for the loops OpenCV has no single call for (DESIGN.md, Backends).

Compiled with ``cache=True`` (the machine code is written next to this file, or to Numba's user
cache where the package directory is read-only), so only the first process on a machine pays the
compilation (bench/NOTES.md says how much); ``nogil=True``, so the pre and the post frame's work
run side by side in two threads (:func:`fastiesi._threads.side_by_side`).

Numba is imported on first use: importing :mod:`fastiesi` stays cheap for callers that never
reach these loops.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray


@functools.cache
def _compiled() -> Any:
    """The module of njit kernels (imported, and so compiled or loaded from cache, once)."""
    from . import _cpu_kernels

    return _cpu_kernels


def component_statistics(labels: NDArray[np.int32], count: int) -> tuple[NDArray[np.int64], NDArray[np.int64],
                                                                             NDArray[np.float64]]:
    """Area, bounding box (x, y, w, h) and centroid (x, y) of labels 0..count-1 in one pass.

    What ``cv2.connectedComponentsWithStats`` returns besides the labels, at a fraction of its
    cost (OpenCV's statistics pass costs three times its labelling, bench/NOTES.md). A label
    with no pixel gets area 0, box (0, 0, 0, 0) and a NaN centroid.
    """
    if labels.dtype != np.int32 or labels.ndim != 2:
        raise ValueError(f"labels must be a 2-D int32 array, got {labels.shape} {labels.dtype}")
    labels = np.ascontiguousarray(labels)
    areas = np.zeros(count, np.int64)
    boxes = np.zeros((count, 4), np.int64)
    centroids = np.zeros((count, 2), np.float64)
    _compiled().component_statistics_i32(labels, areas, boxes, centroids)
    return areas, boxes, centroids


def merge_nested_level(small: NDArray[np.int32], n_small: int, big: NDArray[np.int32], n_big: int,
                       min_object_area: int) -> NDArray[np.uint8]:
    """One step of the nested morphology's union / difference (see
    :func:`fastiesi.stages.morphology.nested_morphology`).

    ``small`` labels the smaller kernel's result, ``big`` the larger one's (which contains it).
    A larger component replaces the pieces inside it unless it holds two or more pieces of at
    least ``min_object_area`` pixels; there the pieces stay. Returns the 0/255 mask.
    """
    out = np.empty(small.shape, np.uint8)
    _compiled().merge_nested_level_i32(np.ascontiguousarray(small), n_small, np.ascontiguousarray(big), n_big,
                                       min_object_area, out)
    return out


def keep_touching(labels: NDArray[np.int32], count: int, seeds: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """0/255 mask of the labelled components (1..count-1) that hold at least one non-zero pixel
    of ``seeds`` (the same shape): the multi-scale Canny's join, coarse edges kept where they
    continue a full-size one."""
    if labels.shape != seeds.shape:
        raise ValueError(f"labels {labels.shape} and seeds {seeds.shape} differ in shape")
    out = np.empty(labels.shape, np.uint8)
    _compiled().keep_touching_i32(np.ascontiguousarray(labels, dtype=np.int32), np.ascontiguousarray(seeds),
                                  count, out)
    return out
