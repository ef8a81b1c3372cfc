"""Object sprites: textured, shaded silhouettes of the four classes, sized to a target area.

A sprite is an upright image with its mask. Toppling turns it by a quarter turn with
``np.rot90``, which keeps the area exact (no interpolation), so the truth area never drifts.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..config import ObjectClass

# kind -> (class, width/height ratio range, has a visible top face)
KINDS: dict[str, tuple[ObjectClass, tuple[float, float], bool]] = {
    "box": ("small_objects", (0.8, 1.5), True),
    "bottle": ("small_objects", (0.3, 0.45), False),
    "vase": ("small_objects", (0.5, 0.8), False),
    "books": ("small_objects", (1.2, 2.2), False),
    "chair": ("light_furniture", (0.55, 0.8), False),
    "stool": ("light_furniture", (0.8, 1.1), True),
    "side_table": ("light_furniture", (1.0, 1.4), True),
    "table": ("furniture", (1.5, 2.2), True),
    "cabinet": ("furniture", (0.7, 1.1), True),
    "sofa": ("furniture", (2.0, 2.8), False),
    "wardrobe": ("heavy_furniture", (0.5, 0.7), True),
    "fridge": ("heavy_furniture", (0.45, 0.6), True),
    "bookcase": ("heavy_furniture", (0.6, 0.85), True),
}
KINDS_BY_CLASS: dict[ObjectClass, tuple[str, ...]] = {}
for _k, (_c, _, _) in KINDS.items():
    KINDS_BY_CLASS.setdefault(_c, ())
    KINDS_BY_CLASS[_c] += (_k,)


@dataclass(frozen=True)
class Sprite:
    kind: str
    object_class: ObjectClass
    image: NDArray[np.float32]  # (h, w, 3) BGR
    mask: NDArray[np.bool_]  # (h, w)

    @property
    def area(self) -> int:
        return int(self.mask.sum())

    def turned(self, quarter_turns: int) -> "Sprite":
        k = quarter_turns % 4
        if k == 0:
            return self
        return Sprite(self.kind, self.object_class, np.ascontiguousarray(np.rot90(self.image, k)),
                      np.ascontiguousarray(np.rot90(self.mask, k)))


def _silhouette(kind: str, w: int, h: int, top: bool) -> list[NDArray[np.int32]]:
    """Polygons (in a w x h box) of the visible faces: [front, top?, side?]."""
    if kind == "vase":
        neck = max(2, w // 4)
        pts = np.array([[w // 2 - neck, 0], [w // 2 + neck, 0], [w - 1, h // 3], [w - 1, 2 * h // 3],
                        [w // 2 + neck, h - 1], [w // 2 - neck, h - 1], [0, 2 * h // 3], [0, h // 3]], np.int32)
        return [pts]
    if kind == "bottle":
        neck = max(2, w // 4)
        return [np.array([[w // 2 - neck, 0], [w // 2 + neck, 0], [w // 2 + neck, h // 4], [w - 1, h // 3],
                          [w - 1, h - 1], [0, h - 1], [0, h // 3], [w // 2 - neck, h // 4]], np.int32)]
    if kind == "chair":
        seat = int(h * 0.55)
        return [np.array([[0, 0], [int(w * 0.3), 0], [int(w * 0.3), seat], [w - 1, seat], [w - 1, h - 1],
                          [0, h - 1]], np.int32)]
    if kind == "sofa":
        arm = int(w * 0.12)
        back = int(h * 0.35)
        return [np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.int32),
                np.array([[arm, back], [w - 1 - arm, back], [w - 1 - arm, int(h * 0.6)], [arm, int(h * 0.6)]], np.int32)]
    if top:
        t = max(3, int(h * 0.16))
        sk = max(2, int(w * 0.08))
        front = np.array([[0, t], [w - 1 - sk, t], [w - 1 - sk, h - 1], [0, h - 1]], np.int32)
        top_f = np.array([[sk, 0], [w - 1, 0], [w - 1 - sk, t], [0, t]], np.int32)
        side = np.array([[w - 1 - sk, t], [w - 1, 0], [w - 1, h - 1 - t], [w - 1 - sk, h - 1]], np.int32)
        return [front, top_f, side]
    return [np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.int32)]


def _draw(kind: str, w: int, h: int, top: bool, base: NDArray[np.float32], pattern: int,
          rng: np.random.Generator) -> Sprite:
    faces = _silhouette(kind, w, h, top)
    image = np.zeros((h, w, 3), np.float32)
    mask = np.zeros((h, w), np.uint8)
    shades = (1.0, 1.25, 0.72) if top else (1.0, 0.8, 0.8)
    for face, shade in zip(faces, shades):
        cv2.fillPoly(image, [face], (base * shade).clip(0, 255).tolist())
        cv2.fillPoly(mask, [face], 1)
    front = faces[0]
    fx0, fy0 = front.min(axis=0)
    fx1, fy1 = front.max(axis=0)
    detail = (base * 0.55).tolist()
    # Surface detail gives each object its own edges and corners (drawers, doors, labels, spines).
    if pattern == 0 and fy1 - fy0 > 12:
        for y in np.linspace(fy0, fy1, int(rng.integers(3, 6)))[1:-1]:
            cv2.line(image, (int(fx0) + 2, int(y)), (int(fx1) - 2, int(y)), detail, 1)
    elif pattern == 1 and fx1 - fx0 > 12:
        for x in np.linspace(fx0, fx1, int(rng.integers(3, 6)))[1:-1]:
            cv2.line(image, (int(x), int(fy0) + 2), (int(x), int(fy1) - 2), detail, 1)
    elif pattern == 2:
        lx0, lx1 = int(fx0 + (fx1 - fx0) * 0.2), int(fx0 + (fx1 - fx0) * 0.8)
        ly0, ly1 = int(fy0 + (fy1 - fy0) * 0.3), int(fy0 + (fy1 - fy0) * 0.6)
        label = np.float32(255) - base
        cv2.rectangle(image, (lx0, ly0), (lx1, ly1), label.tolist(), -1)
    noise = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 0.8) * 5.0
    image += noise[..., None]
    outline = np.zeros((h, w), np.uint8)
    cs, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(outline, cs, -1, 1, 1)
    image[outline.astype(bool)] *= 0.6
    image[~mask.astype(bool)] = 0
    return Sprite(kind, KINDS[kind][0], image.clip(0, 255), mask.astype(bool))


def make_sprite(kind: str, target_area: float, rng: np.random.Generator, *, avoid_value: float) -> Sprite:
    """A sprite of ``kind`` whose mask area is within 1 % of ``target_area``.

    ``avoid_value`` is the background brightness (0..255) the object must stand out from.
    """
    _, (r0, r1), top = KINDS[kind]
    ratio = rng.uniform(r0, r1)
    pattern = int(rng.integers(0, 4))
    # A base colour whose brightness differs clearly from the background's.
    for _ in range(50):
        hsv = np.uint8([[[rng.integers(0, 180), rng.uniform(0.25, 0.8) * 255, rng.uniform(0.15, 0.95) * 255]]])
        base = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)
        if abs(float(base @ np.float32([0.114, 0.587, 0.299])) - avoid_value) > 45:
            break
    h = max(6.0, np.sqrt(target_area / ratio))
    sprite = None
    for _ in range(4):  # rasterisation makes area(w, h) slightly nonlinear: refine the scale
        w_i, h_i = max(4, int(round(h * ratio))), max(4, int(round(h)))
        sprite = _draw(kind, w_i, h_i, top, base, pattern, np.random.default_rng(rng.integers(1 << 31)))
        err = target_area / max(sprite.area, 1)
        if abs(err - 1) < 0.01:
            break
        h *= np.sqrt(err)
    assert sprite is not None
    return sprite
