"""Wall features: what hangs on the walls is background, not furniture (paper 2.1, 4.2).

The paper counts the non-structural components that may move; ground, walls and ceiling are
background. A window, a door or a framed picture on the back wall is cut out by the edges like
any object and, far from the camera, is sized as furniture by Table 1, so it would swell the
furniture totals of every room (and the moved fraction that decides VII from VIII shrinks).

Furniture stands on the floor. The line where the wall meets the floor tells the two apart
where it shows beside an object (:func:`hangs_on_wall`):

* behind an object standing on the floor, the line crosses both sides of it *above* its bottom
  (the object hides the stretch between);
* below something on the wall, the line crosses both sides of it at or *below* its bottom
  (down to twice its height below, a picture hangs high; the caller may read further, where
  the wall must run on down to the line), and not beside its lower half. A
  skirting board shows as two lines, its top and its bottom, no further apart than a line's
  width: one line, the wall meeting the floor at its lower edge (a door ends there).

A line is read from the room's edges (:func:`room_edges`: the edge map less the objects'
outlines): a row where nearly every column of a strip beside the object holds an edge, within a
row either way, on both sides (where no row does, rows within half a strip of each other: the
floor line bends down where the back wall meets a side wall). It must part two surfaces, wall
above and floor below, which differ in grey level on both sides of the object the same way: a
seam between two floor tiles, or a wall shelf's board, has the same surface either side and
decides nothing. Where no such line shows (an object in the middle of the floor), nothing is
decided: the object is furniture as Table 1 says. Where something standing beside the object
hides the strip (a chair by a door, a box before a window's wall), the line is read past it,
along the same rows, over the columns that show the room, up to three strips out or, where that
shows no line on both sides, as far as the object's own width (a wardrobe beside a window), and
so are the surfaces either side of it. Where one side shows the line and something stands over
the other side's strip at those rows, the line runs on behind it, and that side decides alone.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .components import Components

_NEAR = np.ones((5, 5), np.uint8)  # an object's outline lies within 2 px of its mask
READ_BELOW = 2.0  # the wall line is read down to twice an object's height under it


def room_edges(edges: NDArray[np.uint8], objects: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The edges that are not an object's outline (the room's own lines: where walls, floor and
    ceiling meet, tile seams), from a frame's 0/255 edge map and object mask; 0/255 uint8."""
    if edges.ndim != 2 or objects.shape != edges.shape or edges.dtype != np.uint8 or objects.dtype != np.uint8:
        raise InputError(f"edges and objects must be 2-D uint8 maps alike, got {edges.shape} {edges.dtype} "
                         f"and {objects.shape} {objects.dtype}")
    return np.where(hidden_by(objects), np.uint8(0), edges)


