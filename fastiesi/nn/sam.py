"""Segment Anything (SAM / MobileSAM) from a user's ONNX encoder and decoder, box-prompted.

Decoder: the official export (``segment_anything/scripts/export_onnx_model.py``) takes
``image_embeddings`` (1, 256, 64, 64), ``point_coords`` (1, P, 2) and ``point_labels`` (1, P) in the
1024-long-side input frame (a box is two points labelled 2 and 3), ``mask_input`` (1, 1, 256, 256),
``has_mask_input`` (1,), ``orig_im_size`` (2,) = (H, W), and returns ``masks`` (1, K, H, W) logits
(a pixel is in the mask above 0.0) and ``iou_predictions`` (1, K). Per box, the mask with the best
predicted IoU is kept.

Encoder: exports differ. One whose input has rank 4 takes the normalised, padded (1, 3, 1024, 1024)
tensor (SAM's own preprocessing is done here); one with rank 3 takes the resized (h, w, 3) RGB
float image and normalises and pads inside the graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .base import Image, Mask, PersonBox, check_image
from .runtime import Runtime, open_model

SAM_SIZE = 1024
PIXEL_MEAN = np.array([123.675, 116.28, 103.53], np.float32)  # SAM's RGB normalisation
PIXEL_STD = np.array([58.395, 57.12, 57.375], np.float32)
MASK_THRESHOLD = 0.0
DECODER_INPUTS = ("image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size")


def resize_longest_side(image: Image, size: int = SAM_SIZE) -> tuple[NDArray[np.uint8], float]:
    """RGB image resized so that its longer side is ``size``; and the scale applied."""
    h, w = image.shape[:2]
    scale = size / max(h, w)
    nh, nw = int(h * scale + 0.5), int(w * scale + 0.5)
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    return cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_LINEAR), scale


def sam_input(image: Image, size: int = SAM_SIZE) -> tuple[NDArray[np.float32], float]:
    """SAM's preprocessing: resize the longest side, normalise, pad bottom/right to size x size;
    returns (1, 3, size, size) float32 and the scale."""
    rgb, scale = resize_longest_side(image, size)
    x = (rgb.astype(np.float32) - PIXEL_MEAN) / PIXEL_STD
    padded = np.zeros((size, size, 3), np.float32)
    padded[:x.shape[0], :x.shape[1]] = x
    return np.ascontiguousarray(padded.transpose(2, 0, 1)[None]), scale


class SamSegmenter:
    """Person masks from SAM box prompts, on ONNX Runtime.

    Parameters
    ----------
    encoder, decoder : str or Path
        The image-encoder and prompt/mask-decoder ``.onnx`` files.
    providers : sequence of str, optional
        ONNX Runtime execution providers.
    runtime : {"onnxruntime", "tensorrt"}, keyword-only
        TensorRT runs cached engines built from the same files (``engines/sam_*.toml``).
    engine_cache : Path, optional
        Where TensorRT plans are kept.
    """

    def __init__(self, encoder: str | Path, decoder: str | Path, *, providers: Sequence[str] | None = None,
                 runtime: Runtime = "onnxruntime", engine_cache: Path | None = None) -> None:
        self.encoder = open_model(encoder, role="SAM encoder", recipe="sam_encoder", runtime=runtime,
                                  providers=providers, cache=engine_cache)
        self.decoder = open_model(decoder, role="SAM decoder", recipe="sam_decoder", runtime=runtime,
                                  providers=providers, cache=engine_cache)
        enc_rank = len(self.encoder.inputs[0].shape)
        if enc_rank not in (3, 4):
            raise InputError(f"wrong signature for the SAM encoder: input rank {enc_rank}, expected 4 "
                             "(1, 3, 1024, 1024) or 3 (h, w, 3)", path=self.encoder.path)
        self.encoder.require(inputs=[(None, enc_rank)], outputs=[(None, 4)])
        self.decoder.require(inputs=[("image_embeddings", 4), ("point_coords", 3), ("point_labels", 2),
                                     ("mask_input", 4), ("has_mask_input", 1), ("orig_im_size", 1)],
                             outputs=[(None, 4), (None, 2)])
        names = [o.name for o in self.decoder.outputs]
        self._masks = names.index("masks") if "masks" in names else 0
        self._scores = names.index("iou_predictions") if "iou_predictions" in names else 1
        self.name = f"sam-{'onnx' if runtime == 'onnxruntime' else 'trt'}:{Path(encoder).name}+{Path(decoder).name}"

    def embed(self, image: Image) -> tuple[NDArray[np.float32], float]:
        """The image embedding and the scale from image pixels to the 1024 frame."""
        if len(self.encoder.inputs[0].shape) == 4:
            x, scale = sam_input(image)
        else:
            rgb, scale = resize_longest_side(image)
            x = rgb.astype(np.float32)
        emb = self.encoder.run({self.encoder.inputs[0].name: x})[0]
        return np.asarray(emb, np.float32), scale

    def segment(self, image: Image, boxes: Sequence[PersonBox]) -> list[Mask]:
        image = check_image(image)
        if not boxes:
            return []
        emb, scale = self.embed(image)
        h, w = image.shape[:2]
        masks = []
        for b in boxes:
            coords = np.array([[[b.x0, b.y0], [b.x1, b.y1]]], np.float32) * scale
            feeds = {
                "image_embeddings": emb,
                "point_coords": coords,
                "point_labels": np.array([[2, 3]], np.float32),
                "mask_input": np.zeros((1, 1, 256, 256), np.float32),
                "has_mask_input": np.zeros(1, np.float32),
                "orig_im_size": np.array([h, w], np.float32),
            }
            out = self.decoder.run(feeds)
            logits, scores = np.asarray(out[self._masks]), np.asarray(out[self._scores])
            if logits.ndim != 4 or logits.shape[2:] != (h, w):
                raise InputError(f"SAM decoder returned masks of shape {logits.shape}, expected (1, K, {h}, {w})",
                                 path=self.decoder.path)
            best = int(np.argmax(scores.reshape(-1))) if scores.size == logits.shape[1] else 0
            masks.append(logits[0, best] > MASK_THRESHOLD)
        return masks
