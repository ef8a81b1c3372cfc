"""The njit kernels behind :mod:`fastiesi.backend.cpu_kernels` (importing this module compiles
them or loads them from Numba's cache). Names end in the dtype they are specialised for."""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def component_statistics_i32(labels, areas, boxes, centroids):  # pragma: no cover - compiled
    h, w = labels.shape
    n = areas.shape[0]
    x0 = np.full(n, w, np.int64)
    y0 = np.full(n, h, np.int64)
    x1 = np.full(n, -1, np.int64)
    y1 = np.full(n, -1, np.int64)
    sx = np.zeros(n, np.float64)
    sy = np.zeros(n, np.float64)
    for y in range(h):
        # Run by run: the per-pixel work is one comparison (a frame is mostly long runs of
        # background and of each object); a run's x sum is its length times its middle.
        start = 0
        while start < w:
            lab = labels[y, start]
            end = start + 1
            while end < w and labels[y, end] == lab:
                end += 1
            run = end - start
            areas[lab] += run
            sx[lab] += 0.5 * (start + end - 1) * run
            sy[lab] += float(y) * run
            x0[lab] = min(x0[lab], start)
            x1[lab] = max(x1[lab], end - 1)
            y0[lab] = min(y0[lab], y)
            y1[lab] = y  # rows are visited in order: the last one seen is the lowest
            start = end
    for lab in range(n):
        if areas[lab] == 0:
            centroids[lab, 0] = np.nan
            centroids[lab, 1] = np.nan
            continue
        boxes[lab, 0] = x0[lab]
        boxes[lab, 1] = y0[lab]
        boxes[lab, 2] = x1[lab] - x0[lab] + 1
        boxes[lab, 3] = y1[lab] - y0[lab] + 1
        centroids[lab, 0] = sx[lab] / areas[lab]
        centroids[lab, 1] = sy[lab] / areas[lab]


@njit(cache=True, nogil=True)
def merge_nested_level_i32(small, n_small, big, n_big, min_area, out):  # pragma: no cover - compiled
    h, w = small.shape
    area = np.zeros(n_small, np.int64)
    home = np.zeros(n_small, np.int64)
    for y in range(h):
        for x in range(w):
            s = small[y, x]
            if s > 0:
                area[s] += 1
                home[s] = big[y, x]  # one larger component holds the whole piece
    held = np.zeros(n_big, np.int64)
    for s in range(1, n_small):
        if area[s] >= min_area:
            held[home[s]] += 1
    refused = held >= 2
    refused[0] = False
    for y in range(h):
        for x in range(w):
            b = big[y, x]
            keep = small[y, x] > 0 if refused[b] else b > 0
            out[y, x] = 255 if keep else 0


@njit(cache=True, nogil=True)
def keep_touching_i32(labels, seeds, n, out):  # pragma: no cover - compiled
    h, w = labels.shape
    keep = np.zeros(n, np.bool_)
    for y in range(h):
        for x in range(w):
            if seeds[y, x] != 0:
                keep[labels[y, x]] = True
    keep[0] = False
    for y in range(h):
        for x in range(w):
            out[y, x] = 255 if keep[labels[y, x]] else 0