def room_lines(edges: NDArray[np.uint8], objects: NDArray[np.uint8], body: int,
               ) -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
    """:func:`room_edges` and :func:`hidden_by` read past the objects' bodies: the object mask
    opened by a ``body`` x ``body`` square first (nothing beyond the frame), so that a wall line or
    skirting board the segmentation welded to an object (thinner than a line) is still a line."""
    bodies = cv2.morphologyEx(objects, cv2.MORPH_OPEN, np.ones((body, body), np.uint8),
                              borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return room_edges(edges, bodies), hidden_by(bodies)


def hidden_by(objects: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Where the objects of a 0/255 object mask stand, with their outlines (within 2 px): where
    :func:`room_edges` holds no room line, whatever the room has there."""
    return cv2.dilate(objects, _NEAR) > 0


def _crossing_rows(lines: NDArray[np.uint8], x0: int, x1: int, y0: int, y1: int, fill: float,
                   hidden: NDArray[np.bool_] | None = None, least: int = 3) -> NDArray[np.bool_]:
    """For rows y0..y1-1 (clipped to the frame), whether a line of ``lines`` (:func:`room_edges`)
    crosses columns x0..x1-1: at least ``fill`` of them hold an edge within a row either way.
    With ``hidden`` (where objects' bodies stand), only the columns not hidden in a row count,
    and a row with fewer than ``least`` of them shows no line."""
    h, w = lines.shape
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if x1 - x0 < 3 or y1 <= y0:
        return np.zeros(max(0, y1 - y0), bool)
    band = np.zeros((y1 - y0 + 2, x1 - x0), bool)  # one row of margin each way
    lo, hi = max(0, y0 - 1), min(h, y1 + 1)
    band[lo - (y0 - 1):hi - (y0 - 1)] = lines[lo:hi, x0:x1] > 0
    near = band[:-2] | band[1:-1] | band[2:]
    if hidden is None:
        return near.mean(axis=1) >= fill
    seen = ~hidden[y0:y1, x0:x1]
    count = seen.sum(axis=1)
    return (count >= least) & ((near & seen).sum(axis=1) >= fill * np.maximum(count, 1))


def _all_hidden(hidden: NDArray[np.bool_], x0: int, x1: int, y0: int, y1: int, least: int) -> NDArray[np.bool_]:
    """For rows y0..y1-1 (clipped to the frame), whether something stands over columns
    x0..x1-1 (:func:`hidden_by`): ``least`` of them or more lie in the frame, and fewer than
    ``least`` show the room, so no line can show there. Beyond the frame nothing is known:
    not hidden."""
    h, w = hidden.shape
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if y1 <= y0 or x1 - x0 < least:
        return np.zeros(max(0, y1 - y0), bool)
    return (~hidden[y0:y1, x0:x1]).sum(axis=1) < least


def _wall_runs_down(gray: NDArray[np.uint8], hidden: NDArray[np.bool_] | None, sides: tuple[tuple[int, int], ...],
                    top: int, bottom: int, row: int, strip: int, step: float) -> bool:
    """Whether, on every side (columns a..b-1) that shows both, the median grey beside the
    object's lower half (rows top..bottom-1) and between its bottom and the line at ``row``
    (less a strip's half) are within twice ``step``: one surface, the wall, from beside the object
    down to the line; and at least one side shows both."""
    h, w = gray.shape
    seen = False
    for a, b in sides:
        a, b = max(0, a), min(w, b)
        if b <= a:
            continue
        means = []
        for y0, y1 in ((top, bottom), (bottom, row - strip // 2)):
            y0, y1 = max(0, y0), min(h, y1)
            if y1 <= y0:
                break
            patch = gray[y0:y1, a:b]
            free = patch if hidden is None else patch[~hidden[y0:y1, a:b]]
            if free.size < 3 * (y1 - y0):
                break
            means.append(float(np.median(free)))
        if len(means) < 2:
            continue
        if abs(means[0] - means[1]) > 2 * step:  # the change level: light falls off down a wall
            return False
        seen = True
    return seen


def _both(left: NDArray[np.bool_], right: NDArray[np.bool_], strip: int) -> NDArray[np.bool_]:
    """Rows where a line crosses both sides; where no row does, rows where a line crosses one
    side and a line crosses the other within half a strip's width either way: where the back
    wall meets a side wall, the floor line bends down towards the camera, and beside an object
    in that corner it crosses a few rows lower on that side. (Only then: where the line shows
    level on both sides, its rows are those, and the line's lower edge stays where it is.)"""
    both = left & right
    if both.any() or not left.any() or not right.any():
        return both
    k = np.ones(2 * (strip // 2) + 1)
    near_left = np.convolve(left, k, mode="same") > 0
    near_right = np.convolve(right, k, mode="same") > 0
    return (left & near_right) | (right & near_left)


def _surface_steps(gray: NDArray[np.uint8], rows: NDArray[np.intp], a: int, b: int, reach: int,
                   hidden: NDArray[np.bool_] | None = None) -> NDArray[np.float64]:
    """For each of ``rows``, the frame's mean grey level over columns a..b-1 in the ``reach``
    rows that start ``reach`` rows above it, less that in the ``reach`` rows that end ``reach``
    rows below it: the surfaces either side of a line as thick as ``reach`` (a skirting board, a
    shelf's board), seen from either of its edges, not the line itself. NaN where either window
    leaves the frame. With ``hidden`` (:func:`hidden_by`), each window's mean is over the pixels
    where no object stands (an object before the floor is neither wall nor floor), NaN where
    fewer than three columns' worth show."""
    h, w = gray.shape
    a, b = max(0, a), min(w, b)
    if b <= a:
        return np.full(rows.shape, np.nan)
    if hidden is not None:
        out = np.full(rows.shape, np.nan)
        for k, r in enumerate(rows.tolist()):
            if r - 2 * reach < 0 or r + 2 * reach + 1 > h:
                continue
            means = []
            for y0 in (r - 2 * reach, r + reach + 1):  # the surface above, then below
                free = ~hidden[y0:y0 + reach, a:b]
                means.append(float(gray[y0:y0 + reach, a:b][free].mean()) if free.sum() >= 3 * reach else np.nan)
            out[k] = means[0] - means[1]
        return out
    lo, hi = max(0, int(rows.min()) - 2 * reach), min(h, int(rows.max()) + 2 * reach + 1)
    sums = np.concatenate(([0.0], np.cumsum(gray[lo:hi, a:b].mean(axis=1))))

    def window_mean(start: NDArray[np.intp], stop: NDArray[np.intp]) -> NDArray[np.float64]:
        inside = (start >= lo) & (stop <= hi)
        s0, s1 = np.clip(start - lo, 0, hi - lo), np.clip(stop - lo, 0, hi - lo)
        return np.where(inside, (sums[s1] - sums[s0]) / reach, np.nan)

    return window_mean(rows - 2 * reach, rows - reach) - window_mean(rows + reach + 1, rows + 2 * reach + 1)


def hangs_on_wall(gray: NDArray[np.uint8], lines: NDArray[np.uint8], box: tuple[int, int, int, int], *,
                  strip: int, tolerance: int, step: float, fill: float = 0.7,
                  hidden: NDArray[np.bool_] | None = None) -> bool:
    """Whether the object in ``box`` (x, y, w, h) hangs on a wall rather than stands on the
    floor (module doc): the wall line beside it (:func:`wall_line_row`) is its foot, or below.

    ``tolerance``: how far above the object's bottom the line may lie and still be its foot (a
    door's mask takes in the skirting under it, and the segmentation jitters); the rest as
    :func:`wall_line_row`.
    """
    row = wall_line_row(gray, lines, box, strip=strip, step=step, fill=fill, hidden=hidden)
    return row is not None and row >= box[1] + box[3] - tolerance


def wall_line_row(gray: NDArray[np.uint8], lines: NDArray[np.uint8], box: tuple[int, int, int, int], *,
                  strip: int, step: float, fill: float = 0.7,
                  hidden: NDArray[np.bool_] | None = None, below: float = READ_BELOW) -> int | None:
    """The row where the wall meets the floor beside the object in ``box`` (x, y, w, h), read
    from its lower half down to twice its height below it (module doc), or None where no such
    line shows on both sides.

    Parameters
    ----------
    gray : (H, W) uint8
        The frame.
    lines : (H, W) uint8
        :func:`room_edges` of the frame (non-zero = edge), made once for all its objects.
    box : (x, y, w, h)
    strip : int
        Width of the strips looked at on each side of the object, px.
    step : float
        Grey-level difference between the wall above the line and the floor below it.
    fill : float
        Share of a strip's columns that must hold an edge for a row to be a line across it.
    hidden : (H, W) bool, optional
        Where objects stand (:func:`hidden_by`: no room line can show there). Given, a side
        whose strip shows no line is read again past what hides it.
    below : float
        How far under the object the line is read, in its heights (2: a picture hangs high).
        Past twice its height, a line counts only where the wall runs on down to it
        (:func:`_wall_runs_down`).
    """
    if gray.ndim != 2 or lines.shape != gray.shape:
        raise InputError(f"gray and lines must be 2-D maps alike, got {gray.shape} and {lines.shape}")
    x, y, w, h = box
    if w < 1 or h < 1 or strip < 3:
        raise InputError(f"need a non-empty box and a strip of 3 px or more, got {box} and {strip}")
    bottom = y + h
    top = max(0, y + h // 2)
    reach_below = round(below * h)
    (la, lb), (ra, rb) = sides = ((x - strip - 2, x - 2), (x + w + 2, x + w + strip + 2))
    left = _crossing_rows(lines, la, lb, top, bottom + reach_below, fill)
    right = _crossing_rows(lines, ra, rb, top, bottom + reach_below, fill)
    past = None
    one_side = np.zeros_like(left)
    if hidden is not None and not _both(left, right, strip).any():
        # Something standing beside it hides the line there: look past it, along the rows, up
        # to three strips out, reading only the columns that show the room (the surfaces too);
        # where no row then shows a line on both sides, read on out to the object's own width (a
        # chair or a wardrobe beside a window hides more than three strips; past a neighbour
        # narrower than the object, the room shows within that width).
        least = strip // 2 + 1
        near_left, near_right = left, right
        for reach in dict.fromkeys((3 * strip, max(3 * strip, w))):
            (la, lb), (ra, rb) = sides = ((x - reach - 2, x - 2), (x + w + 2, x + w + reach + 2))
            left = near_left | _crossing_rows(lines, la, lb, top, bottom + reach_below, fill, hidden, least)
            right = near_right | _crossing_rows(lines, ra, rb, top, bottom + reach_below, fill, hidden, least)
            if _both(left, right, strip).any():
                break
        past = hidden
        if not _both(left, right, strip).any():
            # Read that far, one side still shows nothing: where something hides it at a row
            # that the line crosses on the other side (a door between a cabinet and the wall's
            # end), the line runs on behind what hides it; that side decides alone.
            (la, lb), (ra, rb) = sides
            shut_left = _all_hidden(hidden, la, lb, top, bottom + reach_below, least)
            shut_right = _all_hidden(hidden, ra, rb, top, bottom + reach_below, least)
            one_side = (left & shut_right) | (right & shut_left)
    both = _both(left, right, strip)
    rows = np.flatnonzero(both | one_side) + top
    if rows.size == 0:
        return None
    # The line parts two surfaces, differing the same way on both sides (on the one that shows
    # it, where the other is hidden).
    dl, dr = (_surface_steps(gray, rows, a, b, strip // 2 + 1, past) for a, b in sides)
    with np.errstate(invalid="ignore"):
        agree = (np.abs(dl) > step) & (np.abs(dr) > step) & (np.sign(dl) == np.sign(dr))
        alone = ((np.abs(dl) > step) & np.isnan(dr)) | ((np.abs(dr) > step) & np.isnan(dl))
    walls = rows[np.where(both[rows - top], agree, alone)]
    # Beyond twice its height below (a small picture hung high), the wall must run on down to
    # the line: the grey beside the object's lower half and that between its bottom and the
    # line agree on each side that shows both (not a floor object in a corner whose wall line
    # is hidden, with some floor line far under it).
    far = walls > bottom + round(READ_BELOW * h)
    if far.any():
        walls = walls[~far | np.array([_wall_runs_down(gray, hidden, sides, top, bottom, int(r), strip, step)
                                       for r in walls.tolist()])]
    if walls.size == 0:
        return None
    # The uppermost line, with the rows under it within a line's width (``strip``): a skirting
    # board is one line as thick as that, and the wall meets the floor at its lower edge (a door
    # whose mask takes in the board's face ends there). None, or that one behind it (the wall
    # line passing behind something that stands before the wall; a wall shelf's board behind its
    # goods parts wall from wall, and does not count).
    first = int(walls.min())
    return int(walls[walls <= first + strip].max())


def line_runs_through(edges: NDArray[np.uint8], mask: NDArray[np.bool_], box: tuple[int, int, int, int], row: int,
                      *, depth: int, fill: float) -> int | None:
    """The row, from the wall line's ``row`` (:func:`wall_line_row`) down to ``depth`` rows
    under it (a skirting board's thickness), at which a line runs on through the object of
    ``mask`` (``box``-sized) in ``edges``: at least ``fill`` of the mask's columns in that row
    hold an edge within a row either way; the first such row, or None.

    Something standing before the wall hides the wall line behind it: no edge runs through it
    there but by chance. A door welded to a box at its foot shows its own foot, on the wall
    line, where the box does not hide it.
    """
    x, y, w, h = box
    if mask.shape != (h, w):
        raise InputError(f"mask shape {mask.shape} differs from the box's {(h, w)}")
    for t in range(max(row, y), min(row + depth, y + h - 1) + 1):
        cols = mask[t - y]
        if not cols.any():
            continue
        near = (edges[max(0, t - 1):t + 2, x:x + w] > 0).any(axis=0)
        if float(near[cols].mean()) >= fill:
            return t
    return None


_OUTLINE = 2  # an interior stops this far inside its outline (the edges' 3x3 dilation and erosion)


def wall_pieces(gray: NDArray[np.uint8], holes: NDArray[np.bool_], objects: Components, labels: list[int],
                lines: NDArray[np.uint8], hidden: NDArray[np.bool_], *, min_area: int, strip: int, step: float,
                fill: float, same_grey: float, foot: int) -> NDArray[np.bool_]:
    """The filled holes of the objects that are pieces of wall, not object interiors.

    Room lines close round a stretch of wall as objects do (the wall under a wall shelf, between
    the room's corner and a cabinet; the strip between a cabinet and a door), and hole filling
    welds the wall piece and everything round it into one mass, too large for any of them (a
    cabinet and a door read as heavy furniture). A piece of wall reaches down to the line where
    the wall meets the floor and shows the wall's surface; an object standing before the wall
    ends below that line (it stands on the floor, in front), and a door or a window is wall too.

    A hole is a piece of wall when its object (a mass of two or more holes of ``min_area`` px at
    least: a lone piece of wall is screened as a wall feature) has the wall line beside it
    (:func:`wall_line_row`), the hole's bottom lies on that line (from ``foot`` rows above it to
    :data:`_OUTLINE` rows below), and its median grey is within ``same_grey`` of the wall's: the
    band a ``strip`` high just above the line beside the object (``2 * strip`` wide each side), or
    the band over the object above the hole (where the light falls alike), read where no object
    stands (``hidden``).

    Parameters
    ----------
    gray : (H, W) uint8
        The frame.
    holes : (H, W) bool
        The objects' filled interiors (their pixels inside their closed outlines).
    objects : Components
        The frame's components; ``labels`` those that are objects.
    lines, hidden : (H, W)
        :func:`room_edges` and :func:`hidden_by` of the frame.
    min_area, strip, step, fill : as above and :func:`wall_line_row`.
    same_grey : float
    foot : int
    """
    if holes.shape != gray.shape or objects.labels.shape != gray.shape:
        raise InputError(f"holes {holes.shape} and labels {objects.labels.shape} must match the frame's {gray.shape}")
    out = np.zeros(gray.shape, bool)
    n, hole_labels, stats, _ = cv2.connectedComponentsWithStats(holes.astype(np.uint8), connectivity=4)
    big = [j for j in range(1, n) if stats[j, cv2.CC_STAT_AREA] >= min_area]
    if len(big) < 2:
        return out
    owned: dict[int, list[int]] = {}
    for j in big:
        x, y, w, h = (int(v) for v in stats[j, :4])
        at = np.argmax(hole_labels[y:y + h, x:x + w] == j)
        owned.setdefault(int(objects.labels[y + at // w, x + at % w]), []).append(j)
    is_object = set(labels)
    for i, mine in owned.items():
        if i not in is_object or len(mine) < 2:
            continue
        box = tuple(int(v) for v in objects.boxes[i])
        row = wall_line_row(gray, lines, box, strip=strip, step=step, fill=fill, hidden=hidden)  # type: ignore[arg-type]
        if row is None:
            continue
        x, y, w, h = box
        beside = [_free_median(gray, hidden, row - _OUTLINE - strip, row - _OUTLINE, a, b)
                  for a, b in ((x - 2 * strip, x - _OUTLINE), (x + w + _OUTLINE, x + w + 2 * strip))]
        for j in mine:
            hx, hy, hw, hh = (int(v) for v in stats[j, :4])
            if not row - foot <= hy + hh <= row + _OUTLINE:
                continue
            piece = hole_labels[hy:hy + hh, hx:hx + hw] == j
            inside = float(np.median(gray[hy:hy + hh, hx:hx + hw][piece]))
            above = _free_median(gray, hidden, y - 2 * strip, y - _OUTLINE, hx, hx + hw)
            walls = [v for v in (*beside, above) if v is not None]
            if any(abs(inside - v) <= same_grey for v in walls):
                out[hy:hy + hh, hx:hx + hw] |= piece
    return out


def _free_median(gray: NDArray[np.uint8], hidden: NDArray[np.bool_], y0: int, y1: int, x0: int, x1: int,
                 ) -> float | None:
    """The median grey of rows y0..y1-1, columns x0..x1-1 (clipped to the frame) where no object
    stands, or None where fewer than a 3 x 3 patch's worth of pixels show."""
    h, w = gray.shape
    y0, y1, x0, x1 = max(0, y0), min(h, y1), max(0, x0), min(w, x1)
    if y1 <= y0 or x1 <= x0:
        return None
    free = ~hidden[y0:y1, x0:x1]
    return float(np.median(gray[y0:y1, x0:x1][free])) if int(free.sum()) >= 9 else None
