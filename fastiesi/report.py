"""The assessment report: dataclasses, versioned JSON, and the overlay image.

JSON layout (``schema`` = :data:`SCHEMA`): intensity (5..9 or null), intensity_roman, meaning,
status ("ok" | "rejected"), reason, initial_intensity, rule (k1..k9), corrections, shake_level,
shake (measured shift, rotation, the 80/20 statistics), crop, complexity, psd, classes
{class: {moved, total, fraction}}, falls, objects [...], people_removed, timings_ms, backend,
fallbacks (every fallback taken, never silent), inputs, versions.
"""

from __future__ import annotations

import dataclasses
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from .config import OBJECT_CLASSES, ObjectClass, Region
from .errors import InputError
from .stages.depth import DepthRegions
from .stages.intensity import ROMAN, Rating

SCHEMA = "fastiesi.assessment/1"
Status = Literal["ok", "rejected", "incomplete"]


@dataclass(frozen=True)
class ClassCount:
    moved: int
    total: int

    @property
    def fraction(self) -> float:
        return self.moved / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"moved": self.moved, "total": self.total, "fraction": round(self.fraction, 6)}


@dataclass(frozen=True)
class ObjectRecord:
    """One object seen in the pre frame (or, if it appeared, the post frame)."""

    id: int
    object_class: ObjectClass
    region: Region
    area: int
    bbox_before: tuple[int, int, int, int] | None  # x, y, w, h in the analysed image
    bbox_after: tuple[int, int, int, int] | None
    centroid_before: tuple[float, float] | None
    centroid_after: tuple[float, float] | None
    displacement_px: float | None
    moved: bool
    fell: bool
    path: Literal["low", "high"] = "low"  # which movement path (4.2 low, 4.3 high) judged it

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["class"] = d.pop("object_class")
        for k in ("bbox_before", "bbox_after", "centroid_before", "centroid_after"):
            if d[k] is not None:
                d[k] = [round(float(v), 2) for v in d[k]]
        if d["displacement_px"] is not None:
            d["displacement_px"] = round(float(d["displacement_px"]), 2)
        return d


@dataclass(frozen=True)
class ShakeMeasurement:
    """Camera shake from the stable feature pairs (paper 2.2-2.3)."""

    level: Literal["none", "slight", "obvious"]
    mean_distance_px: float  # a: mean of the first 80 % of sorted pair distances
    tail_max_px: float  # b: max of the last 20 %
    translation_px: tuple[float, float]
    rotation_deg: float
    stable_matches: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "mean_distance_px": round(self.mean_distance_px, 4),
            "tail_max_px": round(self.tail_max_px, 4),
            "translation_px": [round(v, 4) for v in self.translation_px],
            "rotation_deg": round(self.rotation_deg, 5),
            "stable_matches": self.stable_matches,
        }


def versions() -> dict[str, str]:
    from . import __version__

    return {"fastiesi": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "opencv": cv2.__version__}


@dataclass
class Assessment:
    """The result of assessing one pre/post pair."""

    status: Status
    intensity: int | None = None
    reason: str | None = None
    rating: Rating | None = None
    shake: ShakeMeasurement | None = None
    crop: tuple[int, int, int, int] | None = None  # x, y, w, h of the common valid area
    complexity: Literal["low", "mixed", "high"] | None = None
    psd: float | None = None
    complexity_reason: str | None = None  # set where the level is not the PSD's own (read_as_mixed)
    classes: dict[str, ClassCount] = field(default_factory=dict)
    falls: int = 0
    objects: list[ObjectRecord] = field(default_factory=list)
    people_removed: list[dict[str, Any]] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    backend: str = "cpu"
    fallbacks: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in ("ok", "rejected", "incomplete"):
            raise InputError(f"status must be 'ok', 'rejected' or 'incomplete', got {self.status!r}")
        if self.status != "ok" and self.intensity is not None:
            raise InputError(f"a {self.status} assessment carries no intensity")
        if self.status == "ok" and self.intensity is None:
            raise InputError("an ok assessment needs an intensity")

    @property
    def intensity_roman(self) -> str | None:
        return None if self.intensity is None else ROMAN[self.intensity]

    @property
    def meaning(self) -> str | None:
        if self.status != "ok":
            return None
        return self.rating.meaning if self.rating else self.intensity_roman

    def to_dict(self) -> dict[str, Any]:
        r = self.rating
        return {
            "schema": SCHEMA,
            "intensity": self.intensity,
            "intensity_roman": self.intensity_roman,
            "meaning": self.meaning,
            "status": self.status,
            "reason": self.reason,
            "initial_intensity": r.initial if r else None,
            "rule": r.rule if r else None,
            "corrections": list(r.corrections) if r else [],
            "shake_level": self.shake.level if self.shake else None,
            "shake": self.shake.to_dict() if self.shake else None,
            "crop": list(self.crop) if self.crop else None,
            "complexity": self.complexity,
            "psd": None if self.psd is None else round(self.psd, 3),
            "complexity_reason": self.complexity_reason,
            "classes": {c: (self.classes.get(c) or ClassCount(0, 0)).to_dict() for c in OBJECT_CLASSES},
            "falls": self.falls,
            "objects": [o.to_dict() for o in self.objects],
            "people_removed": self.people_removed,
            "timings_ms": {k: round(v, 3) for k, v in self.timings_ms.items()},
            "backend": self.backend,
            "fallbacks": self.fallbacks,
            "inputs": self.inputs,
            "versions": versions(),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def save_json(self, path: str | Path) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.to_json() + "\n", encoding="utf-8")
        return p


