"""Objects welded to a neighbour that stayed put, split by their motion (refines paper 4.2.3).

The paper pairs whole connected components. A side table pushed against a door, or books
leaning on a picture frame, come out of the segmentation as one component with it; the pair
then moves as one blob of the wrong size and class (a door with a table is heavy furniture, and
one moved heavy piece rates IX). The frames themselves say which part moved:

1. **Where the changed pixels went.** The blob's changed pixels (|own - other| above the
   paper's difference threshold, 25, 4.3), with a 3 px ring, are matched against the other frame
   within the shift reach (masked zero-mean normalised correlation, coarse-to-fine); the best
   offset, the shortest among near-equal ones, is the moving part's shift ``d``. When that
   shift fails the check (4.), the changed pixels are searched again without the ring: a plain
   object moved onto other ground (from before a bright wall onto a dark floor) keeps its
   inside, while its outline's contrast changes sign.
2. **Seeds.** A pixel of the blob that agrees with the other frame at ``d`` but not in place,
   and where the other frame shows background (the object left it), belongs to the part that
   moved; one that agrees in place but not at ``d``, or that changed only because the moving
   part now stands on it, to the part that stayed. Uniform insides agree both ways and are left
   open.
3. **Watershed.** A marker-based watershed over the frame grows both seeds across the blob,
   so the cut between the parts follows the strongest edge between them.

4. **Check.** Both parts must be what they claim: the moving part correlates with the other
   frame at ``d`` (over itself grown 2 px; over its inside, which must have texture, for a
   shift found without the ring), the static part in place (where the moving part does not
   now hide it); and the ground the moving part reached changed (an identical object did not
   already stand there, :func:`_nothing_arrived`).

Frames are smoothed 3x3 by the caller (:func:`smooth`) so that single noisy pixels neither seed
nor veto. Nothing is split unless both seeds hold ``min_seed_px`` pixels after a 3x3 opening.

The same search finds where an object gone without a partner went (:func:`find_gone`): its
inside is looked for in the other frame, and accepted where it correlates well and something
else stood before; :func:`find_turned_origin` does so with its look turned a quarter either way
(what falls often lands on its side).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

_K3 = np.ones((3, 3), np.uint8)
_PEAK_TIE = 0.02  # correlation scores this close to the best are the same match
_COARSE_PEAKS = 4  # coarse-scale peaks refined at full scale
_MIN_TEXTURE = 1.0  # grey-level spread below which an object has no look to recognise it by
_K7 = np.ones((7, 7), np.uint8)
_TURNED_PLACES = 6  # correlation peaks a turned origin is looked for at


@dataclass(frozen=True)
class MotionSplit:
    """A blob cut in two: ``moving`` and ``static`` are box-sized masks of the blob's own box
    (together the blob, disjoint); ``shift`` is (dx, dy) from the own frame to the other one."""

    shift: tuple[int, int]
    moving: NDArray[np.bool_]
    static: NDArray[np.bool_]


def inside_of(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """An object's inside: its mask 3 px in from its outline. Its look without its rim, which
    holds some of its surroundings, and they differ wherever it went."""
    return cv2.erode(mask.astype(np.uint8), _K7, borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0


def is_plain(values: NDArray[np.generic]) -> bool:
    """Whether pixels have too little texture to be recognised by (a plain patch matches any
    plain place, and light alone changes its correlation)."""
    return float(values.std()) < _MIN_TEXTURE


def smooth(gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The 3x3 box-smoothed frame the split compares (noise and JPEG blocks averaged out)."""
    return cv2.blur(gray, (3, 3))


def shifted_crop(frame: NDArray[np.uint8], box: tuple[int, int, int, int], d: tuple[int, int]) -> tuple[NDArray[np.int16], NDArray[np.bool_]]:
    """The box (x, y, w, h) of ``frame`` displaced by ``d`` (dx, dy) as int16, zero off the
    frame, and where that lies inside the frame."""
    x, y, w, h = box
    H, W = frame.shape
    out = np.zeros((h, w), np.int16)
    valid = np.zeros((h, w), bool)
    x0, y0 = x + d[0], y + d[1]
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(W, x0 + w), min(H, y0 + h)
    if cx0 < cx1 and cy0 < cy1:
        out[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0] = frame[cy0:cy1, cx0:cx1]
        valid[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0] = True
    return out, valid


