"""People removal (paper 2.4): detect people, cut them out with box-prompted masks, inpaint.

People walking through a room between the two frames would otherwise be objects that appeared
or vanished. Each frame's people are found (one detector call for both frames), segmented from
their boxes, their masks grown a little (outline, hair, soft shadow), and the frame is inpainted
there. The masks are kept: movement detection ignores any candidate object that lies largely
under a person mask of either frame, so a person present in one frame only never becomes a moved
object, whatever the inpainting leaves behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from ..config import DEFAULT_CONFIG, PeopleConfig
from ..errors import InputError
from ..nn.base import Detector, Image, Inpainter, PersonBox, Segmenter, check_image


@dataclass
class PeopleInFrame:
    """One frame after removal: the kept boxes, the union of their grown masks, the inpainted
    image."""

    boxes: list[PersonBox]
    mask: NDArray[np.bool_]
    image: Image


@dataclass
class PeopleRemover:
    """A detector, a segmenter and an inpainter, run together on frames.

    Build it with :meth:`default` (no model files) or :meth:`from_models` (the user's ONNX files).
    """

    detector: Detector
    segmenter: Segmenter
    inpainter: Inpainter
    config: PeopleConfig = field(default_factory=lambda: DEFAULT_CONFIG.people)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @classmethod
    def default(cls, *, config: PeopleConfig | None = None) -> "PeopleRemover":
        """OpenCV's HOG people detector, GrabCut, pyramid inpainting: needs no model files."""
        from ..nn.inpaint import PyramidInpainter
        from ..nn.opencv_default import GrabCutSegmenter, HogPeopleDetector

        cfg = config or DEFAULT_CONFIG.people
        return cls(HogPeopleDetector(config=cfg), GrabCutSegmenter(config=cfg), PyramidInpainter(config=cfg), cfg)

    @classmethod
    def from_models(cls, *, detector: str | Path | None = None, segmenter_encoder: str | Path | None = None,
                    segmenter_decoder: str | Path | None = None, providers: Sequence[str] | None = None,
                    runtime: str = "onnxruntime", engine_cache: Path | None = None,
                    config: PeopleConfig | None = None) -> "PeopleRemover":
        """YOLOv8 and/or SAM from ONNX files where given, the built-in default for the rest;
        ``runtime`` "tensorrt" runs them as cached TensorRT engines built from the same files."""
        from ..nn.inpaint import PyramidInpainter
        from ..nn.opencv_default import GrabCutSegmenter, HogPeopleDetector

        cfg = config or DEFAULT_CONFIG.people
        if (segmenter_encoder is None) != (segmenter_decoder is None):
            raise InputError("SAM needs both --segmenter-encoder and --segmenter-decoder (got only one)")
        if detector is not None:
            from ..nn.yolo import YoloV8Detector

            det: Detector = YoloV8Detector(detector, conf=cfg.min_score, iou=cfg.nms_iou, providers=providers,
                                           runtime=runtime, engine_cache=engine_cache)  # type: ignore[arg-type]
        else:
            det = HogPeopleDetector(config=cfg)
        if segmenter_encoder is not None and segmenter_decoder is not None:
            from ..nn.sam import SamSegmenter

            seg: Segmenter = SamSegmenter(segmenter_encoder, segmenter_decoder, providers=providers,
                                          runtime=runtime, engine_cache=engine_cache)  # type: ignore[arg-type]
        else:
            seg = GrabCutSegmenter(config=cfg)
        return cls(det, seg, PyramidInpainter(config=cfg), cfg)

    @property
    def models(self) -> dict[str, str]:
        return {"detector": self.detector.name, "segmenter": self.segmenter.name, "inpainter": self.inpainter.name}

    def remove(self, frames: Sequence[Image]) -> list[PeopleInFrame]:
        """People out of every frame; the detector sees all frames in one call."""
        frames = [check_image(f, f"frame {i}") for i, f in enumerate(frames)]
        t = self.timings_ms
        t0 = time.perf_counter()
        found = self.detector.detect(frames)
        t["people_detect"] = (time.perf_counter() - t0) * 1e3
        if len(found) != len(frames):
            raise InputError(f"detector {self.detector.name} returned {len(found)} results for {len(frames)} frames")
        t["people_segment"] = t["people_inpaint"] = 0.0
        out = []
        k = 2 * self.config.mask_grow_px + 1
        grow = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        for frame, boxes in zip(frames, found):
            h, w = frame.shape[:2]
            boxes = [b for b in boxes if b.score >= self.config.min_score]
            mask = np.zeros((h, w), bool)
            if boxes:
                t0 = time.perf_counter()
                for m in self.segmenter.segment(frame, boxes):
                    if m.shape != (h, w):
                        raise InputError(f"segmenter {self.segmenter.name} returned a mask of shape {m.shape} "
                                         f"for a {w}x{h} frame")
                    mask |= m
                t["people_segment"] += (time.perf_counter() - t0) * 1e3
                if self.config.mask_grow_px > 0:
                    mask = cv2.dilate(mask.astype(np.uint8), grow) > 0
            if mask.any():
                t0 = time.perf_counter()
                image = self.inpainter.inpaint(frame, mask)
                t["people_inpaint"] += (time.perf_counter() - t0) * 1e3
            else:
                image = frame
            out.append(PeopleInFrame(boxes, mask, image))
        return out


def describe_removed(frames: dict[str, PeopleInFrame]) -> list[dict[str, Any]]:
    """The report's ``people_removed`` entries: frame, box, masked pixels of that frame."""
    return [{"frame": name, "box": b.to_dict(), "mask_pixels": int(p.mask.sum())}
            for name, p in frames.items() for b in p.boxes]
