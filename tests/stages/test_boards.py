"""Shelf boards seen through a blob (stages/boards.py): goods on the shelving, not furniture."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.errors import InputError
from fastiesi.stages.boards import boards_through, horizontal_lines

BOARDS_Y = (100, 180, 260)  # the top rows of the shelving's boards
SHELF_X = (40, 760)  # the shelving's sides
MARGIN, INSET, FILL, SAME = 40, 13, 0.95, 25.0


def _shelving() -> np.ndarray:
    """A 400x800 frame: a light wall, a shelving unit of three 6 px boards with goods (dark
    boxes and a bottle-like block) standing on them, faint noise."""
    rng = np.random.default_rng(1)
    img = np.full((400, 800), 200, np.uint8)
    for by in BOARDS_Y:
        img[by:by + 6, SHELF_X[0]:SHELF_X[1]] = 110
        for x in range(SHELF_X[0] + 15, SHELF_X[1] - 40, 70):  # goods standing on the board
            img[by - 40:by, x:x + 30] = 30 + (x % 3) * 20
    return cv2.add(img, rng.integers(0, 4, img.shape).astype(np.uint8))


def _ask(img: np.ndarray, box: tuple[int, int, int, int], mask: np.ndarray | None = None) -> bool:
    edges = cv2.Canny(cv2.GaussianBlur(img, (5, 5), 1.0), 30, 90)
    m = np.ones((box[3], box[2]), bool) if mask is None else mask
    return boards_through(horizontal_lines(edges), img, box, m, margin=MARGIN, inset=INSET, fill=FILL,
                          same_grey=SAME)


class TestHorizontalLines:
    def test_bridges_short_gaps_only(self) -> None:
        edges = np.zeros((20, 100), np.uint8)
        edges[10, 10:40] = 255
        edges[10, 44:70] = 255  # a 4 px gap: bridged
        edges[10, 76:90] = 255  # a 6 px gap: not
        lines = horizontal_lines(edges)
        assert lines[10, 10:70].all()
        assert not lines[10, 70:76].all()

    def test_a_row_either_way_is_the_line(self) -> None:
        edges = np.zeros((20, 100), np.uint8)
        edges[10, 10:50] = 255
        edges[11, 50:90] = 255  # a one-row step, as a slightly slanted board draws
        lines = horizontal_lines(edges)
        assert lines[10, 10:90].all() or lines[11, 10:90].all()

    def test_rejects_non_maps(self) -> None:
        with pytest.raises(InputError, match="2-D uint8"):
            horizontal_lines(np.zeros((4, 4, 3), np.uint8))
        with pytest.raises(InputError, match="2-D uint8"):
            horizontal_lines(np.zeros((4, 4), np.float32))


class TestBoardsThrough:
    def test_goods_of_a_cell_welded_across_a_board(self) -> None:
        # The blob spans the goods of two cells and the board between them, in the middle of
        # the shelving: the board runs through it and on past both sides.
        assert _ask(_shelving(), (300, 130, 140, 90))

    def test_cell_at_the_frame_edge(self) -> None:
        # The shelving runs out of view: the span stops at the frame's edge.
        img = _shelving()
        img[:, :SHELF_X[0]] = img[:, SHELF_X[0] + 100:SHELF_X[0] + 100 + SHELF_X[0]]
        assert _ask(img, (5, 130, 140, 90))

    def test_furniture_before_the_shelving_hides_the_boards(self) -> None:
        img = _shelving()
        img[120:330, 300:440] = 70  # a cabinet standing before the shelving
        assert not _ask(img, (300, 120, 140, 210))

    def test_l_shaped_chair_hides_the_board_behind_its_back(self) -> None:
        # The chair's box holds shelving in its upper right, where the board shows; its back
        # hides the board on the same row.
        img = _shelving()
        img[150:330, 300:330] = 70  # the back
        img[260:330, 300:400] = 70  # the seat
        mask = np.zeros((180, 100), bool)
        mask[:, :30] = True
        mask[110:, :] = True
        assert not _ask(img, (300, 150, 100, 180), mask)

    def test_table_top_level_with_a_board(self) -> None:
        # Goods above weld to a table whose top is level with a board: the line runs through,
        # but the table's face, not the board's, lies under it.
        img = _shelving()
        img[BOARDS_Y[1]:BOARDS_Y[1] + 70, 300:440] = 245
        mask = np.zeros((110, 140), bool)
        mask[:40, 15:45] = True  # goods standing on the board above the table
        mask[:40, 85:115] = True
        mask[40:, :] = True  # the table
        assert not _ask(img, (300, BOARDS_Y[1] - 40, 140, 110), mask)

    def test_seam_that_ends_at_the_sides(self) -> None:
        img = np.full((400, 800), 200, np.uint8)
        img[200:300, 300:500] = 90  # a sofa before a plain wall
        img[248:252, 310:490] = 40  # its cushion seam
        assert not _ask(img, (300, 200, 200, 100))

    def test_floor_line_at_the_foot_only(self) -> None:
        # The line where the wall meets the floor runs past both sides of a sofa standing on
        # it, level with the sofa's foot: at its outline, not through it (and with the sofa's
        # face, not the wall, above it).
        img = np.full((400, 800), 200, np.uint8)
        img[300:] = 120
        img[220:300, 300:500] = 60
        assert not _ask(img, (300, 220, 200, 80))

    def test_too_thin_for_an_inner_row(self) -> None:
        assert not _ask(_shelving(), (300, 175, 140, 12))

    def test_rejects_mismatched_shapes(self) -> None:
        lines = np.zeros((50, 50), bool)
        with pytest.raises(InputError, match="does not match the box"):
            boards_through(lines, np.zeros((50, 50), np.uint8), (0, 0, 10, 10), np.ones((5, 5), bool),
                           margin=MARGIN, inset=INSET, fill=FILL, same_grey=SAME)
        with pytest.raises(InputError, match="differs from the line map"):
            boards_through(lines, np.zeros((40, 50), np.uint8), (0, 0, 10, 10), np.ones((10, 10), bool),
                           margin=MARGIN, inset=INSET, fill=FILL, same_grey=SAME)
