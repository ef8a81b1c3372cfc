"""Camera-shake compensation (paper section 2.3).

The rotation + translation mapping the post frame onto the pre frame is fitted to the stable
pairs by least squares (Eq. 3 with A = E = cos θ, B = -D = -sin θ). The paper minimises the mean
squared pair distance by gradient descent; the closed-form Kabsch solution reaches the same
optimum exactly, and "iterative refinement" is read as re-fitting on the pairs whose residual is
within three robust standard deviations (from the median residual) until that set stops changing. θ = atan2(R10, R00) (Eq. 4).
The post frame is inverse-warped, and both frames are cropped to the largest axis-aligned
rectangle free of the black edges the warp leaves (the paper's threshold scan, run on the warp's
validity mask so that dark objects near an edge are never mistaken for black border).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..config import DEFAULT_CONFIG, RegisterConfig
from ..errors import InputError


@dataclass(frozen=True)
class RigidTransform:
    """x_pre = R @ x_post + t."""

    rotation: NDArray[np.float64]  # (2, 2)
    translation: NDArray[np.float64]  # (2,)
    inliers: int
    rms_px: float

    @property
    def angle_deg(self) -> float:
        return math.degrees(math.atan2(self.rotation[1, 0], self.rotation[0, 0]))

    @property
    def matrix(self) -> NDArray[np.float64]:
        return np.hstack([self.rotation, self.translation[:, None]])


def kabsch(src: NDArray[np.float64], dst: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The least-squares rotation R and translation t with ``dst ~ src @ R.T + t`` (N, 2 each)."""
    cs, cd = src.mean(axis=0), dst.mean(axis=0)
    h = (src - cs).T @ (dst - cd)
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(vt.T @ u.T)) or 1.0
    r = vt.T @ np.diag([1.0, d]) @ u.T
    return r, cd - r @ cs


def fit_rigid(post_pts: NDArray[np.float64], pre_pts: NDArray[np.float64], *,
              config: RegisterConfig | None = None) -> RigidTransform:
    """Least-squares rotation + translation taking ``post_pts`` onto ``pre_pts``, robustly refined."""
    cfg = config or DEFAULT_CONFIG.register
    src, dst = np.asarray(post_pts, np.float64), np.asarray(pre_pts, np.float64)
    if src.shape != dst.shape or src.ndim != 2 or src.shape[1] != 2:
        raise InputError(f"point sets must both be (N, 2), got {src.shape} and {dst.shape}")
    if src.shape[0] < 2:
        raise InputError("a rotation + translation needs at least two point pairs")
    keep = np.ones(len(src), bool)
    for _ in range(max(1, cfg.refine_iterations)):
        r, t = kabsch(src[keep], dst[keep])
        res = np.linalg.norm(src @ r.T + t - dst, axis=1)
        # Residual norms of isotropic Gaussian noise are Rayleigh: median = 1.1774 sigma. The
        # median over all pairs stays robust while fewer than half are outliers, and, unlike a
        # scale taken from the kept pairs alone, does not shrink with each refit.
        sigma = float(np.median(res)) / 1.1774
        new_keep = res <= max(3.0 * sigma, 0.5)
        if new_keep.sum() < 2 or (new_keep == keep).all():
            break
        keep = new_keep
    res = np.linalg.norm(src[keep] @ r.T + t - dst[keep], axis=1)
    return RigidTransform(r, t, int(keep.sum()), float(np.sqrt(np.mean(res**2))))


def warp_image(post: NDArray[np.uint8], transform: RigidTransform) -> NDArray[np.uint8]:
    """An image of the post frame (the frame itself, or one derived from it pixel for pixel) in
    pre-frame coordinates; zeros where the post frame has no data."""
    h, w = post.shape[:2]
    return cv2.warpAffine(post, transform.matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=0)


def warp_to_pre(post: NDArray[np.uint8], transform: RigidTransform) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """The post frame in pre-frame coordinates, and the mask (255) of where it has data."""
    h, w = post.shape[:2]
    m = transform.matrix
    warped = warp_image(post, transform)
    valid = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (w, h), flags=cv2.INTER_NEAREST,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    # Bilinear samples within one pixel of the border mix in black: keep them out of the valid area.
    valid = cv2.erode(valid, np.ones((3, 3), np.uint8))
    return warped, valid


def black_edge_crop(valid: NDArray[np.uint8], *, config: RegisterConfig | None = None) -> tuple[int, int, int, int]:
    """Largest axis-aligned rectangle (x, y, w, h) with no black-edge pixel, found by scanning
    rows and columns inwards from the borders (2.3): the side whose row/column holds the most
    pixels at or below the threshold moves in first, until none is left."""
    cfg = config or DEFAULT_CONFIG.register
    if valid.ndim != 2:
        raise InputError(f"validity mask must be 2-D, got {valid.shape}")
    ok = valid > cfg.black_edge_threshold
    top, bottom, left, right = 0, ok.shape[0], 0, ok.shape[1]
    while top < bottom and left < right:
        sub = ok[top:bottom, left:right]
        bad = [int((~sub[0]).sum()), int((~sub[-1]).sum()), int((~sub[:, 0]).sum()), int((~sub[:, -1]).sum())]
        worst = int(np.argmax(bad))
        if bad[worst] == 0:
            return left, top, right - left, bottom - top
        if worst == 0:
            top += 1
        elif worst == 1:
            bottom -= 1
        elif worst == 2:
            left += 1
        else:
            right -= 1
    raise InputError("no valid area is left after shake compensation")