# --------------------------------------------------------------------------------------------
# Overlay
# --------------------------------------------------------------------------------------------

CLASS_COLOURS_BGR: dict[str, tuple[int, int, int]] = {
    "small_objects": (0, 200, 255),  # amber
    "light_furniture": (0, 220, 0),  # green
    "furniture": (255, 160, 0),  # azure
    "heavy_furniture": (200, 0, 200),  # magenta
}


def registered_post(post: NDArray[np.uint8], shake: ShakeMeasurement) -> NDArray[np.uint8]:
    """The post frame warped into the pre frame's coordinates by the measured shake (2.3), so the
    report's boxes (pre coordinates) land on what they describe."""
    t = np.radians(shake.rotation_deg)
    m = np.array([[np.cos(t), -np.sin(t), shake.translation_px[0]], [np.sin(t), np.cos(t), shake.translation_px[1]]])
    h, w = post.shape[:2]
    return cv2.warpAffine(post, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)


def render_overlay(image: NDArray[np.uint8], assessment: Assessment, *,
                   regions: DepthRegions | None = None) -> NDArray[np.uint8]:
    """Draw the evidence on a copy of the (analysed, post) frame.

    Depth arcs as thin lines, each object's post box in its class colour (moved thick, static
    thin), fallen objects crossed, removed people's boxes in white, and a header with the
    intensity and rule.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise InputError(f"overlay needs an (H, W, 3) uint8 image, got {image.shape} {image.dtype}")
    out = image.copy()
    h, w = out.shape[:2]
    if regions is not None:
        xs = np.arange(w, dtype=np.float64)
        for ys in regions.boundary_rows(xs):
            pts = np.stack([xs, ys], axis=1).round().astype(np.int32)
            cv2.polylines(out, [pts.reshape(-1, 1, 2)], False, (255, 255, 255), 1, cv2.LINE_AA)
    for o in assessment.objects:
        box = o.bbox_after or o.bbox_before
        if box is None:
            continue
        x, y, bw, bh = (int(v) for v in box)
        colour = CLASS_COLOURS_BGR[o.object_class]
        cv2.rectangle(out, (x, y), (x + bw, y + bh), colour, 2 if o.moved else 1)
        if o.fell:
            cv2.line(out, (x, y), (x + bw, y + bh), (0, 0, 255), 2)
            cv2.line(out, (x + bw, y), (x, y + bh), (0, 0, 255), 2)
        if o.moved and o.bbox_before is not None and o.bbox_after is not None and o.centroid_before and o.centroid_after:
            p0 = tuple(int(round(v)) for v in o.centroid_before)
            p1 = tuple(int(round(v)) for v in o.centroid_after)
            cv2.arrowedLine(out, p0, p1, colour, 1, cv2.LINE_AA, tipLength=0.2)
    for person in assessment.people_removed:  # where people were removed (2.4), in white
        b = person["box"]
        corners = np.array([[b["x0"], b["y0"]], [b["x1"], b["y0"]], [b["x0"], b["y1"]], [b["x1"], b["y1"]]])
        if person["frame"] == "post" and assessment.shake is not None:
            sh = assessment.shake  # post boxes are in post pixels: register them like the frame
            t = np.radians(sh.rotation_deg)
            corners = corners @ np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]).T + sh.translation_px
        (x0, y0), (x1, y1) = corners.min(axis=0).astype(int), corners.max(axis=0).astype(int)
        cv2.rectangle(out, (x0, y0), (x1, y1), (255, 255, 255), 1)
        cv2.putText(out, f"person removed ({person['frame']})", (x0 + 2, max(y0 - 4, 36)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA)
    if assessment.status == "incomplete":
        head = "incomplete: " + (assessment.reason or "")
    elif assessment.status == "ok":
        head = f"intensity {assessment.intensity_roman}"
        if assessment.rating:
            head += f"  ({assessment.rating.rule}"
            head += (", " + ", ".join(assessment.rating.corrections)) if assessment.rating.corrections else ""
            head += ")"
    else:
        head = f"rejected: {assessment.reason}"
    cv2.rectangle(out, (0, 0), (w, 24), (0, 0, 0), -1)
    cv2.putText(out, head[:90], (6, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return out
