"""Edges for the movement stages: adaptive multi-scale Canny (paper 4.2.1), edge density and its
three-class K-means (paper 4.3).

* Adaptive thresholds: the high Canny threshold is Otsu's threshold of the Gaussian-smoothed
  image's Sobel gradient magnitude (the split between "flat" and "edge" pixels of this very
  image), the low one a fixed fraction of it. The paper says only that the thresholds adapt to
  the image; a gradient-magnitude Otsu split is the common adaptive Canny and needs no constant
  tuned to a scene.
* Scale pyramid: Canny runs on each ``cv2.pyrDown`` level with thresholds adapted to that level;
  coarse edges are brought back to full size and, where no full-size edge lies within 2 px, join
  the full-size edges as *weak* edges. The
  final edges are every connected piece of (strong | weak) that touches a strong edge (the
  paper's "weak edge connected with the strong edge ... forms the complete edge").
* Edge density: the count of edge pixels in each pixel's 3x3 neighbourhood (0..9).
* K-means on the density: the density takes at most ten values, so the clustering is done
  exactly on its histogram (optimal 1-D clusters are contiguous runs of values; dynamic
  programming over the runs), not by Lloyd iterations over 480,000 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..backend.cpu_kernels import keep_touching
from ..config import DEFAULT_CONFIG, EdgeConfig
from ..errors import InputError


def _check_gray(image: NDArray[np.uint8], name: str = "image") -> None:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 2:
        got = f"{image.shape} {image.dtype}" if isinstance(image, np.ndarray) else type(image).__name__
        raise InputError(f"{name} must be a 2-D uint8 array, got {got}")


def _gradient_magnitude(smoothed: NDArray[np.uint8]) -> NDArray[np.float32]:
    gx = cv2.Sobel(smoothed, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smoothed, cv2.CV_32F, 0, 1, ksize=3)
    # The squares are exact (|d| <= 1020) and NumPy's float32 root is correctly rounded, so the
    # device path (backend.edges_batch) reproduces it to the bit; cv2.magnitude's SIMD root is
    # an approximation off by an ulp on a quarter of the pixels (0.25 ms dearer at 800x600).
    squared = cv2.multiply(gx, gx)
    cv2.add(squared, cv2.multiply(gy, gy), dst=squared)
    return np.sqrt(squared, out=squared)


def adaptive_thresholds(smoothed: NDArray[np.uint8], *, low_ratio: float) -> tuple[float, float]:
    """(low, high) Canny thresholds from the image's own gradient magnitudes (L2 Sobel)."""
    _check_gray(smoothed)
    mag = _gradient_magnitude(smoothed)
    peak = float(mag.max())
    if peak <= 0.0:
        return 1.0, 1.0  # a flat image: any threshold gives no edge
    scaled = cv2.convertScaleAbs(mag, alpha=255.0 / peak)
    otsu, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    high = max(float(otsu) * peak / 255.0, 1.0)
    return low_ratio * high, high


def adaptive_canny(gray: NDArray[np.uint8], *, config: EdgeConfig | None = None) -> NDArray[np.uint8]:
    """Canny (Gaussian smoothing, Sobel, non-maximum suppression, hysteresis) with thresholds
    adapted to the image; returns 0/255 uint8."""
    cfg = config or DEFAULT_CONFIG.edges
    _check_gray(gray)
    smoothed = cv2.GaussianBlur(gray, (0, 0), cfg.gaussian_sigma)
    low, high = adaptive_thresholds(smoothed, low_ratio=cfg.low_ratio)
    return cv2.Canny(smoothed, low, high, L2gradient=True)