def ncc(a: NDArray[np.generic], b: NDArray[np.generic]) -> float:
    """Normalised cross-correlation of two equally long samples (1.0 for identical content up
    to brightness and contrast; 1.0 for two flat samples, 0.0 for one flat and one not, or for
    empty ones: no evidence of agreement)."""
    if a.size == 0:
        return 0.0
    x = a.astype(np.float64).ravel()
    y = b.astype(np.float64).ravel()
    x -= x.mean()
    y -= y.mean()
    # einsum, not ``@``: a float dot product this long goes to OpenBLAS, whose worker threads
    # then spin for a while and took a core from the pipeline's second thread (bench/NOTES.md).
    nx, ny = math.sqrt(np.einsum("i,i->", x, x)), math.sqrt(np.einsum("i,i->", y, y))
    if nx < 1e-6 and ny < 1e-6:
        return 1.0
    if nx < 1e-6 or ny < 1e-6:
        return 0.0
    return float(np.einsum("i,i->", x, y)) / (nx * ny)


def masked_ncc(a: NDArray[np.uint8], b: NDArray[np.uint8], mask: NDArray[np.uint8]) -> float:
    """:func:`ncc` of two uint8 patches over the non-zero pixels of ``mask`` (all three the same
    shape), from OpenCV's masked means and deviations instead of copying the pixels out: the
    per-object check of every candidate runs this (the same values to within about 1e-7)."""
    n = int(cv2.countNonZero(mask))
    if n == 0:
        return 0.0
    mean_a, sd_a = cv2.meanStdDev(a, mask=mask)
    mean_b, sd_b = cv2.meanStdDev(b, mask=mask)
    root_n = math.sqrt(n)
    nx, ny = float(sd_a[0, 0]) * root_n, float(sd_b[0, 0]) * root_n
    if nx < 1e-6 and ny < 1e-6:
        return 1.0
    if nx < 1e-6 or ny < 1e-6:
        return 0.0
    # uint8 x uint8 is exact in float32; the mean is taken in double.
    mean_ab = cv2.mean(cv2.multiply(a, b, dtype=cv2.CV_32F), mask=mask)[0]
    cov = mean_ab - float(mean_a[0, 0]) * float(mean_b[0, 0])
    return max(-1.0, min(1.0, cov * n / (nx * ny)))


def _scores(window: NDArray[np.uint8], template: NDArray[np.uint8], tmask: NDArray[np.uint8],
            in_place: tuple[int, int] | None) -> NDArray[np.float32]:
    """Masked zero-mean normalised correlation of ``template`` at every place in ``window``;
    -1 where undefined (a flat place) and at ``in_place`` (row, col), where by definition the
    changed pixels do not match."""
    score = cv2.matchTemplate(window.astype(np.float32), template.astype(np.float32), cv2.TM_CCOEFF_NORMED,
                              mask=tmask)
    score = np.nan_to_num(score, nan=-1.0, posinf=-1.0, neginf=-1.0)
    if in_place is not None and 0 <= in_place[0] < score.shape[0] and 0 <= in_place[1] < score.shape[1]:
        score[in_place] = -1.0
    return score


def best_score(window: NDArray[np.uint8], template: NDArray[np.uint8], tmask: NDArray[np.uint8]) -> float:
    """The best masked zero-mean normalised correlation of ``template`` anywhere in ``window``
    (:func:`_scores`; -1 where nowhere defined)."""
    return float(_scores(window, template, tmask, None).max())


def _nearest_peak(score: NDArray[np.float32], origin: tuple[int, int]) -> tuple[int, int] | None:
    """(row, col) of the best score, the one nearest ``origin`` among those within
    ``_PEAK_TIE`` of the best (a uniform patch matches many places; the object moved least
    far), climbed to its own top (the tie admits a peak's shoulders too)."""
    best = float(score.max())
    if best <= 0:
        return None
    ys, xs = np.nonzero(score >= best - _PEAK_TIE)
    i = int(np.argmin((ys - origin[0]) ** 2 + (xs - origin[1]) ** 2))
    py, px = int(ys[i]), int(xs[i])
    while True:
        y0, x0 = max(0, py - 1), max(0, px - 1)
        patch = score[y0:py + 2, x0:px + 2]
        qy, qx = np.unravel_index(int(np.argmax(patch)), patch.shape)
        if patch[qy, qx] <= score[py, px]:
            return py, px
        py, px = y0 + int(qy), x0 + int(qx)


