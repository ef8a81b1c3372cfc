"""Stable feature matching, low-quality rejection and the shake level (paper section 2.2).

AKAZE features on both frames, KNN matching with the 0.8 ratio test, RANSAC (a homography, the
paper's "homologous matrix model") to keep the background-consistent pairs, the pair distances,
the IQR high fence G = q3 + k*iqr (Eq. 2), then the 80/20 rule: sort, a = mean of the first 80 %,
b = max of the last 20 %; a < 2.229 -> no shake, reject if b - a > 2a; 2.229 <= a < 12.229 ->
slight, reject if b - a > a; a >= 12.229 -> obvious, reject if b - a > 0.5a.

Reading chosen: distances below one pixel are keypoint localisation noise, not camera motion, so
the rejection ratios are applied to ``max(a, localisation_floor_px)``. Without it, a still camera
(a ~ 0.2 px) fails the paper's own test whenever one stable point sits 0.7 px off, which is noise.
And the level is read from the distances, but the consistency test b - a reads them with the
camera's turn taken out (:meth:`StableMatches.distances_past_rotation`): a camera that turns
1 degree moves each point by its own distance from the turn's centre, one motion all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from ..config import DEFAULT_CONFIG, QualityConfig
from ..errors import InputError
from .register import kabsch

ShakeLevel = Literal["none", "slight", "obvious"]


@dataclass(frozen=True)
class Features:
    """AKAZE keypoints of one frame: (N, 2) float32 positions and (N, 61) uint8 descriptors."""

    points: NDArray[np.float32]
    descriptors: NDArray[np.uint8]

    def __len__(self) -> int:
        return int(self.points.shape[0])


@dataclass(frozen=True)
class StableMatches:
    """Background-consistent pairs: ``pre[i]`` and ``post[i]`` are one scene point."""

    pre: NDArray[np.float64]
    post: NDArray[np.float64]
    raw_matches: int  # after the ratio test, before RANSAC

    @property
    def distances(self) -> NDArray[np.float64]:
        return np.linalg.norm(self.post - self.pre, axis=1)

    def distances_past_rotation(self) -> NDArray[np.float64]:
        """Each pair's distance once the camera's turn is taken out: the post point less the
        rotation (about the pre points' centroid) of the least-squares rigid fit of all pairs.
        A pure shift keeps its distances; a rigid turn and shift leaves the shift's length at
        every point; a pair off the common motion stays off by its residual."""
        if len(self) < 2:
            return self.distances
        r, _ = kabsch(self.pre, self.post)
        c = self.pre.mean(axis=0)
        return np.linalg.norm(self.post - ((self.pre - c) @ r.T + c), axis=1)

    def __len__(self) -> int:
        return int(self.pre.shape[0])


@dataclass(frozen=True)
class QualityVerdict:
    level: ShakeLevel
    mean_head: float  # a
    max_tail: float  # b
    rejected: bool
    reason: str | None


def detect_features(gray: NDArray[np.uint8], *, config: QualityConfig | None = None) -> Features:
    """AKAZE keypoints and binary descriptors of a gray uint8 image."""
    cfg = config or DEFAULT_CONFIG.quality
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise InputError(f"features need an (H, W) uint8 image, got {gray.shape} {gray.dtype}")
    f = cfg.akaze_downscale
    if f < 1:
        raise InputError(f"akaze_downscale must be at least 1, got {f}")
    small = gray if f == 1 else cv2.resize(gray, (gray.shape[1] // f, gray.shape[0] // f), interpolation=cv2.INTER_AREA)
    kps, desc = cv2.AKAZE_create(nOctaveLayers=cfg.akaze_octave_layers).detectAndCompute(small, None)
    if desc is None or not kps:
        return Features(np.empty((0, 2), np.float32), np.empty((0, 61), np.uint8))
    pts = np.float32([k.pt for k in kps])
    if f != 1:  # pixel centres: x_full = s * (x_small + 1/2) - 1/2, s the true size ratio
        scale = np.float32([gray.shape[1] / small.shape[1], gray.shape[0] / small.shape[0]])
        pts = scale * (pts + 0.5) - 0.5
    return Features(pts.astype(np.float32), desc)


def match_stable(pre: Features, post: Features, *, config: QualityConfig | None = None) -> StableMatches:
    """Ratio-tested KNN matches kept by RANSAC, then by the IQR high fence on their distances."""
    cfg = config or DEFAULT_CONFIG.quality
    empty = StableMatches(np.empty((0, 2)), np.empty((0, 2)), 0)
    if len(pre) < 2 or len(post) < 2:
        return empty
    knn = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(pre.descriptors, post.descriptors, k=2)
    good = [p[0] for p in knn if len(p) == 2 and p[0].distance < cfg.knn_ratio * p[1].distance]
    if len(good) < 4:  # a homography needs four pairs
        return StableMatches(np.empty((0, 2)), np.empty((0, 2)), len(good))
    src = pre.points[[m.queryIdx for m in good]].astype(np.float64)
    dst = post.points[[m.trainIdx for m in good]].astype(np.float64)
    _, inliers = cv2.findHomography(src, dst, cv2.RANSAC, cfg.ransac_reproj_threshold_px)
    if inliers is None:
        return StableMatches(np.empty((0, 2)), np.empty((0, 2)), len(good))
    keep = inliers.ravel().astype(bool)
    src, dst = src[keep], dst[keep]
    keep = within_iqr_fence(np.linalg.norm(dst - src, axis=1), k=cfg.iqr_k)
    return StableMatches(src[keep], dst[keep], len(good))


def within_iqr_fence(distances: NDArray[np.float64], *, k: float) -> NDArray[np.bool_]:
    """Mask of distances at or below the high fence G = q3 + k * (q3 - q1) (Eq. 2)."""
    d = np.asarray(distances, np.float64)
    if d.size < 4:
        return np.ones(d.shape, bool)
    q1, q3 = np.percentile(d, [25, 75])
    return d <= q3 + k * (q3 - q1)


def stable_spread(points: NDArray[np.float64], shape: tuple[int, int]) -> float:
    """Fraction of the (H, W) frame covered by the convex hull of the stable points."""
    if len(points) < 3:
        return 0.0
    hull = cv2.convexHull(np.asarray(points, np.float32))
    return float(cv2.contourArea(hull)) / float(shape[0] * shape[1])


def judge_spread(stable: StableMatches, shape: tuple[int, int], *, config: QualityConfig | None = None) -> str | None:
    """A rejection reason if the stable pairs do not span enough of the frame, else None."""
    cfg = config or DEFAULT_CONFIG.quality
    spread = stable_spread(stable.pre, shape)
    if len(stable) >= cfg.min_stable_matches and spread < cfg.min_stable_spread:
        return (f"stable feature matches cover only {spread:.1%} of the frame (< {cfg.min_stable_spread:.0%}): "
                "they sit on one object, not the background, so the frames need not show the same view")
    return None


def judge_quality(distances: NDArray[np.float64], *, config: QualityConfig | None = None,
                  past_rotation: NDArray[np.float64] | None = None) -> QualityVerdict:
    """The paper's shake level and low-quality rule on stable-pair distances (px).

    ``past_rotation`` (:meth:`StableMatches.distances_past_rotation`, the same pairs) is what
    the rule's consistency test reads instead of ``distances`` when given: the level is the
    distances', the spread b - a that of the distances with the camera's turn taken out, held
    against the same share of the level's a (``QualityConfig.judge_past_rotation``)."""
    cfg = config or DEFAULT_CONFIG.quality
    d = np.sort(np.asarray(distances, np.float64))
    if past_rotation is not None and np.shape(past_rotation) != d.shape:
        raise InputError(f"past_rotation has {np.shape(past_rotation)} distances, distances {d.shape}")
    if d.size < cfg.min_stable_matches:
        return QualityVerdict("none", float("nan"), float("nan"), True,
                              f"too few stable feature matches to judge the pair ({d.size} < {cfg.min_stable_matches}): "
                              "the frames do not show the same scene, or one is too dark, blurred or occluded")
    head = max(1, min(d.size - 1, int(round(cfg.head_fraction * d.size))))
    a, b = float(d[:head].mean()), float(d[head:].max())
    if a < cfg.no_shake_max_px:
        level, ratio = "none", cfg.reject_ratio_no_shake
    elif a < cfg.slight_shake_max_px:
        level, ratio = "slight", cfg.reject_ratio_slight_shake
    else:
        level, ratio = "obvious", cfg.reject_ratio_obvious_shake
    a_eff = max(a, cfg.localisation_floor_px)
    spread, turned = b - a, ""
    if past_rotation is not None:
        r = np.sort(np.asarray(past_rotation, np.float64))
        spread, turned = float(r[head:].max()) - float(r[:head].mean()), " past the camera's turn"
    if spread > ratio * a_eff:
        return QualityVerdict(level, a, b, True,  # type: ignore[arg-type]
                              f"low-quality pair: stable-match distances are inconsistent{turned} (b - a = "
                              f"{spread:.2f} px > {ratio:g} x {a_eff:.2f} px at {level} shake), as when most of "
                              "the room changed")
    return QualityVerdict(level, a, b, False, None)  # type: ignore[arg-type]
