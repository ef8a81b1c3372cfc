"""Wall features (stages/walls.py): what hangs on the wall against what stands on the floor."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.errors import InputError
from fastiesi.stages.walls import (
    hangs_on_wall,
    hidden_by,
    line_runs_through,
    room_edges,
    wall_line_row,
    wall_pieces,
)
from fastiesi.stages.components import label_components

FLOOR_Y = 300  # the row where the wall meets the floor


def _room(seam_y: int | None = None) -> np.ndarray:
    """A 600x800 frame: a bright wall above FLOOR_Y, a darker floor below, a skirting line between
    them, faint noise; a tile seam (a thin dark line on the floor) at ``seam_y`` if given."""
    rng = np.random.default_rng(0)
    img = np.full((600, 800), 190, np.uint8)
    img[FLOOR_Y:] = 120
    cv2.line(img, (0, FLOOR_Y), (799, FLOOR_Y), 80, 3)
    if seam_y is not None:
        cv2.line(img, (0, seam_y), (799, seam_y), 70, 2)
    return cv2.add(img, rng.integers(0, 4, img.shape).astype(np.uint8))


def _check(img: np.ndarray, box: tuple[int, int, int, int], *,
           beside: tuple[int, int, int, int] | list[tuple[int, int, int, int]] | None = None,
           with_hidden: bool = True) -> bool:
    """Draw the object (a dark box), and the objects ``beside`` it if given (lighter boxes),
    and ask whether the first hangs on the wall (``with_hidden``: telling it where objects stand)."""
    objects = np.zeros_like(img)
    besides = beside if isinstance(beside, list) else [beside]
    for b, grey in [(b, 150) for b in besides] + [(box, 50)]:
        if b is not None:
            x, y, w, h = b
            cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), grey, -1)
            objects[y:y + h, x:x + w] = 255
    edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
    return hangs_on_wall(img, room_edges(edges, objects), box, strip=13, tolerance=6, step=25,
                         hidden=hidden_by(objects) if with_hidden else None)


class TestHangsOnWall:
    def test_window_above_the_floor_line_hangs(self):
        assert _check(_room(), (300, 150, 90, 70))

    def test_door_down_to_the_floor_line_hangs(self):
        assert _check(_room(), (500, 140, 50, 162))

    @pytest.mark.parametrize(("box", "hangs"), [((500, 140, 50, 162), True), ((300, 200, 90, 125), False)])
    def test_skirting_board_is_one_line(self, box, hangs):
        # An 8 px skirting board between wall and floor: two lines, its top and its bottom, one
        # board as thick as a line. A door whose mask takes in the board's face ends at its lower
        # edge, 9 px under its upper one, and hangs; a cabinet 25 px below still stands.
        img = _room()
        img[FLOOR_Y - 8:FLOOR_Y] = 150
        cv2.line(img, (0, FLOOR_Y - 8), (799, FLOOR_Y - 8), 80, 2)
        assert _check(img, box) is hangs

    def test_door_with_a_chair_beside_its_foot_hangs(self):
        # A chair standing by the door hides the floor line in the strip beside it; the line is
        # read past the chair. Without knowing where objects stand, nothing is decided.
        door, chair = (500, 140, 50, 162), (470, 250, 28, 80)
        assert _check(_room(), door, beside=chair)
        assert not _check(_room(), door, beside=chair, with_hidden=False)

    @pytest.mark.parametrize("beside", [[(250, 200, 48, 120)], [(250, 200, 48, 120), (392, 160, 60, 160)]],
                             ids=["one side", "both sides"])
    def test_window_beside_wide_furniture_hangs(self, beside):
        # A wardrobe 48 px wide beside the window hides the floor line over more than three
        # strips (39 px); the line is read on out to the window's own width (90 px), past it.
        assert _check(_room(), (300, 150, 90, 70), beside=beside)

    def test_window_beside_furniture_wider_than_the_reach_hangs(self):
        # A wardrobe 200 px wide right of the window hides the floor line beyond the window's
        # own width: the line runs on behind it, and the side that shows it decides alone.
        assert _check(_room(), (300, 150, 90, 70), beside=(392, 100, 200, 220))

    def test_cabinet_beside_furniture_wider_than_the_reach_stands(self):
        # Read on one side, the line still crosses beside its lower half: it stands.
        assert not _check(_room(), (300, 200, 90, 125), beside=(392, 100, 200, 220))

    def test_window_by_the_frame_edge_is_undecided(self):
        # Beyond the frame nothing is hidden, nothing known: one side is not enough there.
        assert not _check(_room(), (745, 150, 55, 70))

    def test_cabinet_before_the_wall_between_wide_furniture_stands(self):
        # Read as far past its neighbours, the line still crosses beside its lower half.
        assert not _check(_room(), (300, 200, 90, 125), beside=[(250, 200, 48, 120), (392, 160, 60, 160)])

    def test_cabinet_before_the_wall_with_a_chair_beside_stands(self):
        # The line read past the chair still crosses beside its lower half: it stands.
        assert not _check(_room(), (300, 200, 90, 125), beside=(270, 250, 28, 80))

    def test_picture_high_on_the_wall_hangs(self):
        # Its foot is 120 px above the line: within twice its height (2 x 60).
        assert _check(_room(), (200, 120, 80, 60))

    def test_goods_on_a_wall_shelf_hang(self):
        # A wall shelf's board runs behind the lower half of the goods standing on it, beyond
        # them on both sides: wall above it and wall below, so it is no wall line; the wall
        # meets the floor 100 px lower.
        img = _room()
        cv2.line(img, (100, 180), (600, 180), 90, 3)
        assert _check(img, (300, 140, 90, 60))

    def test_cabinet_before_the_wall_stands(self):
        # Its bottom is 25 px below the wall line, which crosses beside its lower half.
        assert not _check(_room(), (300, 200, 90, 125))

    def test_cabinet_before_the_wall_on_a_rug_stands(self):
        # The edge of a dark rug runs 10 px under it, floor and rug differing like wall and
        # floor; but the wall line crosses beside its lower half: it stands before the wall.
        img = _room()
        img[340:] = 70
        assert not _check(img, (300, 210, 90, 120))

    def test_box_on_the_floor_above_a_tile_seam_stands(self):
        # A seam runs 4 px under it, but floor lies either side of a seam: no wall there.
        assert not _check(_room(seam_y=404), (300, 340, 90, 60))

    def test_box_in_the_middle_of_the_floor_stands(self):
        assert not _check(_room(), (300, 420, 90, 60))

    def test_outlines_are_not_room_lines(self):
        # A sofa's top edge runs under a side table on the floor: an object's outline, not where
        # the wall meets the floor.
        img = _room()
        cv2.rectangle(img, (250, 430), (450, 480), 60, -1)
        sofa = np.zeros_like(img)
        sofa[430:481, 250:451] = 255
        edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
        box = (320, 360, 60, 50)
        cv2.rectangle(img, (320, 360), (379, 409), 200, -1)
        sofa[360:410, 320:380] = 255
        assert not hangs_on_wall(img, room_edges(edges, sofa), box, strip=13, tolerance=6, step=25)

    def test_bad_input(self):
        img = _room()
        with pytest.raises(InputError, match="alike"):
            hangs_on_wall(img, np.zeros((10, 10), np.uint8), (0, 0, 5, 5), strip=13, tolerance=6, step=25)
        with pytest.raises(InputError, match="non-empty box"):
            hangs_on_wall(img, np.zeros_like(img), (0, 0, 0, 5), strip=13, tolerance=6, step=25)
        with pytest.raises(InputError, match="alike"):
            room_edges(np.zeros((4, 4), np.uint8), np.zeros((5, 5), np.uint8))


class TestWallLineRow:
    def test_row_is_where_the_wall_meets_the_floor(self):
        img = _room()
        objects = np.zeros_like(img)
        edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
        row = wall_line_row(img, room_edges(edges, objects), (300, 200, 90, 125), strip=13, step=25)
        # The 3 px line's lower edge (one line with its upper one, as a skirting board is).
        assert row is not None and FLOOR_Y <= row <= FLOOR_Y + 4

    def test_line_bending_at_a_corner(self):
        # The back wall meets a side wall just right of a door: there the floor line runs down
        # towards the camera, crossing the strip right of the door 10 rows lower than the strip
        # left of it. Still the line the door stands on (it hangs); a line on one side only
        # (the side wall's floor line ends at the corner) is none.
        img = np.full((600, 800), 190, np.uint8)
        img[FLOOR_Y:, :552] = 120
        img[FLOOR_Y + 10:, 552:] = 120
        cv2.line(img, (0, FLOOR_Y), (551, FLOOR_Y), 80, 3)
        cv2.line(img, (552, FLOOR_Y + 10), (799, FLOOR_Y + 10), 80, 3)
        door = (500, 140, 50, 162)
        objects = np.zeros_like(img)
        objects[140:302, 500:550] = 255
        edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
        row = wall_line_row(img, room_edges(edges, objects), door, strip=13, step=25)
        assert row is not None and FLOOR_Y <= row <= FLOOR_Y + 14
        img[FLOOR_Y - 30:, 552:] = 190  # ... no floor line right of the door at all
        edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
        assert wall_line_row(img, room_edges(edges, objects), door, strip=13, step=25) is None

    @staticmethod
    def _picture_over(wall_down_to_line: bool) -> tuple[np.ndarray, np.ndarray]:
        """A 40 px high picture 110 px (2.75 heights) above the floor line; between them the
        wall, or a surface darkening away from it (no edge, but not the wall beside the picture)."""
        rng = np.random.default_rng(4)
        img = np.full((600, 800), 190, np.uint8)
        img[FLOOR_Y:] = 90
        if not wall_down_to_line:
            img[195:FLOOR_Y] = np.linspace(190, 130, FLOOR_Y - 195).astype(np.uint8)[:, None]
        cv2.line(img, (0, FLOOR_Y), (799, FLOOR_Y), 60, 3)
        cv2.rectangle(img, (300, 150), (389, 189), 60, -1)
        img = cv2.add(img, rng.integers(0, 4, img.shape).astype(np.uint8))
        objects = np.zeros_like(img)
        objects[150:190, 300:390] = 255
        return img, room_edges(cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50), objects)

    def test_picture_hung_higher_than_twice_its_height(self):
        # Read down to twice its height (the default) the line is not reached; to three times
        # (the far region's reading), it is, the wall running on down to it.
        img, lines = self._picture_over(True)
        box = (300, 150, 90, 40)
        assert wall_line_row(img, lines, box, strip=13, step=12) is None
        row = wall_line_row(img, lines, box, strip=13, step=12, below=3.0)
        assert row is not None and FLOOR_Y <= row <= FLOOR_Y + 4

    def test_line_past_twice_the_height_needs_the_wall_down_to_it(self):
        # Past twice its height the surface between the object and the line must be the one
        # beside it: here it darkens away (a floor object in a corner, a floor line far under it).
        img, lines = self._picture_over(False)
        assert wall_line_row(img, lines, (300, 150, 90, 40), strip=13, step=12, below=3.0) is None

    def test_no_row_in_the_middle_of_the_floor(self):
        img = _room()
        edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
        assert wall_line_row(img, room_edges(edges, np.zeros_like(img)), (300, 420, 90, 60), strip=13, step=25) is None


class TestLineRunsThrough:
    @staticmethod
    def _weld(front: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
        """A door (dark, down to the floor line) and a box ``front`` of it (lighter), drawn on the
        room and welded into one mask; the edges of the frame, the mask cut to its box, the box."""
        img = _room()
        cv2.rectangle(img, (500, 140), (549, FLOOR_Y + 1), 60, -1)
        x, y, w, h = front
        cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), 150, -1)
        mask = np.zeros(img.shape, bool)
        mask[140:FLOOR_Y + 2, 500:550] = True
        mask[y:y + h, x:x + w] = True
        edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
        bx, by, bw, bh = cv2.boundingRect(mask.astype(np.uint8))
        return edges, mask[by:by + bh, bx:bx + bw], (bx, by, bw, bh)

    def test_door_foot_shows_beside_the_box_before_it(self):
        # The box hides the door's right half at the foot; its left half shows the foot on the line.
        edges, mask, box = self._weld((525, 285, 40, 35))
        row = line_runs_through(edges, mask, box, FLOOR_Y - 2, depth=13, fill=1 / 3)
        assert row is not None and abs(row - FLOOR_Y) <= 3

    def test_cabinet_before_the_wall_hides_the_line(self):
        img = _room()
        cv2.rectangle(img, (300, 200), (389, 324), 50, -1)
        edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
        mask = np.ones((125, 90), bool)
        assert line_runs_through(edges, mask, (300, 200, 90, 125), FLOOR_Y, depth=13, fill=1 / 3) is None

    def test_bad_mask_shape(self):
        with pytest.raises(InputError, match="differs from the box"):
            line_runs_through(np.zeros((50, 50), np.uint8), np.ones((5, 5), bool), (0, 0, 6, 5), 2, depth=3, fill=0.5)


class TestWallPieces:
    """One mass of four holes beside the wall line (FLOOR_Y): a strip of wall down to the line, a
    cabinet's face standing on the floor in front (below the line), a door's dark face down to the
    line, and a strip of wall ending well above the line (under a shelf)."""

    STRIP = (300, 200, 30, FLOOR_Y - 200)   # wall, down to the line
    CABINET = (200, 200, 90, 118)           # wall-grey face, its foot 18 px below the line
    DOOR = (340, 160, 50, FLOOR_Y - 160)    # down to the line, dark
    HIGH = (400, 200, 30, 60)               # wall, ends 40 px above the line

    def _scene(self) -> tuple[np.ndarray, np.ndarray, object, np.ndarray, np.ndarray]:
        img = _room()
        cx, cy, cw, ch = self.CABINET
        img[cy:cy + ch, cx:cx + cw] = 185  # the wall's grey within the change level, yet an object
        dx, dy, dw, dh = self.DOOR
        img[dy:dy + dh, dx:dx + dw] = 70
        holes = np.zeros(img.shape, bool)
        for x, y, w, h in (self.STRIP, self.CABINET, self.DOOR, self.HIGH):
            holes[y:y + h, x:x + w] = True
        mass = np.zeros(img.shape, np.uint8)
        mass[150:FLOOR_Y + 20, 195:435] = 255  # the outlines round the holes
        mass[FLOOR_Y - 2:FLOOR_Y + 20, 295:435] = 0  # but below the line beside the cabinet
        objects = label_components(mass)
        edges = cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), 20, 50)
        return img, holes, objects, room_edges(edges, mass), hidden_by(mass)

    def _pieces(self, **kw: float) -> np.ndarray:
        img, holes, objects, lines, hidden = self._scene()
        args = dict(min_area=100, strip=13, step=12, fill=0.7, same_grey=25, foot=8)
        args.update(kw)
        return wall_pieces(img, holes, objects, [1], lines, hidden, **args)  # type: ignore[arg-type]

    def test_only_the_wall_strip_down_to_the_line(self) -> None:
        pieces = self._pieces()
        x, y, w, h = self.STRIP
        assert pieces[y:y + h, x:x + w].all()
        assert int(pieces.sum()) == w * h  # not the cabinet (in front), the door (dark), the high strip

    def test_not_an_object(self) -> None:
        img, holes, objects, lines, hidden = self._scene()
        pieces = wall_pieces(img, holes, objects, [], lines, hidden, min_area=100, strip=13, step=12, fill=0.7,
                             same_grey=25, foot=8)
        assert not pieces.any()

    def test_a_lone_hole_is_left(self) -> None:
        # Only the strip is a hole: a lone piece of wall is a wall feature's business.
        img, holes, objects, lines, hidden = self._scene()
        x, y, w, h = self.STRIP
        lone = np.zeros_like(holes)
        lone[y:y + h, x:x + w] = True
        assert not wall_pieces(img, lone, objects, [1], lines, hidden, min_area=100, strip=13, step=12,
                               fill=0.7, same_grey=25, foot=8).any()

    def test_a_face_unlike_the_wall_is_kept(self) -> None:
        # The same strip, painted 40 levels off the wall: a face (a box's side), over the change level.
        img, holes, objects, lines, hidden = self._scene()
        x, y, w, h = self.STRIP
        img[y:y + h, x:x + w] = 150
        assert not wall_pieces(img, holes, objects, [1], lines, hidden, min_area=100, strip=13, step=12,
                               fill=0.7, same_grey=25, foot=8).any()

    def test_shape_mismatch(self) -> None:
        img, holes, objects, lines, hidden = self._scene()
        with pytest.raises(InputError, match="must match the frame"):
            wall_pieces(img, holes[:-1], objects, [1], lines, hidden, min_area=100, strip=13, step=12,
                        fill=0.7, same_grey=25, foot=8)
