"""YOLOv8 person detector from a user's ONNX export (paper 2.4 uses YOLOv8).

The standard Ultralytics export takes ``images`` (N, 3, S, S) float32 RGB in [0, 1], letterboxed
(aspect kept, grey 114 padding, centred), and returns ``output0`` of shape (N, 4 + C, A): per
anchor the box centre x, y, width, height in input pixels and C class scores (no objectness).
Some exports transpose it to (N, A, 4 + C); both are read. Person is COCO class 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .base import Image, PersonBox, check_image
from .runtime import Runtime, open_model

LETTERBOX_FILL = 114  # Ultralytics' padding grey
DEFAULT_SIZE = 640


@dataclass(frozen=True)
class Letterbox:
    """How an image was fitted into the square input: scale, then padding on the left/top."""

    scale: float
    pad_x: float
    pad_y: float

    def to_image(self, xy: NDArray[np.float32]) -> NDArray[np.float32]:
        return (xy - np.array([self.pad_x, self.pad_y], np.float32)) / self.scale


def letterbox(image: Image, size: int) -> tuple[NDArray[np.float32], Letterbox]:
    """BGR uint8 (H, W, 3) -> (3, size, size) float32 RGB in [0, 1], and the transform used."""
    h, w = image.shape[:2]
    r = min(size / h, size / w)
    nw, nh = max(1, round(w * r)), max(1, round(h * r))
    resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR if r > 1 else cv2.INTER_AREA)
    px, py = (size - nw) / 2, (size - nh) / 2
    left, top = int(round(px - 0.1)), int(round(py - 0.1))  # Ultralytics' rounding of the split
    canvas = np.full((size, size, 3), LETTERBOX_FILL, np.uint8)
    canvas[top:top + nh, left:left + nw] = resized
    chw = canvas[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) / 255.0
    return np.ascontiguousarray(chw), Letterbox(r, float(left), float(top))


def decode_yolov8(output: NDArray[np.floating], *, num_classes: int = 80, class_id: int = 0,
                  conf: float = 0.25, iou: float = 0.45) -> list[tuple[NDArray[np.float32], NDArray[np.float32]]]:
    """Decode a YOLOv8 output batch into boxes of one class.

    Parameters
    ----------
    output : (N, 4 + C, A) or (N, A, 4 + C) float
    num_classes, class_id : int
        C, and the class kept (COCO person = 0).
    conf, iou : float
        Score threshold, and the IoU above which non-maximum suppression drops the weaker box.

    Returns
    -------
    list of ((k, 4) corners x0, y0, x1, y1 in input pixels, (k,) scores), one per image.
    """
    out = np.asarray(output, dtype=np.float32)
    channels = 4 + num_classes
    if out.ndim != 3:
        raise InputError(f"YOLOv8 output must be 3-D (N, 4+C, A) or (N, A, 4+C), got shape {out.shape}")
    if out.shape[1] == channels and out.shape[2] != channels:
        rows = out.transpose(0, 2, 1)
    elif out.shape[2] == channels:
        rows = out
    else:
        raise InputError(f"YOLOv8 output shape {out.shape} has no axis of 4 + {num_classes} = {channels} channels")
    if not 0 <= class_id < num_classes:
        raise InputError(f"class_id {class_id} outside the model's {num_classes} classes")
    results = []
    for det in rows:
        scores = det[:, 4 + class_id]
        keep = scores >= conf
        cxcywh, s = det[keep, :4], scores[keep]
        corners = np.concatenate([cxcywh[:, :2] - cxcywh[:, 2:] / 2, cxcywh[:, :2] + cxcywh[:, 2:] / 2], axis=1)
        if len(s):
            xywh = np.concatenate([corners[:, :2], cxcywh[:, 2:]], axis=1)
            idx = np.asarray(cv2.dnn.NMSBoxes(xywh.tolist(), s.tolist(), conf, iou), dtype=np.int64).reshape(-1)
            idx = idx[np.argsort(-s[idx], kind="stable")]
            corners, s = corners[idx], s[idx]
        results.append((corners.astype(np.float32), s.astype(np.float32)))
    return results


class YoloV8Detector:
    """People from a YOLOv8 ONNX model on ONNX Runtime (CPU by default).

    Parameters
    ----------
    path : str or Path
        The exported ``.onnx`` file (``yolo export format=onnx``; dynamic batch optional).
    conf, iou : float, keyword-only
        Score threshold and NMS IoU.
    providers : sequence of str, optional
        ONNX Runtime execution providers.
    runtime : {"onnxruntime", "tensorrt"}, keyword-only
        TensorRT runs a cached engine built from the same file (``engines/yolov8.toml``).
    engine_cache : Path, optional
        Where TensorRT plans are kept (default :func:`fastiesi.nn.tensorrt.cache_dir`).
    """

    def __init__(self, path: str | Path, *, conf: float = 0.25, iou: float = 0.45,
                 providers: Sequence[str] | None = None, runtime: Runtime = "onnxruntime",
                 engine_cache: Path | None = None) -> None:
        if not 0.0 < conf < 1.0 or not 0.0 < iou <= 1.0:
            raise InputError(f"need 0 < conf < 1 and 0 < iou <= 1, got conf={conf}, iou={iou}")
        self.model = open_model(path, role="YOLOv8 detector", recipe="yolov8", runtime=runtime, providers=providers,
                                cache=engine_cache)
        self.model.require(inputs=[(None, 4)], outputs=[(None, 3)])
        shape = self.model.inputs[0].shape
        if isinstance(shape[1], int) and shape[1] != 3:
            raise InputError(f"wrong signature for the YOLOv8 detector: input has {shape[1]} channels, expected 3",
                             path=self.model.path)
        h, w = shape[2], shape[3]
        self.size = h if isinstance(h, int) and h == w else DEFAULT_SIZE
        out_shape = self.model.outputs[0].shape
        fixed = [d for d in out_shape[1:] if isinstance(d, int)]
        self.num_classes = 80
        if len(fixed) == 2 and 84 not in fixed:
            self.num_classes = min(fixed) - 4  # a custom head: the smaller axis is the channels
        self.conf, self.iou = conf, iou
        self.name = f"yolov8-{'onnx' if runtime == 'onnxruntime' else 'trt'}:{Path(path).name}"

    def detect(self, images: Sequence[Image]) -> list[list[PersonBox]]:
        frames = [check_image(im, f"image {i}") for i, im in enumerate(images)]
        if not frames:
            return []
        prepared = [letterbox(im, self.size) for im in frames]
        batch = self.model.batch_dim()
        step = len(frames) if batch is None else batch
        outputs = []
        for start in range(0, len(frames), step):
            chunk = np.stack([t for t, _ in prepared[start:start + step]])
            if batch is not None and len(chunk) < batch:  # a fixed batch larger than what is left
                chunk = np.concatenate([chunk, np.zeros((batch - len(chunk),) + chunk.shape[1:], chunk.dtype)])
            out = self.model.run({self.model.inputs[0].name: chunk})[0]
            outputs.extend(decode_yolov8(out, num_classes=self.num_classes, conf=self.conf, iou=self.iou)
                           [:min(step, len(frames) - start)])
        result = []
        for im, (_, lb), (corners, scores) in zip(frames, prepared, outputs):
            h, w = im.shape[:2]
            boxes = []
            for c, s in zip(corners, scores):
                p0, p1 = lb.to_image(c[:2]), lb.to_image(c[2:])
                if p1[0] - p0[0] <= 0 or p1[1] - p0[1] <= 0:
                    continue
                clipped = PersonBox(float(p0[0]), float(p0[1]), float(p1[0]), float(p1[1]), float(s)).clipped(w, h)
                if clipped is not None:
                    boxes.append(clipped)
            result.append(boxes)
        return result