def multiscale_canny(gray: NDArray[np.uint8], *, config: EdgeConfig | None = None) -> NDArray[np.uint8]:
    """Adaptive multi-scale Canny (4.2.1); returns 0/255 uint8 of the input's shape."""
    cfg = config or DEFAULT_CONFIG.edges
    _check_gray(gray)
    h, w = gray.shape
    strong = adaptive_canny(gray, config=cfg)
    joined = strong.copy()
    near_strong = cv2.dilate(strong, np.ones((5, 5), np.uint8))
    level = gray
    for _ in range(1, cfg.pyramid_levels):
        if min(level.shape) < 2 * cfg.min_level_side:
            break
        level = cv2.pyrDown(level)
        coarse = adaptive_canny(level, config=cfg)
        up = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_NEAREST)
        # Coarse edges join only where the full-size ones are missing (gaps, blurred outlines):
        # next to a full-size edge they would only thicken it and inflate the object's area.
        joined |= up & ~near_strong
    if cfg.pyramid_levels == 1:
        return strong
    n, labels = cv2.connectedComponents(joined, connectivity=8, ltype=cv2.CV_32S)
    return keep_touching(labels, n, strong)  # the joined pieces that continue a full-size edge


def edge_density(edges: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Number of edge pixels in each pixel's 3x3 neighbourhood, 0..9 (4.3)."""
    _check_gray(edges, "edges")
    ones = (edges > 0).astype(np.uint8)
    return cv2.boxFilter(ones, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)


@dataclass(frozen=True)
class HistogramKMeans:
    """Exact 1-D K-means on an integer image: ``centres`` ascending, ``lut[v]`` = cluster of value v."""

    centres: NDArray[np.float64]
    lut: NDArray[np.int64]
    inertia: float

    def labels(self, values: NDArray[np.integer]) -> NDArray[np.int64]:
        return self.lut[values]

    def centre_image(self, values: NDArray[np.integer]) -> NDArray[np.float64]:
        return self.centres[self.lut[values]]


def histogram_kmeans(values: NDArray[np.integer], k: int) -> HistogramKMeans:
    """Globally optimal K-means (least squares) of small non-negative integers.

    The clusters of an optimal 1-D partition are contiguous runs of the sorted distinct values,
    so dynamic programming over the histogram finds the global optimum in O(k L^2) for L distinct
    values, where Lloyd's iterations over every pixel find a local one.
    """
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    flat = np.asarray(values).ravel()
    if flat.size == 0:
        raise InputError("K-means needs at least one value")
    if flat.dtype.kind not in "ui" or int(flat.min()) < 0:
        raise InputError("histogram K-means takes non-negative integers")
    counts = np.bincount(flat).astype(np.float64)
    levels = np.nonzero(counts)[0]
    w = counts[levels]
    v = levels.astype(np.float64)
    n = len(levels)
    kk = min(k, n)
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cwv = np.concatenate([[0.0], np.cumsum(w * v)])
    cwv2 = np.concatenate([[0.0], np.cumsum(w * v * v)])

    def sse(i: int, j: int) -> float:  # cost of levels[i:j] as one cluster
        s, sv, sv2 = cw[j] - cw[i], cwv[j] - cwv[i], cwv2[j] - cwv2[i]
        return sv2 - sv * sv / s

    cost = np.full((kk + 1, n + 1), np.inf)
    cut = np.zeros((kk + 1, n + 1), np.int64)
    cost[0, 0] = 0.0
    for c in range(1, kk + 1):
        for j in range(c, n + 1):
            best, arg = np.inf, c - 1
            for i in range(c - 1, j):
                t = cost[c - 1, i] + sse(i, j)
                if t < best:
                    best, arg = t, i
            cost[c, j], cut[c, j] = best, arg
    bounds = [n]
    for c in range(kk, 0, -1):
        bounds.append(int(cut[c, bounds[-1]]))
    bounds.reverse()
    centres = np.array([(cwv[b] - cwv[a]) / (cw[b] - cw[a]) for a, b in zip(bounds[:-1], bounds[1:])])
    lut = np.zeros(int(levels[-1]) + 1, np.int64)
    for c, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        lut[levels[a]:levels[b - 1] + 1] = c
    # Values between two clusters' runs never occur; give them the nearer centre for completeness.
    absent = np.setdiff1d(np.arange(len(lut)), levels)
    if absent.size:
        lut[absent] = np.abs(absent[:, None] - centres[None, :]).argmin(axis=1)
    return HistogramKMeans(centres, lut, max(float(cost[kk, n]), 0.0))
