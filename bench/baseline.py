"""The straightforward pipeline: the same stages, called plainly, for comparison.

What "plainly" means here: each stage done the way a first implementation would do it with the
usual libraries, and nothing cached:

* CLAHE and the bilateral filter from scikit-image; saliency with SciPy's Gaussian filters;
* AKAZE + matching as in the engine (OpenCV is the only AKAZE there is);
* the PSD with NumPy's complex ``fft2`` / ``ifft2`` on the full grid;
* single-scale scikit-image Canny, then the multi-scale join with SciPy;
* the region-adaptive median with SciPy's ``median_filter`` run per region over the whole frame;
* nested closings and hole filling with SciPy, component statistics with ``ndimage.label`` and a
  Python loop per component;
* K-means on the edge density with scikit-learn, every pixel a sample.

It is not meant to give the same report (the libraries differ in details), only to do the same
amount and kind of work, so ``fastiesi bench --baseline`` can say what the engineering buys.
"""

from __future__ import annotations

import time
from typing import Any

import cv2
import numpy as np
from scipy import ndimage as ndi

from fastiesi.config import DEFAULT_CONFIG, BrightnessConfig
from fastiesi.stages.brightness import fit_brightness
from fastiesi.stages.preprocess import to_gray
from fastiesi.stages.quality import detect_features, match_stable
from fastiesi.stages.register import black_edge_crop, fit_rigid, warp_to_pre


def _enhance(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from skimage.exposure import equalize_adapthist
    from skimage.restoration import denoise_bilateral

    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    eq = (equalize_adapthist(gray, kernel_size=(150, 200), clip_limit=0.01) * 255).astype(np.uint8)
    filt = (denoise_bilateral(eq, win_size=5, sigma_spatial=7.5) * 255).astype(np.uint8)
    c = DEFAULT_CONFIG.enhance
    g = filt.astype(np.float64)
    sal = np.abs(ndi.gaussian_filter(g, c.saliency_center_sigma) - ndi.gaussian_filter(g, c.saliency_surround_sigma))
    return filt, (sal * 255 / max(sal.max(), 1)).astype(np.uint8)


def _psd(*grays: np.ndarray) -> float:
    cut = DEFAULT_CONFIG.complexity.highpass_cutoff
    h, w = grays[0].shape
    d2 = np.fft.fftfreq(h)[:, None] ** 2 + np.fft.fftfreq(w)[None, :] ** 2
    hp = 1 - np.exp(-d2 / (2 * cut * cut))
    return float(np.mean([np.mean(np.abs(np.fft.ifft2(np.fft.fft2(g.astype(float)) * hp)) ** 2) for g in grays]))


def _segment(gray: np.ndarray) -> list[dict[str, Any]]:
    from skimage.feature import canny
    from skimage.transform import rescale

    edges = canny(gray, sigma=1.4)
    for level in (2, 4):  # coarse scales joined where no full-size edge is near
        small = canny(rescale(gray, 1 / level, anti_aliasing=True), sigma=1.4)
        blown = np.kron(small, np.ones((level, level), bool))
        up = np.zeros(gray.shape, bool)  # the rounded-down scale may fall a few pixels short
        hh, ww = min(blown.shape[0], gray.shape[0]), min(blown.shape[1], gray.shape[1])
        up[:hh, :ww] = blown[:hh, :ww]
        near = ndi.binary_dilation(edges, iterations=2)
        edges |= up & ~near
    thick = ndi.binary_dilation(edges, np.ones((3, 3)))
    h, w = gray.shape
    density = [thick[r * h // 3:(r + 1) * h // 3, c * w // 3:(c + 1) * w // 3].mean() for r in range(3) for c in range(3)]
    cleaned = np.zeros_like(thick)
    for i, d in enumerate(density):
        r, c = divmod(i, 3)
        k = 3 if d > np.mean(density) else 5
        filtered = ndi.median_filter(thick.astype(np.uint8), size=k) > 0
        cleaned[r * h // 3:(r + 1) * h // 3, c * w // 3:(c + 1) * w // 3] = \
            filtered[r * h // 3:(r + 1) * h // 3, c * w // 3:(c + 1) * w // 3]
    solid = cleaned
    for k in (3, 7, 13):
        solid = solid | ndi.binary_fill_holes(ndi.binary_closing(cleaned, np.ones((k, k))))
    solid = ndi.binary_erosion(solid, np.ones((3, 3)))
    labels, n = ndi.label(solid, structure=np.ones((3, 3)))
    objects = []
    for lab in range(1, n + 1):  # a Python loop per component, as a first version would
        ys, xs = np.nonzero(labels == lab)
        w, h = int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1
        if max(w, h) < 17:
            continue
        objects.append({"area": len(xs), "box": (xs.min(), ys.min(), w, h), "centroid": (xs.mean(), ys.mean())})
    return objects


def _kmeans_density(edges: np.ndarray) -> np.ndarray:
    from sklearn.cluster import KMeans

    density = ndi.convolve((edges > 0).astype(np.uint8), np.ones((3, 3), np.uint8), mode="constant")
    km = KMeans(3, n_init=1, random_state=0).fit(density.reshape(-1, 1).astype(float))
    return km.cluster_centers_[km.labels_].reshape(density.shape)


def assess_plain(pre: np.ndarray, post: np.ndarray) -> dict[str, float]:
    """Run the plain stages on one pair; returns milliseconds per stage and in total."""
    t: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        t0 = time.perf_counter()
        out = fn(*args)
        t[name] = t.get(name, 0.0) + (time.perf_counter() - t0) * 1e3
        return out

    # The lighting fit on every pixel (no shrinking); the same IRLS.
    timed("brightness", lambda: fit_brightness(to_gray(pre), to_gray(post), config=BrightnessConfig(downscale=1)))
    pre_f, _ = timed("preprocess", _enhance, pre)
    post_f, _ = timed("preprocess", _enhance, post)
    fa = timed("features", detect_features, pre_f)
    fb = timed("features", detect_features, post_f)
    stable = timed("quality", match_stable, fa, fb)
    if len(stable) >= 3:
        rigid = timed("register", fit_rigid, stable.post, stable.pre)
        post_f, valid = timed("register", warp_to_pre, post_f, rigid)
        x, y, w, h = timed("register", black_edge_crop, valid)
        pre_f, post_f = pre_f[y:y + h, x:x + w], post_f[y:y + h, x:x + w]
    timed("complexity", _psd, pre_f, post_f)
    timed("segment", _segment, pre_f)
    timed("segment", _segment, post_f)
    timed("movement", _kmeans_density, cv2.Canny(pre_f, 50, 150))
    t["total"] = sum(t.values())
    return t
