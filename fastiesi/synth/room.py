"""The static room: walls in perspective, a tiled floor, and wall features that never move.

Everything here is background for the method (paper 4.1: ground, walls and ceiling are
background); it gives the frame the static edges and corners that real rooms have and that the
stable-feature stages (2.2, 2.3) rely on.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class RoomGeometry:
    """Room layout in canvas coordinates (the canvas is the view plus a margin on every side)."""

    canvas_w: int
    canvas_h: int
    margin: int
    floor_y: int  # canvas row where the back wall meets the floor
    back_x0: int  # back wall's left edge
    back_x1: int  # back wall's right edge
    vanish_x: float
    vanish_y: float
    shelves: tuple[tuple[int, int, int], ...]  # (x0, x1, y) of the static wall shelves' top boards

    def floor_top(self, x: float) -> float:
        """First floor row at canvas column x (the wall/floor line, lower towards the side walls)."""
        if self.back_x0 <= x <= self.back_x1:
            return float(self.floor_y)
        # Side-wall/floor lines run from the back corners towards the viewer, away from the
        # vanishing point.
        corner_x = self.back_x0 if x < self.back_x0 else self.back_x1
        t = (x - corner_x) / (corner_x - self.vanish_x)
        return self.floor_y + t * (self.floor_y - self.vanish_y)


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float, amplitude: float) -> NDArray[np.float32]:
    n = rng.standard_normal(shape).astype(np.float32)
    n = cv2.GaussianBlur(n, (0, 0), sigma)
    n /= max(float(n.std()), 1e-6)
    return n * amplitude


def _colour(rng: np.random.Generator, value: tuple[float, float], sat: tuple[float, float]) -> NDArray[np.float32]:
    hsv = np.uint8([[[rng.integers(0, 180), rng.uniform(*sat) * 255, rng.uniform(*value) * 255]]])
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)


def render_room(rng: np.random.Generator, view_w: int, view_h: int, margin: int,
                layout: str = "room") -> tuple[NDArray[np.float32], RoomGeometry]:
    """Render an empty room on a canvas of (view_h + 2 margin, view_w + 2 margin); float32 BGR.

    ``layout`` "room": a window, a door, pictures and one or two wall shelves on the back wall
    (sparse: a low-complexity scene). "store": the back wall lined with gondola shelving whose
    many boards the scene then stocks with goods (a high-complexity scene, paper 4.3).
    """
    if layout not in ("room", "store"):
        raise ValueError(f"layout must be 'room' or 'store', got {layout!r}")
    cw, ch = view_w + 2 * margin, view_h + 2 * margin
    # A store's shelving wall fills more of the view than a room's back wall.
    floor_y = margin + int(view_h * (rng.uniform(0.30, 0.36) if layout == "room" else rng.uniform(0.46, 0.52)))
    side = (0.12, 0.22) if layout == "room" else (0.03, 0.08)
    back_x0 = margin + int(view_w * rng.uniform(*side))
    back_x1 = margin + int(view_w * (1.0 - rng.uniform(*side)))
    vanish_x = (back_x0 + back_x1) / 2 + rng.uniform(-40, 40)
    vanish_y = margin + view_h * rng.uniform(0.12, 0.2)

    wall = _colour(rng, (0.62, 0.85), (0.03, 0.18))
    floor = _colour(rng, (0.35, 0.6), (0.15, 0.45))
    img = np.empty((ch, cw, 3), np.float32)
    img[:] = wall

    # Side walls a little darker than the back wall (light from the front).
    left = np.array([[0, 0], [back_x0, 0], [back_x0, floor_y], [0, ch]], np.int32)
    right = np.array([[cw, 0], [back_x1, 0], [back_x1, floor_y], [cw, ch]], np.int32)
    cv2.fillPoly(img, [left], (wall * 0.86).tolist())
    cv2.fillPoly(img, [right], (wall * 0.92).tolist())
    # Ceiling band.
    ceil_y = margin + int(view_h * rng.uniform(0.02, 0.06))
    cv2.rectangle(img, (0, 0), (cw, ceil_y), (wall * 1.08).clip(0, 255).tolist(), -1)

    geom = RoomGeometry(cw, ch, margin, floor_y, back_x0, back_x1, vanish_x, vanish_y, shelves=())
    floor_poly = np.array([[0, int(geom.floor_top(0))], [back_x0, floor_y], [back_x1, floor_y],
                           [cw, int(geom.floor_top(cw))], [cw, ch], [0, ch]], np.int32)
    floor_mask = np.zeros((ch, cw), np.uint8)
    cv2.fillPoly(floor_mask, [floor_poly], 1)
    img[floor_mask.astype(bool)] = floor

    # Tiles / planks: rows spaced wider towards the viewer, seams converging on the vanishing point.
    seam = (floor * 0.7).tolist()
    lines = np.zeros((ch, cw), np.uint8)
    n_rows = int(rng.integers(5, 9))
    for i in range(1, n_rows + 1):
        y = int(floor_y + (ch - floor_y) * (i / n_rows) ** 1.7)
        cv2.line(lines, (0, y), (cw, y), 1, 1)
    for bx in np.linspace(-cw, 2 * cw, int(rng.integers(14, 22))):
        cv2.line(lines, (int(vanish_x), int(vanish_y)), (int(bx), ch + 400), 1, 1)
    lines &= floor_mask
    img[lines.astype(bool)] = seam
    # Skirting boards along the wall/floor lines.
    skirt = (wall * 0.65).tolist()
    cv2.polylines(img, [floor_poly[:4].reshape(-1, 1, 2)], False, skirt, 4)

    if layout == "store":
        shelves = _gondolas(rng, img, wall, back_x0, back_x1, ceil_y, floor_y)
        img += _smooth_noise(rng, (ch, cw), 1.2, 3.0)[..., None]
        img += _smooth_noise(rng, (ch, cw), 60.0, 10.0)[..., None]
        return img, RoomGeometry(cw, ch, margin, floor_y, back_x0, back_x1, vanish_x, vanish_y, tuple(shelves))

    # Static wall features on the back wall: a window, a door, framed pictures, a light switch.
    wx0 = back_x0 + int((back_x1 - back_x0) * rng.uniform(0.05, 0.3))
    ww = int((back_x1 - back_x0) * rng.uniform(0.16, 0.24))
    wy0 = ceil_y + int((floor_y - ceil_y) * rng.uniform(0.12, 0.22))
    wh = int((floor_y - ceil_y) * rng.uniform(0.35, 0.5))
    glass = np.array([235, 215, 190], np.float32) * rng.uniform(0.85, 1.0)
    cv2.rectangle(img, (wx0, wy0), (wx0 + ww, wy0 + wh), (wall * 0.5).tolist(), -1)
    cv2.rectangle(img, (wx0 + 4, wy0 + 4), (wx0 + ww - 4, wy0 + wh - 4), glass.tolist(), -1)
    cv2.line(img, (wx0 + ww // 2, wy0), (wx0 + ww // 2, wy0 + wh), (wall * 0.5).tolist(), 3)
    cv2.line(img, (wx0, wy0 + wh // 2), (wx0 + ww, wy0 + wh // 2), (wall * 0.5).tolist(), 3)
    dx0 = back_x1 - int((back_x1 - back_x0) * rng.uniform(0.12, 0.22))
    dw = int((back_x1 - back_x0) * 0.09)
    door = _colour(rng, (0.35, 0.6), (0.2, 0.5))
    cv2.rectangle(img, (dx0, ceil_y + int((floor_y - ceil_y) * 0.25)), (dx0 + dw, floor_y), door.tolist(), -1)
    cv2.rectangle(img, (dx0, ceil_y + int((floor_y - ceil_y) * 0.25)), (dx0 + dw, floor_y), (door * 0.6).tolist(), 2)
    cv2.circle(img, (dx0 + dw - 7, (floor_y + ceil_y) // 2 + 20), 3, (door * 0.4).tolist(), -1)
    for _ in range(int(rng.integers(1, 3))):
        px = int(rng.uniform(wx0 + ww + 15, max(wx0 + ww + 16, dx0 - 60)))
        pw, ph = int(rng.uniform(30, 55)), int(rng.uniform(25, 45))
        py = int(rng.uniform(wy0, wy0 + wh * 0.6))
        cv2.rectangle(img, (px, py), (px + pw, py + ph), (wall * 0.35).tolist(), 3)
        art = cv2.resize(rng.uniform(40, 220, (4, 4, 3)).astype(np.float32), (pw - 6, ph - 6),
                         interpolation=cv2.INTER_CUBIC)
        img[py + 3:py + ph - 3, px + 3:px + pw - 3] = art
    cv2.rectangle(img, (dx0 - 18, (floor_y + ceil_y) // 2 + 12), (dx0 - 10, (floor_y + ceil_y) // 2 + 24),
                  (wall * 0.8).tolist(), -1)

    # Static wall shelves on the side walls' near parts and the back wall (boards that hold small
    # objects; the boards themselves never move).
    shelves: list[tuple[int, int, int]] = []
    for _ in range(int(rng.integers(1, 3))):
        x0 = int(rng.uniform(back_x0 + 10, back_x1 - 170))
        x1 = x0 + int(rng.uniform(110, 160))
        if any(not (x1 + 20 < s0 or x0 > s1 + 20) for s0, s1, _ in shelves) or (x0 < wx0 + ww + 10 and x1 > wx0 - 10):
            continue
        y = int(rng.uniform(wy0 + 10, floor_y - 50))
        cv2.rectangle(img, (x0, y), (x1, y + 5), (wall * 0.45).tolist(), -1)
        cv2.line(img, (x0 + 6, y + 5), (x0 + 6, y + 14), (wall * 0.45).tolist(), 2)
        cv2.line(img, (x1 - 6, y + 5), (x1 - 6, y + 14), (wall * 0.45).tolist(), 2)
        shelves.append((x0, x1, y))

    # Fine plaster/tile texture and a broad illumination gradient: real walls are never flat,
    # and the stable-feature stages need some texture on the background.
    img += _smooth_noise(rng, (ch, cw), 1.2, 3.0)[..., None]
    img += _smooth_noise(rng, (ch, cw), 60.0, 10.0)[..., None]
    geom = RoomGeometry(cw, ch, margin, floor_y, back_x0, back_x1, vanish_x, vanish_y, tuple(shelves))
    return img, geom


def _gondolas(rng: np.random.Generator, img: NDArray[np.float32], wall: NDArray[np.float32], back_x0: int,
              back_x1: int, ceil_y: int, floor_y: int) -> list[tuple[int, int, int]]:
    """Draw gondola shelving units side by side along the back wall; return their boards."""
    frame = _colour(rng, (0.2, 0.45), (0.0, 0.25))
    back = (wall * rng.uniform(0.75, 0.95)).clip(0, 255)
    boards: list[tuple[int, int, int]] = []
    x = back_x0 + int(rng.integers(4, 16))
    top = ceil_y + int(rng.integers(6, 20))
    pitch = int(rng.integers(46, 54))
    while x + 150 < back_x1 - 4:
        w = int(min(rng.integers(170, 240), back_x1 - 4 - x))
        cv2.rectangle(img, (x, top), (x + w, floor_y), back.tolist(), -1)
        cv2.rectangle(img, (x, top), (x + w, floor_y), frame.tolist(), 4)
        y = top + pitch
        while y < floor_y - 8:
            cv2.rectangle(img, (x + 2, y), (x + w - 2, y + 4), frame.tolist(), -1)
            boards.append((x + 6, x + w - 6, y))
            y += pitch
        boards.append((x + 6, x + w - 6, floor_y - 2))
        x += w + int(rng.integers(2, 10))
    return boards
