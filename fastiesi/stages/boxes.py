"""Axis-aligned boxes (x, y, w, h): overlap measures shared by the movement stage and the
accuracy score."""

from __future__ import annotations

Box = tuple[int, int, int, int]


def overlap_area(a: Box, b: Box) -> int:
    """Pixels the two boxes share."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union; 0 for two empty boxes."""
    inter = overlap_area(a, b)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def inside_share(inner: Box, outer: Box) -> float:
    """The share of ``inner``'s area that lies in ``outer``; 0 for an empty ``inner``."""
    area = inner[2] * inner[3]
    return overlap_area(inner, outer) / area if area else 0.0