def _best_shift(changed: NDArray[np.bool_], box: tuple[int, int, int, int], own: NDArray[np.uint8],
                other: NDArray[np.uint8], reach: int | tuple[int, int, int, int],
                ring: int = 3) -> tuple[int, int] | None:
    """Where the changed pixels (with a ``ring`` px ring, so the outline takes part) went within
    ``reach`` (pixels each way, or left, up, right, down): :func:`_nearest_peak` of their
    correlation with the other frame; for templates
    of 16 px and more, searched at 1/2 or 1/4 scale first and refined at full scale around the
    best coarse peaks."""
    H, W = own.shape
    x, y, w, h = box
    r = ring
    tx0, ty0, tx1, ty1 = max(0, x - r), max(0, y - r), min(W, x + w + r), min(H, y + h + r)
    tmask = np.zeros((ty1 - ty0, tx1 - tx0), np.uint8)
    tmask[y - ty0:y - ty0 + h, x - tx0:x - tx0 + w] = changed
    if r > 0:
        tmask = cv2.dilate(tmask, np.ones((2 * r + 1, 2 * r + 1), np.uint8))
    template = own[ty0:ty1, tx0:tx1]
    left, up, right, down = (reach,) * 4 if isinstance(reach, int) else reach
    wx0, wy0 = max(0, tx0 - left), max(0, ty0 - up)
    window = other[wy0:max(ty1, min(H, ty1 + down)), wx0:max(tx1, min(W, tx1 + right))]
    home = (ty0 - wy0, tx0 - wx0)  # the template's own place, in window positions
    side = min(template.shape)
    f = 4 if side >= 48 else 2 if side >= 16 else 1
    if f == 1:
        peak = _nearest_peak(_scores(window, template, tmask, home), home)
    else:
        def small(im: NDArray[np.uint8]) -> NDArray[np.uint8]:
            return cv2.resize(im, (im.shape[1] // f, im.shape[0] // f), interpolation=cv2.INTER_AREA)

        coarse_mask = (small(tmask * np.uint8(255)) >= 128).astype(np.uint8)
        if not coarse_mask.any():
            return None
        coarse = _scores(small(window), small(template), coarse_mask, (home[0] // f, home[1] // f))
        # The coarse peaks near the best are refined at full scale, within one coarse step each;
        # the full-scale scores decide (coarse scores blur two motions' peaks together).
        best = float(coarse.max())
        if best <= 0:
            return None
        tops = (coarse >= best - 2 * _PEAK_TIE) & (coarse >= cv2.dilate(coarse, _K3))
        ys, xs = np.nonzero(tops)
        order = np.argsort(-coarse[ys, xs])[:_COARSE_PEAKS]
        th, tw = template.shape
        found: list[tuple[float, int, int]] = []
        for cy, cx in zip(ys[order], xs[order]):
            oy0, ox0 = max(0, int(cy) * f - f), max(0, int(cx) * f - f)
            sub = window[oy0:int(cy) * f + f + th, ox0:int(cx) * f + f + tw]
            if sub.shape[0] < th or sub.shape[1] < tw:
                continue
            fine = _scores(sub, template, tmask, (home[0] - oy0, home[1] - ox0))
            py, px = np.unravel_index(int(np.argmax(fine)), fine.shape)
            found.append((float(fine[py, px]), oy0 + int(py), ox0 + int(px)))
        if not found or max(v for v, _, _ in found) <= 0:
            return None
        top = max(v for v, _, _ in found)
        _, py, px = min((t for t in found if t[0] >= top - _PEAK_TIE),
                        key=lambda t: (t[1] - home[0]) ** 2 + (t[2] - home[1]) ** 2)
        peak = (py, px)
    if peak is None:
        return None
    return peak[1] + wx0 - tx0, peak[0] + wy0 - ty0


def motion_split(mask: NDArray[np.bool_], box: tuple[int, int, int, int], own: NDArray[np.uint8],
                 other: NDArray[np.uint8], *, reach_lengths: float = 3.0, level: int = 25, min_seed_px: int = 25,
                 min_static_px: int = 0, min_ncc: float = 0.8, own_raw: NDArray[np.uint8] | None = None,
                 other_objects: NDArray[np.uint8] | None = None, max_island_px: int = 0) -> MotionSplit | None:
    """Split a blob of ``own`` into the part that moved and the part that stayed (module doc).

    Parameters
    ----------
    mask : (h, w) bool
        The blob's pixels within its ``box`` (x, y, w, h) of the frame.
    own, other : (H, W) uint8
        The blob's frame and the other frame, registered alike, smoothed by :func:`smooth`.
    reach_lengths : float
        Largest shift searched, each way, in lengths (longest side) of the changed pixels' box.
    level : int
        Grey-level difference that counts as a change (half of it as agreement).
    min_seed_px : int
        Smallest seed, after a 3x3 opening, for either part.
    min_static_px : int
        Smallest static part worth finding (the smallest object's area): a blob with fewer pixels
        unchanged in place is not searched.
    min_ncc : float
        Both parts must be what they claim: the moving part (grown 2 px) correlates at least this
        much with the other frame at the shift, the static part in place. A toppled object
        overlaps itself in place, but no single shift explains it, so it is not split.
    own_raw : (H, W) uint8, optional
        The unsmoothed frame for the watershed's edges (``own`` if not given).
    other_objects : (H, W) uint8, optional
        The other frame's object mask (nonzero = object): the moving part's seeds are taken only
        where the other frame shows background.
    max_island_px : int
        The static part is checked without its changed islands (8-connected pixels changed in
        place) of fewer pixels than this: goods that shifted on the shelving bay a table stood
        before are objects of their own, counted apart, and the bay stayed. 0 keeps them all.

    Returns
    -------
    MotionSplit or None
        None when the blob moved (or stayed) as a whole, or its changes match nothing in reach.
    """
    if own.shape != other.shape or own.ndim != 2:
        raise InputError(f"frames must be 2-D and alike, got {own.shape} and {other.shape}")
    x, y, w, h = box
    if mask.shape != (h, w):
        raise InputError(f"mask shape {mask.shape} differs from the box's {(h, w)}")
    a = own[y:y + h, x:x + w]
    in_place = cv2.absdiff(a, other[y:y + h, x:x + w]).astype(np.int16)
    changed = mask & (in_place > level)
    if int(changed.sum()) < min_seed_px:
        return None
    # A part that stayed is mostly unchanged in place: without an object's worth of such pixels
    # there is none (most changed blobs end here, before the search).
    unchanged = cv2.morphologyEx((mask & (in_place <= level // 2)).astype(np.uint8), cv2.MORPH_OPEN, _K3)
    if int(unchanged.sum()) < max(min_seed_px, min_static_px):
        return None
    # The moving part is changed pixels where the other frame shows background, opened (below):
    # with too few such pixels before the shift narrows them, no shift can give it a seed.
    if other_objects is not None:
        vacated = changed & (other_objects[y:y + h, x:x + w] == 0)
        if int(cv2.morphologyEx(vacated.astype(np.uint8), cv2.MORPH_OPEN, _K3).sum()) < min_seed_px:
            return None
    # Search with the changed pixels only, as far as a shift goes for something their size: with
    # their outline's ring first; then, when that shift does not hold, without it. A plain object
    # moved onto other ground (a sofa from before the wall onto the floor) has only its inside
    # in common with where it went; its ring's contrast changes sign, and a look-alike that
    # stands on ground like the old one scores higher.
    cx, cy, cw, ch = cv2.boundingRect(changed.astype(np.uint8))
    for ring in (3, 0):
        d = _best_shift(changed[cy:cy + ch, cx:cx + cw], (x + cx, y + cy, cw, ch), own, other,
                        round(reach_lengths * max(cw, ch)), ring=ring)
        if d is None:
            continue
        split = _split_at(d, mask, box, own, other, changed, in_place, level=level, min_seed_px=min_seed_px,
                          min_ncc=min_ncc, own_raw=own_raw, other_objects=other_objects, max_island_px=max_island_px,
                          outline=ring > 0)
        if split is not None:
            return split
    return None


def _split_at(d: tuple[int, int], mask: NDArray[np.bool_], box: tuple[int, int, int, int], own: NDArray[np.uint8],
              other: NDArray[np.uint8], changed: NDArray[np.bool_], in_place: NDArray[np.int16], *, level: int,
              min_seed_px: int, min_ncc: float, own_raw: NDArray[np.uint8] | None,
              other_objects: NDArray[np.uint8] | None, max_island_px: int,
              outline: bool = True) -> MotionSplit | None:
    """:func:`motion_split`'s steps 2-4 for the moving part's shift ``d``: seeds, watershed, check.
    With ``outline`` False (``d`` found without the ring), the moving part is checked as
    :func:`find_gone` checks a gone object: over its inside, which must have texture."""
    x, y, w, h = box
    a = own[y:y + h, x:x + w]
    at_d, valid = shifted_crop(other, box, d)
    moved_diff = np.abs(a.astype(np.int16) - at_d)
    agree = valid & (moved_diff <= level // 2)
    # What moved left its place: it agrees with the other frame at d, and where it stood the
    # other frame shows background. (A uniform door behind a table pushed onto it agrees at d
    # too, but there the other frame shows the table, foreground.)
    left = changed & agree
    if other_objects is not None:
        left &= other_objects[y:y + h, x:x + w] == 0
    moving = cv2.morphologyEx(left.astype(np.uint8), cv2.MORPH_OPEN, _K3)
    # What stayed agrees in place and not at d, or changed only because the moving part now
    # stands on it (a door behind the table that was pushed against it).
    covered, _ = shifted_crop(moving, (0, 0, w, h), (-d[0], -d[1]))
    stayed = ((in_place <= level // 2) | (covered > 0)) & valid & (moved_diff > level)
    static = cv2.morphologyEx((mask & stayed).astype(np.uint8), cv2.MORPH_OPEN, _K3)
    if int(moving.sum()) < min_seed_px or int(static.sum()) < min_seed_px:
        return None
    # Markers: 1 moving, 2 static, 3 outside the blob (so neither floods around it).
    markers = np.full((h + 2, w + 2), 3, np.int32)
    inner = markers[1:-1, 1:-1]
    inner[mask] = 0
    inner[moving > 0] = 1
    inner[static > 0] = 2
    raw = (own if own_raw is None else own_raw)
    crop = cv2.copyMakeBorder(raw[y:y + h, x:x + w], 1, 1, 1, 1, cv2.BORDER_REPLICATE)
    cv2.watershed(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), markers)
    lab = markers[1:-1, 1:-1]
    # Watershed lines (-1) join the moving part where they touch it.
    near_moving = cv2.dilate((lab == 1).astype(np.uint8), _K3) > 0
    moving_part = _explained(mask & ((lab == 1) | ((lab == -1) & near_moving)), in_place <= level // 2, d)
    static_part = mask & ~moving_part
    if not moving_part.any() or not static_part.any():
        return None
    if _nothing_arrived(moving_part, box, own, other, d, level, min_seed_px):
        return None
    # Each part is checked over itself grown 2 px (its outline), less the other part, and the
    # static part less where the moving part now stands in the other frame (it is hidden there).
    k5 = np.ones((5, 5), np.uint8)
    covered, _ = shifted_crop(moving_part.astype(np.uint8), (0, 0, w, h), (-d[0], -d[1]))
    grown_moving = (cv2.dilate(moving_part.astype(np.uint8), k5) > 0) & valid & ~static_part
    grown_static = (cv2.dilate(static_part.astype(np.uint8), k5) > 0) & ~moving_part & ~(cv2.dilate(covered, _K3) > 0)
    if max_island_px > 0:
        grown_static &= ~_small_islands(grown_static & (in_place > level), max_island_px)
    if not outline:
        grown_moving = inside_of(moving_part) & valid
        if int(grown_moving.sum()) < min_seed_px or is_plain(a[grown_moving]):
            return None
    if (ncc(a[grown_moving], at_d[grown_moving]) < min_ncc
            or ncc(a[grown_static], other[y:y + h, x:x + w][grown_static]) < min_ncc):
        return None
    return MotionSplit(d, moving_part, static_part)


def _check_search(mask: NDArray[np.bool_], box: tuple[int, int, int, int], own: NDArray[np.uint8],
                  other: NDArray[np.uint8]) -> None:
    """The searches' inputs: two alike 2-D frames and a mask the box's size."""
    if own.shape != other.shape or own.ndim != 2:
        raise InputError(f"frames must be 2-D and alike, got {own.shape} and {other.shape}")
    if mask.shape != (box[3], box[2]):
        raise InputError(f"mask shape {mask.shape} differs from the box's {(box[3], box[2])}")


def find_turned_origin(mask: NDArray[np.bool_], box: tuple[int, int, int, int], own: NDArray[np.uint8],
                       other: NDArray[np.uint8], *, reach: tuple[int, int, int, int],
                       min_ncc: float = 0.8, level: int = 25,
                       unchanged_ncc: float | None = None) -> tuple[tuple[int, int, int, int], NDArray[np.bool_]] | None:
    """Where an object lying in ``own`` stood in ``other`` turned a quarter either way: what
    falls often lands on its side, and then no shift of its look finds where it came from
    (:func:`find_gone`).

    Its pixels, turned by 90 degrees each way, are searched in ``other``
    within ``reach`` (left, up, right, down, pixels past the box), at the best correlation
    peaks among the places where at least half its pixels changed between the frames (over
    ``level``: it left that place). A place holds under the same tests as :func:`find_gone`'s:
    its inside correlates at least ``min_ncc`` with ``other`` there, it has texture, and
    ``own`` showed something else there: ``own`` and ``other`` there correlate under
    ``unchanged_ncc`` (``min_ncc`` when None; an object toppled where it stood overlaps its own
    landing, and what still stands of it there correlates a little).

    Returns
    -------
    (box, mask) or None
        The place in ``other`` (x, y, w, h) and the object's turned mask on it; of the two turns,
        the one that correlates best.
    """
    _check_search(mask, box, own, other)
    if not mask.any():
        return None
    still = min_ncc if unchanged_ncc is None else unchanged_ncc
    x, y, w, h = box
    H, W = own.shape
    left, up, right, down = reach
    best: tuple[float, tuple[int, int, int, int], NDArray[np.bool_]] | None = None
    wx0, wy0 = max(0, x - left), max(0, y - up)
    wx1, wy1 = min(W, x + w + right), min(H, y + h + down)
    if wx1 - wx0 < h or wy1 - wy0 < w:  # a quarter turn swaps the sides
        return None
    window = other[wy0:wy1, wx0:wx1]
    changed = (cv2.absdiff(window, own[wy0:wy1, wx0:wx1]) > level).astype(np.uint8)
    for k in (1, 3):
        # Its own pixels only: the ring round it shows where it landed, not where it stood.
        template = np.ascontiguousarray(np.rot90(own[y:y + h, x:x + w], k))
        turned = np.ascontiguousarray(np.rot90(mask, k))  # (w, h)
        sel = inside_of(turned)
        if not sel.any() or is_plain(template[sel]):
            continue
        # The best few places: the best of all can be one where its look still stands (a plain
        # patch of wall, a twin), which the tests below refuse.
        for py, px in _best_places(window, template, turned.astype(np.uint8), _TURNED_PLACES, changed):
            ox, oy = wx0 + px, wy0 + py
            there, before = other[oy:oy + w, ox:ox + h], own[oy:oy + w, ox:ox + h]
            v = ncc(template[sel], there[sel])
            # It correlates there, and something else stands there now: it left that place.
            if v < min_ncc or ncc(before[sel], there[sel]) >= still:
                continue
            if best is None or v > best[0]:
                best = (v, (ox, oy, h, w), turned)
    return None if best is None else (best[1], best[2])


def _changed_under(changed: NDArray[np.uint8] | None, tmask: NDArray[np.uint8],
                   score: NDArray[np.float32]) -> NDArray[np.float32]:
    """``score`` with -1 wherever fewer than half the template's mask pixels lie on ``changed``
    (1 = changed between the frames, the window's shape; None leaves ``score`` as it is)."""
    if changed is None:
        return score
    frac = cv2.matchTemplate(changed.astype(np.float32), tmask.astype(np.float32), cv2.TM_CCORR)
    return np.where(2 * frac >= float(tmask.sum()), score, -1.0).astype(np.float32)


def _best_places(window: NDArray[np.uint8], template: NDArray[np.uint8], tmask: NDArray[np.uint8],
                 count: int, changed: NDArray[np.uint8] | None = None) -> list[tuple[int, int]]:
    """(row, col) in ``window`` of up to ``count`` local peaks of the masked correlation of
    ``template`` (:func:`_scores`), best first, positive only. A template of 16 px a side or
    more is searched at half scale first (a fall's search window spans the frame's height) and
    each coarse peak refined at full scale within a coarse step of it. The best place is not
    always where the object was: a plain patch of wall matches a plain object's look too, and
    the caller's tests decide among the peaks. With ``changed`` (0/1, the window's shape), only
    places where at least half the template's pixels changed between the frames count: where
    an object stood and left, the frames differ."""
    th, tw = template.shape
    if min(th, tw) < 16:
        return _peaks(_changed_under(changed, tmask, _scores(window, template, tmask, None)), count)

    def half(im: NDArray[np.uint8]) -> NDArray[np.uint8]:
        return cv2.resize(im, (im.shape[1] // 2, im.shape[0] // 2), interpolation=cv2.INTER_AREA)

    small_mask = (half(tmask * np.uint8(255)) >= 128).astype(np.uint8)
    if not small_mask.any() or window.shape[0] // 2 < th // 2 or window.shape[1] // 2 < tw // 2:
        return []
    coarse = _scores(half(window), half(template), small_mask, None)
    if changed is not None:
        coarse = _changed_under(cv2.resize(changed, (coarse.shape[1] + small_mask.shape[1] - 1,
                                                     coarse.shape[0] + small_mask.shape[0] - 1),
                                           interpolation=cv2.INTER_AREA), small_mask, coarse)
    found: list[tuple[float, int, int]] = []
    for cy, cx in _peaks(coarse, count):
        oy0, ox0 = max(0, 2 * cy - 2), max(0, 2 * cx - 2)
        sub = window[oy0:2 * cy + 2 + th, ox0:2 * cx + 2 + tw]
        if sub.shape[0] < th or sub.shape[1] < tw:
            continue
        fine = _scores(sub, template, tmask, None)
        if changed is not None:
            fine = _changed_under(changed[oy0:oy0 + sub.shape[0], ox0:ox0 + sub.shape[1]], tmask, fine)
        py, px = np.unravel_index(int(np.argmax(fine)), fine.shape)
        if fine[py, px] > 0:
            found.append((float(fine[py, px]), oy0 + int(py), ox0 + int(px)))
    found.sort(key=lambda t: -t[0])
    return [(py, px) for _, py, px in found]


def _peaks(score: NDArray[np.float32], count: int) -> list[tuple[int, int]]:
    """(row, col) of up to ``count`` positive local maxima of ``score`` (3x3), best first."""
    tops = (score > 0) & (score >= cv2.dilate(score, _K3))
    ys, xs = np.nonzero(tops)
    order = np.argsort(-score[ys, xs], kind="stable")[:count]
    return [(int(ys[i]), int(xs[i])) for i in order]


def _nothing_arrived(moving: NDArray[np.bool_], box: tuple[int, int, int, int], own: NDArray[np.uint8],
                     other: NDArray[np.uint8], d: tuple[int, int], level: int, min_px: int) -> bool:
    """Whether the ground the moving part claims to have reached ``d`` away (where it stands in
    the other frame, less its own place) looked the same in its own frame: mostly (over half)
    within half the change level. Then an identical object already stood there (the twin of a
    vase that fell off the shelf beside it), and the part did not go there. With fewer than
    ``min_px`` such pixels (a shift within itself) nothing can be told, and False is returned."""
    h, w = moving.shape
    self_at_d, _ = shifted_crop(moving.astype(np.uint8), (0, 0, w, h), d)
    own_at_d, valid_own = shifted_crop(own, box, d)
    other_at_d, valid_other = shifted_crop(other, box, d)
    new = moving & (self_at_d == 0) & valid_own & valid_other
    if int(new.sum()) < min_px:
        return False
    same = np.abs(own_at_d[new].astype(np.int16) - other_at_d[new]) <= level // 2
    return float(same.mean()) > 0.5


def _explained(moving: NDArray[np.bool_], unchanged: NDArray[np.bool_], d: tuple[int, int],
               rounds: int = 64) -> NDArray[np.bool_]:
    """The moving part less the pixels its motion does not explain: those unchanged in place
    that it did not also cover in the other frame (where it stood, or stands, ``d`` away). What
    moved changed every pixel it left or reached, but where it overlaps itself; a plain patch
    next to it (a floor tile its move closed an outline round) agrees in place and at ``d`` both,
    is seeded by neither side, and the watershed may give it to the moving part. Where it stands
    ``d`` away depends on the part itself, so the trimming is repeated until it holds (each round
    peels at most ``d`` off what only covered itself; ``rounds`` bounds it). The rim of
    background the mask holds past the outline goes too, as it does not move with the part: its
    area is the object's own, as Table 1 classes it (a box on a wall shelf with a strip of the
    board and the wall round it is light furniture; without them, a small object)."""
    h, w = moving.shape
    whole = moving
    for _ in range(rounds):
        covered, _ = shifted_crop(moving.astype(np.uint8), (0, 0, w, h), (-d[0], -d[1]))
        trimmed = moving & ~(unchanged & (covered == 0))
        if np.array_equal(trimmed, moving):
            break
        moving = trimmed
    # One part moved by one shift: trimming that cuts it in pieces (a plain object, whose shift
    # is ambiguous along its length, read a few pixels off) tells nothing, and is not kept.
    if moving is not whole and _pieces(moving) > _pieces(whole):
        return whole
    return moving


def _small_islands(mask: NDArray[np.bool_], max_px: int) -> NDArray[np.bool_]:
    """The 8-connected pieces of ``mask`` of fewer than ``max_px`` pixels."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    small = np.zeros(n, bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] < max_px
    return small[labels]


def _pieces(mask: NDArray[np.bool_]) -> int:
    """8-connected pieces of a mask, not counting specks a 3x3 opening removes."""
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, _K3)
    return cv2.connectedComponents(opened, connectivity=8)[0] - 1


def find_gone(mask: NDArray[np.bool_], box: tuple[int, int, int, int], own: NDArray[np.uint8],
              other: NDArray[np.uint8], *, reach: int | tuple[int, int, int, int],
              min_ncc: float = 0.8) -> tuple[int, int] | None:
    """Where an object gone from its place went, when the pairing found no partner (its landing
    place was not segmented as one object: welded to the floor's seams, cut by a shadow).

    Its pixels (with a 3 px ring) are searched in the other frame within ``reach`` (pixels each
    way, or left, up, right, down; see
    :func:`_best_shift`). The shift holds when its inside (3 px in from its outline) correlates
    at least ``min_ncc`` there (not its surroundings: it landed among other things), and
    something arrived: the own frame showed something else at the destination (an identical
    object already standing there is not where this one went).

    Returns
    -------
    (dx, dy) or None
    """
    _check_search(mask, box, own, other)
    if not mask.any():
        return None
    x, y, w, h = box
    d = _best_shift(mask, box, own, other, reach)
    if d is None or d == (0, 0):
        return None
    at_d, valid = shifted_crop(other, box, d)
    before_at_d, valid_before = shifted_crop(own, box, d)
    sel = inside_of(mask) & valid & valid_before  # its inside, as calibrated
    if not sel.any():
        return None
    a = own[y:y + h, x:x + w]
    if is_plain(a[sel]):
        return None
    if ncc(a[sel], at_d[sel]) < min_ncc or ncc(before_at_d[sel], at_d[sel]) >= min_ncc:
        return None
    return d

