"""A standing person figure for the generator: head, torso, arms and legs in clothing colours,
anti-aliased, with shading. Its size follows the floor position, like the objects'."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

SKIN_BGR = ((150, 180, 225), (100, 135, 190), (60, 90, 140), (170, 200, 235))


def person_sprite(height: int, rng: np.random.Generator) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """(image BGR float32, mask) of a person ``height`` px tall, facing the camera."""
    if height < 40:
        raise ValueError(f"a person must be at least 40 px tall, got {height}")
    s = 4  # drawn 4x larger, then reduced: anti-aliased edges
    H = height * s
    W = int(0.42 * H)
    canvas = np.zeros((H, W, 3), np.float32)
    mask = np.zeros((H, W), np.uint8)
    shirt = rng.uniform(30, 220, 3)
    trousers = rng.uniform(20, 120, 3)
    skin = np.array(SKIN_BGR[int(rng.integers(len(SKIN_BGR)))], np.float32)
    cx = W // 2
    head_r = int(0.065 * H)
    shoulder_y, hip_y = int(0.17 * H), int(0.53 * H)
    half_shoulder, half_hip = int(0.13 * H), int(0.10 * H)
    parts = [
        ("head", skin, lambda m, v: cv2.ellipse(m, (cx, head_r + 2), (int(head_r * 0.85), head_r), 0, 0, 360, v, -1)),
        ("neck", skin, lambda m, v: cv2.rectangle(m, (cx - head_r // 3, 2 * head_r), (cx + head_r // 3, shoulder_y + 4), v, -1)),
        ("torso", shirt, lambda m, v: cv2.fillPoly(m, [np.array([[cx - half_shoulder, shoulder_y], [cx + half_shoulder, shoulder_y],
                                                                   [cx + half_hip, hip_y], [cx - half_hip, hip_y]], np.int32)], v)),
        ("arm_l", shirt, lambda m, v: cv2.line(m, (cx - half_shoulder + 6 * s, shoulder_y + 4 * s),
                                               (cx - half_shoulder - int(0.03 * H), int(0.50 * H)), v, int(0.055 * H))),
        ("arm_r", shirt, lambda m, v: cv2.line(m, (cx + half_shoulder - 6 * s, shoulder_y + 4 * s),
                                               (cx + half_shoulder + int(0.03 * H), int(0.50 * H)), v, int(0.055 * H))),
        ("leg_l", trousers, lambda m, v: cv2.line(m, (cx - half_hip // 2, hip_y), (cx - int(0.08 * H), H - 6 * s), v, int(0.075 * H))),
        ("leg_r", trousers, lambda m, v: cv2.line(m, (cx + half_hip // 2, hip_y), (cx + int(0.08 * H), H - 6 * s), v, int(0.075 * H))),
    ]
    for _, colour, draw in parts:
        part = np.zeros((H, W), np.uint8)
        draw(part, 1)
        sel = part.astype(bool)
        canvas[sel] = colour
        mask |= part
    # Light from above: a vertical gradient over the figure.
    canvas *= np.linspace(1.1, 0.8, H, dtype=np.float32)[:, None, None]
    small = cv2.resize(canvas, (W // s, H // s), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(mask.astype(np.float32), (W // s, H // s), interpolation=cv2.INTER_AREA)
    keep = alpha > 0.5
    # Un-premultiply the edge pixels so the figure's colours do not darken at its outline.
    small[keep] /= np.maximum(alpha[keep], 1e-3)[:, None]
    return np.clip(small, 0, 255), keep
