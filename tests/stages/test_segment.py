"""Segmentation of one frame (stages/segment.py): what the per-crop finish does to the masks."""

from __future__ import annotations

import cv2
import numpy as np

from fastiesi.stages.segment import segment_objects


def _wall_scene(closed: bool) -> np.ndarray:
    """An 800x600 room whose back wall (x 150..650, y 20..200) is drawn by the room's lines (the
    ceiling, two corners, the wall meeting a darker floor), closed all round when ``closed`` (else
    floor and wall alike and no line between); on it a window, before it a dark cabinet."""
    rng = np.random.default_rng(0)
    img = np.full((600, 800), 170, np.uint8)
    if closed:
        img[200:] = 120  # the floor, darker: its edge closes the wall too
    cv2.line(img, (150, 20), (650, 20), 90, 3)
    cv2.line(img, (150, 20), (150, 200), 90, 3)
    cv2.line(img, (650, 20), (650, 200), 90, 3)
    if closed:
        cv2.line(img, (150, 200), (650, 200), 90, 3)
    cv2.rectangle(img, (220, 50), (320, 130), 60, 4)  # window frame ...
    cv2.rectangle(img, (226, 56), (314, 124), 230, -1)  # ... and glass
    cv2.rectangle(img, (450, 90), (540, 230), 40, -1)  # cabinet
    return cv2.add(img, rng.integers(0, 4, img.shape).astype(np.uint8))


def _boxes(img: np.ndarray) -> list[tuple[int, int, int, int]]:
    objs = segment_objects(img)
    return [tuple(int(v) for v in objs.components.boxes[lab]) for lab in objs.labels]  # type: ignore[misc]


class TestUnfillRooms:
    def test_a_wall_closed_by_the_room_lines_is_not_one_object(self):
        # Hole filling makes one mass of a wall the room's lines close all round, with the
        # window on it and the cabinet before it; too large to be an object, it is rebuilt from
        # its outlines, every hole filled but the largest (the wall).
        boxes = _boxes(_wall_scene(closed=True))
        assert not any(w * h > 60000 for _, _, w, h in boxes)
        assert any(abs(x - 450) <= 4 and abs(y - 90) <= 4 for x, y, _, _ in boxes)  # the cabinet
        assert any(abs(x - 220) <= 4 and abs(y - 50) <= 4 for x, y, _, _ in boxes)  # the window

    def test_the_objects_come_out_as_with_an_open_wall(self):
        # With the wall line left out, nothing closes round the wall: the same objects.
        def near(a: list, b: list) -> bool:
            return len(a) == len(b) and all(any(max(abs(u - v) for u, v in zip(p, q)) <= 4 for q in b) for p in a)

        assert near(sorted(_boxes(_wall_scene(closed=True))), sorted(_boxes(_wall_scene(closed=False))))
