"""The built-in person remover's detector and segmenter: what ships inside OpenCV, no model
files. HOG + linear SVM people detector (Dalal-Triggs, OpenCV's bundled coefficients), and GrabCut
prompted by each box."""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from ..config import DEFAULT_CONFIG, PeopleConfig
from ..errors import InputError
from .base import Image, Mask, PersonBox, check_image


class HogPeopleDetector:
    """OpenCV's HOG people detector (64x128 window over an image pyramid).

    Scores are the SVM margins mapped through a logistic, so 0.5 is the SVM's own boundary;
    boxes below ``hog_min_score`` (calibrated, see config) are dropped.
    """

    name = "opencv-hog"

    def __init__(self, *, config: PeopleConfig | None = None, min_score: float | None = None) -> None:
        self.config = config or DEFAULT_CONFIG.people
        self.min_score = self.config.hog_min_score if min_score is None else min_score
        self._hog = cv2.HOGDescriptor()
        self._hog.setSVMDetector(cv2.HOGDescriptor.getDefaultPeopleDetector())

    def detect(self, images: Sequence[Image]) -> list[list[PersonBox]]:
        cfg = self.config
        out = []
        for i, im in enumerate(images):
            im = check_image(im, f"image {i}")
            h, w = im.shape[:2]
            if h < 128 or w < 64:
                out.append([])  # smaller than one detection window: no person can be found
                continue
            s = cfg.hog_win_stride
            rects, weights = self._hog.detectMultiScale(im, winStride=(s, s), padding=(8, 8), scale=cfg.hog_scale)
            if len(rects) == 0:
                out.append([])
                continue
            scores = 1.0 / (1.0 + np.exp(-np.asarray(weights, np.float64).reshape(-1)))
            keep = np.asarray(cv2.dnn.NMSBoxes([list(map(int, r)) for r in rects], scores.tolist(), self.min_score,
                                               cfg.nms_iou), dtype=np.int64).reshape(-1)
            boxes = []
            for k in keep[np.argsort(-scores[keep], kind="stable")]:
                x, y, bw, bh = (float(v) for v in rects[k])
                b = PersonBox(x, y, x + bw, y + bh, float(scores[k])).clipped(w, h)
                if b is not None:
                    boxes.append(b)
            out.append(boxes)
        return out


GRABCUT_SEED = 24  # any fixed value: determinism, not a tuned constant


class GrabCutSegmenter:
    """Box-prompted GrabCut: the box's outside is background, its inside probably foreground;
    run on a crop around the box (the box grown by a quarter) to keep it fast."""

    name = "opencv-grabcut"

    def __init__(self, *, config: PeopleConfig | None = None) -> None:
        self.config = config or DEFAULT_CONFIG.people
        if self.config.grabcut_iterations < 1:
            raise InputError(f"grabcut_iterations must be at least 1, got {self.config.grabcut_iterations}")

    def segment(self, image: Image, boxes: Sequence[PersonBox]) -> list[Mask]:
        image = check_image(image)
        h, w = image.shape[:2]
        masks = []
        for b in boxes:
            mx, my = 0.25 * (b.x1 - b.x0), 0.25 * (b.y1 - b.y0)
            cx0, cy0 = max(0, int(b.x0 - mx)), max(0, int(b.y0 - my))
            cx1, cy1 = min(w, int(np.ceil(b.x1 + mx))), min(h, int(np.ceil(b.y1 + my)))
            crop = np.ascontiguousarray(image[cy0:cy1, cx0:cx1])
            rect = (int(b.x0) - cx0, int(b.y0) - cy0, max(1, int(b.x1 - b.x0)), max(1, int(b.y1 - b.y0)))
            full = np.zeros((h, w), bool)
            # GrabCut needs background around the box to model; a box filling its crop has none.
            if rect[2] >= crop.shape[1] - 1 or rect[3] >= crop.shape[0] - 1 or min(crop.shape[:2]) < 8:
                full[int(b.y0):int(np.ceil(b.y1)), int(b.x0):int(np.ceil(b.x1))] = True
                masks.append(full)
                continue
            gc = np.zeros(crop.shape[:2], np.uint8)
            bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
            # GrabCut seeds its colour models with k-means on OpenCV's thread RNG, whose state
            # depends on what ran before: reseed it, so the same frame gives the same mask.
            cv2.setRNGSeed(GRABCUT_SEED)
            cv2.grabCut(crop, gc, rect, bgd, fgd, self.config.grabcut_iterations, cv2.GC_INIT_WITH_RECT)
            full[cy0:cy1, cx0:cx1] = (gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)
            masks.append(full)
        return masks
