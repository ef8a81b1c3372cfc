"""Reading and validating input frames, and bringing them to the working frame (paper 2.1.1).

Every problem a file can have is an :class:`~fastiesi.errors.InputError` naming the file and the
problem. Inputs that can be used after a lossless-in-meaning conversion (grayscale, an alpha
channel, 16-bit samples, pre and post at different resolutions of one view) are converted, and the
conversion is recorded in :attr:`Frame.notes` so the report shows it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import cv2
import numpy as np
from numpy.typing import NDArray

from .config import DEFAULT_CONFIG, FrameConfig
from .errors import InputError, InputTypeError

ImageLike = Union[str, os.PathLike, NDArray[Any]]
ASPECT_TOLERANCE = 0.02  # relative: 800x600 vs 1280x960 match; 4:3 vs 16:9 do not


@dataclass
class Frame:
    """One input frame as the engine uses it: 8-bit BGR, plus where it came from."""

    image: NDArray[np.uint8]
    source: str
    original_shape: tuple[int, int]  # (height, width) as read
    notes: list[str] = field(default_factory=list)


def _normalise(array: NDArray[Any], source: str, min_side: int) -> Frame:
    if not isinstance(array, np.ndarray):
        raise InputTypeError(f"{source}: expected an image array or a path, got {type(array).__name__}")
    notes: list[str] = []
    if array.ndim not in (2, 3):
        raise InputError(f"expected a 2-D (gray) or 3-D (colour) image, got shape {array.shape}", path=source)
    if array.size == 0:
        raise InputError("image is empty (zero pixels)", path=source)
    h, w = array.shape[:2]
    if min(h, w) < min_side:
        raise InputError(f"image is too small ({w}x{h}); both sides must be at least {min_side} px",
                         path=source)
    if array.dtype == np.uint16:
        array = (array.astype(np.float32) * (255.0 / 65535.0) + 0.5).astype(np.uint8)
        notes.append("16-bit samples scaled to 8 bits")
    elif array.dtype == np.bool_:
        raise InputError("image is boolean (a mask?), expected 8- or 16-bit samples", path=source)
    elif np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise InputError("floating-point image holds NaN or infinity", path=source)
        lo, hi = float(array.min()), float(array.max())
        if lo < 0.0 or hi > 1.0:
            raise InputError(f"floating-point image must lie in [0, 1], got [{lo:g}, {hi:g}]", path=source)
        array = (array * 255.0 + 0.5).astype(np.uint8)
        notes.append("floating-point samples in [0, 1] scaled to 8 bits")
    elif array.dtype != np.uint8:
        raise InputError(f"unsupported sample type {array.dtype}; expected uint8, uint16 or float in [0, 1]",
                         path=source)
    if array.ndim == 2 or array.shape[2] == 1:
        array = cv2.cvtColor(array.reshape(h, w), cv2.COLOR_GRAY2BGR)
        notes.append("grayscale converted to BGR")
    elif array.shape[2] == 4:
        array = cv2.cvtColor(array, cv2.COLOR_BGRA2BGR)
        notes.append("alpha channel dropped")
    elif array.shape[2] != 3:
        raise InputError(f"image has {array.shape[2]} channels; expected 1, 3 or 4", path=source)
    if int(array.max()) == int(array.min()):
        notes.append("image is uniform (a single value): nothing can be seen in it")
    return Frame(np.ascontiguousarray(array), source, (h, w), notes)


def read_image(path: str | os.PathLike[str], *, config: FrameConfig | None = None) -> Frame:
    """Read an image file into an 8-bit BGR :class:`Frame`, with a clear error for any bad file."""
    cfg = config or DEFAULT_CONFIG.frame
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", path=p)
    if p.is_dir():
        raise InputError("is a directory, expected an image file", path=p)
    try:
        data = np.fromfile(p, dtype=np.uint8)
    except PermissionError:
        raise InputError("permission denied", path=p) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", path=p) from None
    if data.size == 0:
        raise InputError("file is empty (0 bytes)", path=p)
    # Decode from memory: works for any path encoding and tells 'not an image' from 'unreadable'.
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    if image is None:
        raise InputError("not a readable image (corrupt, truncated, or not an image format OpenCV decodes)",
                         path=p)
    return _normalise(image, str(p), cfg.min_side)


def load_frame(image: ImageLike, *, name: str, config: FrameConfig | None = None) -> Frame:
    """A path or an array, as a :class:`Frame`. ``name`` labels arrays in messages ("pre", "post")."""
    cfg = config or DEFAULT_CONFIG.frame
    if isinstance(image, (str, os.PathLike)):
        return read_image(image, config=cfg)
    if isinstance(image, np.ndarray):
        return _normalise(image, f"<{name} array>", cfg.min_side)
    if hasattr(image, "__cuda_array_interface__"):
        raise InputTypeError(f"{name}: device arrays are taken by the GPU backend only; "
                             "this build runs the CPU backend")
    raise InputTypeError(f"{name}: expected a path or a NumPy image array, got {type(image).__name__}")


@dataclass
class WorkingPair:
    """Pre and post frames at the working size, and how they map back to the inputs."""

    pre: NDArray[np.uint8]
    post: NDArray[np.uint8]
    pre_frame: Frame
    post_frame: Frame
    scale_xy: tuple[float, float]  # working px per input px (x, y), of the pre frame

    @property
    def notes(self) -> list[str]:
        return [f"pre: {n}" for n in self.pre_frame.notes] + [f"post: {n}" for n in self.post_frame.notes]

    def describe(self) -> dict[str, Any]:
        ph, pw = self.pre_frame.original_shape
        qh, qw = self.post_frame.original_shape
        return {"pre": self.pre_frame.source, "post": self.post_frame.source,
                "pre_size": [pw, ph], "post_size": [qw, qh],
                "working_size": [self.pre.shape[1], self.pre.shape[0]],
                "scale_xy": [round(v, 6) for v in self.scale_xy], "notes": self.notes}


def to_working_size(image: NDArray[np.uint8], *, config: FrameConfig | None = None) -> NDArray[np.uint8]:
    """Resize to the paper's 800x600 (area averaging when shrinking, bilinear when enlarging)."""
    cfg = config or DEFAULT_CONFIG.frame
    h, w = image.shape[:2]
    if (w, h) == (cfg.width, cfg.height):
        return image
    shrink = w * h > cfg.width * cfg.height
    return cv2.resize(image, (cfg.width, cfg.height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def load_pair(pre: ImageLike, post: ImageLike, *, config: FrameConfig | None = None) -> WorkingPair:
    """Load and validate a pre/post pair and bring both to the working size.

    Pre and post must show the same view: equal aspect ratios (within 2 %). Different
    resolutions of the same aspect are accepted and noted (a stream that changed quality).
    """
    cfg = config or DEFAULT_CONFIG.frame
    a = load_frame(pre, name="pre", config=cfg)
    b = load_frame(post, name="post", config=cfg)
    (ah, aw), (bh, bw) = a.original_shape, b.original_shape
    if (ah, aw) != (bh, bw):
        ra, rb = aw / ah, bw / bh
        if abs(ra - rb) / ra > ASPECT_TOLERANCE:
            raise InputError(
                f"pre {a.source} is {aw}x{ah} but post is {bw}x{bh}: different aspect ratios, "
                "so not the same camera view", path=b.source)
        b.notes.append(f"resolution {bw}x{bh} differs from pre {aw}x{ah}; both resized to the working size")
    return WorkingPair(to_working_size(a.image, config=cfg), to_working_size(b.image, config=cfg), a, b,
                       (cfg.width / aw, cfg.height / ah))
