"""The person-removal interfaces (paper 2.4): a detector finds people, a segmenter cuts them out
from box prompts, an inpainter restores what was behind them.

Every implementation takes and returns NumPy arrays in the frame's own pixel coordinates: BGR
uint8 images (H, W, 3), boxes as corner coordinates, masks as (H, W) bool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, InputTypeError

Image = NDArray[np.uint8]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class PersonBox:
    """A detected person: corners (x0, y0) top-left and (x1, y1) bottom-right, in pixels of the
    image it was found in, and the detector's confidence in [0, 1]."""

    x0: float
    y0: float
    x1: float
    y1: float
    score: float

    def __post_init__(self) -> None:
        if not (self.x1 > self.x0 and self.y1 > self.y0):
            raise InputError(f"a person box needs x1 > x0 and y1 > y0, got {self}")

    @property
    def area(self) -> float:
        return (self.x1 - self.x0) * (self.y1 - self.y0)

    def clipped(self, width: int, height: int) -> "PersonBox | None":
        """The box inside a width x height image, or None if nothing of it is."""
        x0, y0 = max(0.0, self.x0), max(0.0, self.y0)
        x1, y1 = min(float(width), self.x1), min(float(height), self.y1)
        return PersonBox(x0, y0, x1, y1, self.score) if x1 > x0 and y1 > y0 else None

    def to_dict(self) -> dict[str, float]:
        return {"x0": round(self.x0, 2), "y0": round(self.y0, 2), "x1": round(self.x1, 2),
                "y1": round(self.y1, 2), "score": round(self.score, 4)}


@runtime_checkable
class Detector(Protocol):
    """Images -> person boxes, one list per image (a batch in one call where the model allows)."""

    name: str

    def detect(self, images: Sequence[Image]) -> list[list[PersonBox]]: ...


@runtime_checkable
class Segmenter(Protocol):
    """An image and box prompts -> one person mask per box."""

    name: str

    def segment(self, image: Image, boxes: Sequence[PersonBox]) -> list[Mask]: ...


@runtime_checkable
class Inpainter(Protocol):
    """An image and a mask -> the image with the masked pixels restored from their surroundings."""

    name: str

    def inpaint(self, image: Image, mask: Mask) -> Image: ...


def check_image(image: object, name: str = "image") -> Image:
    """A (H, W, 3) uint8 BGR image, or a precise error."""
    if not isinstance(image, np.ndarray):
        raise InputTypeError(f"{name} must be a NumPy array, got {type(image).__name__}")
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise InputError(f"{name} must be a (H, W, 3) uint8 BGR image, got {image.shape} {image.dtype}")
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise InputError(f"{name} is too small: {image.shape[1]}x{image.shape[0]}")
    return image


def check_mask(mask: object, shape: tuple[int, int], name: str = "mask") -> Mask:
    """A (H, W) mask of the given shape, as bool."""
    if not isinstance(mask, np.ndarray):
        raise InputTypeError(f"{name} must be a NumPy array, got {type(mask).__name__}")
    if mask.shape != shape:
        raise InputError(f"{name} must have shape {shape}, got {mask.shape}")
    return mask.astype(bool, copy=False)
