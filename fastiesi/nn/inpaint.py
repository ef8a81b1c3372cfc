"""Multi-scale inpainting of removed people (paper 2.4).

The paper restores the removed region from small scales to large, guided by the texture around
it, and refines the edges at each scale. Here: an image pyramid is built until the region is a
few pixels thick; there OpenCV's Telea inpainting (fast marching) fills it; each finer level takes
the coarser fill, upsampled, as its inside and re-inpaints only a band along the region's edge,
so the seam matches the surroundings at full resolution; last, sensor-like texture with the
standard deviation measured in a ring around the region is added back, so the patch is not
smoother than its surroundings. Patch matching (copying texture from elsewhere) is not done: it
costs seconds per frame, and a smooth fill cannot create edges, so it cannot create objects.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..config import DEFAULT_CONFIG, PeopleConfig
from ..errors import InputError
from .base import Image, Mask, check_image, check_mask


def _thickness(mask: Mask) -> float:
    """Twice the largest distance from a masked pixel to the outside: the region's thickness."""
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 3)
    return 2.0 * float(dist.max())


class PyramidInpainter:
    """Coarse-to-fine Telea inpainting with edge refinement and texture noise."""

    name = "pyramid-telea"

    def __init__(self, *, config: PeopleConfig | None = None, seed: int = 0) -> None:
        self.config = config or DEFAULT_CONFIG.people
        if self.config.inpaint_radius < 1 or self.config.inpaint_coarsest_px < 1:
            raise InputError("inpaint_radius and inpaint_coarsest_px must be at least 1")
        self.seed = seed

    def inpaint(self, image: Image, mask: Mask) -> Image:
        image = check_image(image)
        m = check_mask(mask, image.shape[:2])
        if not m.any():
            return image.copy()
        if m.all():
            raise InputError("the inpainting mask covers the whole image: nothing to restore it from")
        r = self.config.inpaint_radius
        levels = [(image, m.astype(np.uint8) * np.uint8(255))]
        while _thickness(levels[-1][1] > 0) > self.config.inpaint_coarsest_px and min(levels[-1][0].shape[:2]) >= 32:
            im, mk = levels[-1]
            smaller = cv2.pyrDown(im)
            # A pixel is unknown at the coarser level if any of its fine pixels was.
            mk_small = cv2.resize(cv2.dilate(mk, np.ones((3, 3), np.uint8)), (smaller.shape[1], smaller.shape[0]),
                                  interpolation=cv2.INTER_NEAREST)
            levels.append((smaller, mk_small))
        im, mk = levels[-1]
        filled = cv2.inpaint(im, mk, r, cv2.INPAINT_TELEA)
        for im, mk in reversed(levels[:-1]):
            up = cv2.resize(filled, (im.shape[1], im.shape[0]), interpolation=cv2.INTER_LINEAR)
            inside = mk > 0
            current = im.copy()
            current[inside] = up[inside]
            # Edge refinement: the band along the region's border is inpainted again at this
            # level, from the true pixels outside and the upsampled fill inside.
            band = (inside & ~(cv2.erode(mk, np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0)).astype(np.uint8) * 255
            filled = cv2.inpaint(current, band, r, cv2.INPAINT_TELEA)
        return self._texture(image, filled, m)

    def _texture(self, image: Image, filled: Image, m: Mask) -> Image:
        # The ring's high-frequency residual (image minus its 5x5 blur) has the sensor noise
        # and fine texture; the fill gets Gaussian noise of the same spread per channel.
        ring = (cv2.dilate(m.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0) & ~m
        if ring.sum() < 16:
            return filled
        resid = image.astype(np.float32) - cv2.blur(image, (5, 5)).astype(np.float32)
        sigma = resid[ring].std(axis=0)
        rng = np.random.default_rng(self.seed)
        out = filled.astype(np.float32)
        out[m] += rng.normal(0.0, 1.0, (int(m.sum()), 3)).astype(np.float32) * sigma
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)
