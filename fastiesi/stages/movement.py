"""What moved between the frames (paper 4.2 low complexity, 4.3 high complexity, and mixed).

Both frames are in the pre frame's coordinates (the post frame registered, 2.3) and cropped to
their common valid area. Objects come from :func:`segment_objects` on each frame.

Low complexity (4.2.3): an object whose own pixels are unchanged (normalised cross-correlation
over its mask grown by 2 px, pre vs registered post, at least ``unchanged_ncc``), or that has a
post object at the same box and centroid, has not moved; this is the paper's stable-feature-region
check. A changed pre object is paired with a changed post object, the most
similar area first and, among near-equal areas, the one whose AKAZE descriptors are closest; the
centroid shift is its displacement, and a vertical shift above 3x its length is a fall (4.4 (1)).
A changed pre object with no partner has gone, so it moved; a changed post object with no partner
has appeared (it came from outside the view or from behind something) and moved too.

High complexity (4.3): edge density (3x3 counts, 0..9) -> exact 3-class K-means -> each pixel
its cluster's centre, scaled to 8 bits (x 255/9) -> binarised at 57 (background 255, shelves and
objects 0). The pre/post difference, hole-filled and opened, leaves the fallen objects. The
saliency images' difference binarised at 25 and eroded leaves the moving objects (the paper runs
it only when nothing fell; here always, see :func:`high_changes`); the two blobs a shift leaves
(where it was, where it is) are paired by area. Change blobs pass the length and line screens.
Pre objects in high-complexity regions are counted as the totals, goods welded on the shelving
(a blob sized as light furniture nearly all on the shelving, :func:`shelving_units`, or one a
shelf board runs through, :mod:`.boards`) as small objects; a changed one overlapped by a
moving blob has moved, and so has a changed one with no post object left where it stood (gone,
as in 4.2.3). When it is goods welded into one blob of which only some moved, only the part that
moved has (:mod:`.welded`).

Welded blobs (refines 4.2.3): a changed blob that the pairing leaves in doubt (unpaired, or
paired with a box of another size) may be a moved object welded to one that stayed put; it is
cut by its motion (:func:`.welded.motion_split`), the moving part tracked by its shift, the
static part counted as not moved.

Leftovers of both paths (gone from where they stood, appeared elsewhere) are paired last, by
area: a fall from a shelf block to the floor is seen this way.

An object still gone after both pairings (its landing place was not segmented as one object)
is searched for in the post frame by its own pixels (:func:`.welded.find_gone`): found, it is
tracked there, and a fall when it dropped over 3 lengths.

Mixed (4.3, last paragraph): objects whose centroid falls in a high-complexity block (local PSD)
go through the high path, the rest through the low one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from .._threads import side_by_side
from ..config import DEFAULT_CONFIG, OBJECT_CLASSES, Config, ObjectClass, Region
from ..errors import InputError
from .boards import boards_through, horizontal_lines
from .boxes import box_iou as _iou
from .boxes import overlap_area
from .classify import classify_area
from .components import Components, label_components, screen_components
from .depth import DepthRegions, inherit_from_tall, object_placement
from .edges import edge_density, histogram_kmeans
from .morphology import fill_holes
from .segment import FrameObjects, larger_than_any_object
from .walls import READ_BELOW, line_runs_through, room_lines, wall_line_row
from .welded import (
    best_score,
    find_gone,
    find_turned_origin,
    inside_of,
    is_plain,
    masked_ncc,
    motion_split,
    ncc,
    shifted_crop,
    smooth,
)

Path = Literal["low", "high"]
_K3 = np.ones((3, 3), np.uint8)
# Labels of candidates cut from a component (no component mask of their own) start here, past
# any component label; _parts_changed numbers its parts from 1 << 20 (pre) and 2 << 20 (post).
_WELD_FRONT = 3 << 20


@dataclass
class TrackedObject:
    """One object, in analysed-crop coordinates, with what happened to it."""

    object_class: ObjectClass
    region: Region
    area: int
    bbox_before: tuple[int, int, int, int] | None
    bbox_after: tuple[int, int, int, int] | None
    centroid_before: tuple[float, float] | None
    centroid_after: tuple[float, float] | None
    moved: bool
    fell: bool
    path: Path

    @property
    def displacement(self) -> float | None:
        if self.centroid_before is None or self.centroid_after is None:
            return None
        return _distance(self.centroid_before, self.centroid_after)


@dataclass
class MovementResult:
    objects: list[TrackedObject] = field(default_factory=list)

    def counts(self) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
        moved = tuple(sum(o.moved for o in self.objects if o.object_class == c) for c in OBJECT_CLASSES)
        total = tuple(sum(o.object_class == c for o in self.objects) for c in OBJECT_CLASSES)
        return moved, total  # type: ignore[return-value]

    @property
    def falls(self) -> int:
        return sum(o.fell for o in self.objects)


@dataclass(frozen=True)
class _Candidate:
    label: int
    object_class: ObjectClass
    region: Region
    area: int
    box: tuple[int, int, int, int]
    centroid: tuple[float, float]
    changed: bool
    high: bool


@dataclass(frozen=True)
class _Frames:
    """Both frames of a pair as the movement stage reads them (crop coordinates); the smoothed
    frames are what the welded split and the gone search compare, made once per pair."""

    pre: FrameObjects
    post: FrameObjects
    pre_gray: NDArray[np.uint8]
    post_gray: NDArray[np.uint8]
    regions: DepthRegions
    # The pre frame's shelving units (:func:`shelving_units`) where the image has shelving.
    units: NDArray[np.bool_] | None = None
    pre_smooth: NDArray[np.uint8] = field(init=False)
    post_smooth: NDArray[np.uint8] = field(init=False)
    # Each frame's room_edges (.walls) and where its objects hide the room (.walls.hidden_by),
    # made on first need.
    _pre_lines: list[NDArray[np.generic]] = field(init=False, default_factory=list)
    _post_lines: list[NDArray[np.generic]] = field(init=False, default_factory=list)
    # Each frame's edges made fit to follow a shelf board along (.boards), made on first need.
    _boards: dict[bool, NDArray[np.bool_]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pre_smooth", smooth(self.pre_gray))
        object.__setattr__(self, "post_smooth", smooth(self.post_gray))

    def on_wall(self, box: tuple[int, int, int, int], cfg: Config) -> bool:
        """Whether what stands in ``box`` hangs on a wall (:func:`_hangs_on_wall`) as either
        frame shows it: the line under a window can be hidden in one frame by a cabinet that
        moved away in the other."""
        return any(_is_foot(r, box, cfg) for r in self.wall_rows(box, cfg))

    def wall_rows(self, box: tuple[int, int, int, int], cfg: Config,
                  below: float = READ_BELOW) -> tuple[int | None, int | None]:
        """The wall line beside ``box`` in the pre and the post frame (:func:`_wall_row`); the
        post frame is not read (None) where the pre frame's line is the object's foot already."""
        pre = self._behind(_wall_row(box, self.pre_gray, self.pre, self._pre_lines, cfg, below), box)
        if _is_foot(pre, box, cfg):
            return pre, None
        return pre, self._behind(_wall_row(box, self.post_gray, self.post, self._post_lines, cfg, below), box)

    def _behind(self, row: int | None, box: tuple[int, int, int, int]) -> int | None:
        """``row``, unless it lies in the near region at the box's middle column (None then): the
        near region is the floor nearest the camera (3.1), where no wall meets the floor. A seam
        between floor tiles under a bookcase standing there is no wall line."""
        if row is None or self.regions.region_of_point(box[0] + box[2] / 2, row) != "near":
            return row
        return None

    def boards_through(self, box: tuple[int, int, int, int], mask: NDArray[np.bool_], cfg: Config, *,
                       post_side: bool) -> bool:
        """Whether a shelf board runs through the object at ``box`` in its own frame
        (:func:`.boards.boards_through`): goods welded on the shelving, not furniture."""
        lines = self._boards.get(post_side)
        if lines is None:
            lines = horizontal_lines((self.post if post_side else self.pre).edges)
            self._boards[post_side] = lines
        mv = cfg.movement
        return boards_through(lines, self.post_gray if post_side else self.pre_gray, box, mask,
                              margin=mv.board_margin_px, inset=mv.max_line_width_px, fill=mv.board_fill,
                              same_grey=float(mv.saliency_diff_binarize))


# --------------------------------------------------------------------------------------------
# Classification of one frame's components (3.1 + 3.2)
# --------------------------------------------------------------------------------------------


def _classified(frame: FrameObjects, regions: DepthRegions, cfg: Config,
                ) -> list[tuple[int, ObjectClass, Region, NDArray[np.bool_]]]:
    """(label, class, region, box-sized mask) of each of the frame's objects that Table 1
    classes as one of the four classes in its depth region (3.1, 3.2)."""
    comps = frame.components
    labels = frame.labels
    placements = []
    masks = []
    for lab in labels:
        m, off = comps.mask(lab)
        masks.append(m)
        placements.append(object_placement(m, regions, offset=off))
    boxes = [tuple(int(v) for v in comps.boxes[lab]) for lab in labels]
    region_list = inherit_from_tall(placements, boxes, rest_gap_px=float(cfg.movement.max_line_width_px))  # type: ignore[arg-type]
    out = []
    for lab, region, m in zip(labels, region_list, masks):
        cls = classify_area(float(comps.areas[lab]), region, config=cfg.classify)
        if cls in OBJECT_CLASSES:
            out.append((lab, cls, region, m))  # type: ignore[arg-type]
    return out


def box_ncc(pre: NDArray[np.uint8], post: NDArray[np.uint8], box: tuple[int, int, int, int], pad: int = 2,
            mask: NDArray[np.bool_] | None = None) -> float:
    """Normalised cross-correlation of the two frames over a box grown by ``pad`` pixels, or
    over the object's own pixels grown by ``pad`` when its ``mask`` (the box's size) is given,
    so that a neighbour moving through a corner of the box does not count (1.0 for identical
    content up to brightness and contrast; 0 for a flat patch in one frame and not the other)."""
    h, w = pre.shape
    x, y, bw, bh = box
    x0, y0, x1, y1 = max(0, x - pad), max(0, y - pad), min(w, x + bw + pad), min(h, y + bh + pad)
    a, b = pre[y0:y1, x0:x1], post[y0:y1, x0:x1]
    if mask is None:
        return ncc(a, b)
    grown = np.zeros((y1 - y0, x1 - x0), np.uint8)
    grown[y - y0:y - y0 + bh, x - x0:x - x0 + bw] = mask
    return masked_ncc(a, b, cv2.dilate(grown, np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)))


def _candidates(frame: FrameObjects, regions: DepthRegions, pre: NDArray[np.uint8], post: NDArray[np.uint8],
                high_mask: NDArray[np.bool_], cfg: Config, exclude: NDArray[np.bool_] | None,
                frames: _Frames, *, post_side: bool = False) -> list[_Candidate]:
    """The objects of one frame (``post_side``: the post one) to track: classed (3.1, Table 1),
    less those under a removed person and the wall features (judged in both frames,
    :meth:`_Frames.on_wall`), each marked changed or not; on the shelving (``frames.units``),
    goods where they are."""
    comps = frame.components
    shelving = frames.units
    out = []
    for lab, cls, region, m in _classified(frame, regions, cfg):
        box = tuple(int(v) for v in comps.boxes[lab])
        cx, cy = (float(v) for v in comps.centroids[lab])
        high = bool(high_mask[min(int(cy), high_mask.shape[0] - 1), min(int(cx), high_mask.shape[1] - 1)])
        x, y, w, h = box
        # Largely under a removed person (2.4): not an object.
        if exclude is not None and exclude[y:y + h, x:x + w][m].mean() >= cfg.people.exclude_overlap:
            continue
        changed = box_ncc(pre, post, box, mask=m) < cfg.movement.unchanged_ncc  # type: ignore[arg-type]
        if shelving is not None:
            # On the shelving, whichever path judges it (a mixed image's plainer blocks of a unit
            # take the low path; the segmentation's shelving variant covers the unit whole).
            cls = _as_goods(cls, shelving, box, m, cfg)  # type: ignore[arg-type]
        if (high and shelving is not None and cls != "small_objects" and not changed and cfg.movement.board_margin_px
                and frames.boards_through(box, m, cfg, post_side=post_side)):  # type: ignore[arg-type]
            cls = "small_objects"
        cand = _Candidate(lab, cls, region, int(comps.areas[lab]), box, (cx, cy), changed, high)  # type: ignore[arg-type]
        if cls != "small_objects":
            body = _body_box(m, box, cfg)  # type: ignore[arg-type]
            # Far from the camera a picture hangs higher over the floor line, in its own heights.
            rows = frames.wall_rows(body, cfg, cfg.movement.wall_read_below_far if region == "far" else READ_BELOW)
            if any(_is_foot(r, body, cfg) for r in rows):
                # Furniture stands on the floor (.walls): sized as furniture on the wall, it is a
                # wall feature (background) or, when it changed, what moved before it (a chair
                # before a door) or goods on a wall shelf welded into one blob (small objects, as
                # on shelving, 4.3).
                if not changed:
                    continue
                other = frames.pre if post_side else frames.post
                cand = (_moved_before_wall_feature(cand, m, body, rows, other, frames, cfg)  # type: ignore[arg-type]
                        or replace(cand, object_class="small_objects"))
            elif not changed:
                cand = _before_wall_feature(cand, m, rows[1] if post_side else rows[0], frame, frames, cfg) or cand
        out.append(cand)
    return out


def _opened(mask: NDArray[np.uint8], k: int) -> NDArray[np.uint8]:
    """``mask`` opened by a k x k square, nothing beyond the frame: a band running off the edge
    is as thin there as anywhere."""
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((k, k), np.uint8), borderType=cv2.BORDER_CONSTANT,
                            borderValue=0)


def _body_box(mask: NDArray[np.bool_], box: tuple[int, int, int, int], cfg: Config) -> tuple[int, int, int, int]:
    """The box of an object's body: its mask less what is thinner than a line (4.2.3's line
    width, opened away), e.g. the skirting board welded to a door's foot and running off to the
    frame's edge, which would put the strips beside the door beyond the frame. The whole box
    when nothing that thick is left."""
    k = cfg.movement.max_line_width_px
    body = _opened(mask.astype(np.uint8), k)
    if not body.any():
        return box
    bx, by, bw, bh = cv2.boundingRect(body)
    return box[0] + bx, box[1] + by, bw, bh


def _hangs_on_wall(box: tuple[int, int, int, int], gray: NDArray[np.uint8], frame: FrameObjects,
                   lines: list[NDArray[np.generic]], cfg: Config) -> bool:
    """:func:`.walls.hangs_on_wall` with the movement constants: strips a line's width (4.2.3)
    wide, the foot within twice the segmentation's jitter, wall and floor apart by half the
    change level (4.3), the level at which two patches agree elsewhere in this stage (a wall lit
    much like the floor still parts from it; a tile seam or a shelf board, the same surface
    either side, does not); ``lines`` holds the frame's :func:`.walls.room_edges` and
    :func:`.walls.hidden_by` once made."""
    return _is_foot(_wall_row(box, gray, frame, lines, cfg), box, cfg)


def _is_foot(row: int | None, box: tuple[int, int, int, int], cfg: Config) -> bool:
    """Whether the wall line at ``row`` (None: none seen) is the foot of the object in ``box``
    or below it: the object hangs on the wall."""
    return row is not None and row >= box[1] + box[3] - _foot_tolerance(cfg)


def _foot_tolerance(cfg: Config) -> int:
    """How far above an object's bottom the wall line may lie and still be its foot: twice the
    segmentation's jitter."""
    return int(2 * cfg.movement.moved_min_displacement_px)


def _wall_row(box: tuple[int, int, int, int], gray: NDArray[np.uint8], frame: FrameObjects,
              lines: list[NDArray[np.generic]], cfg: Config, below: float = READ_BELOW) -> int | None:
    """:func:`.walls.wall_line_row` with the movement constants (:func:`_hangs_on_wall`), read
    down to ``below`` of the object's heights under it."""
    if not lines:
        # The room's lines are read past the objects' bodies only: a wall line or skirting board
        # that the segmentation welded to an object (thinner than a line, 4.2.3) is still a line.
        lines.extend(room_lines(frame.edges, frame.mask, cfg.movement.max_line_width_px))
    mv = cfg.movement
    return wall_line_row(gray, lines[0], box, strip=mv.max_line_width_px, step=mv.saliency_diff_binarize // 2,
                         fill=mv.wall_line_fill, hidden=lines[1], below=below)


def _before_wall_feature(c: _Candidate, mask: NDArray[np.bool_], row: int | None, frame: FrameObjects,
                         frames: _Frames, cfg: Config) -> _Candidate | None:
    """What stands before a wall feature that the segmentation welded to it, as a candidate of
    its own; None when ``c`` (unchanged, sized as light furniture or larger, standing: the wall
    line crosses beside it above its bottom) is no such weld.

    A door with a box at its foot, or a window with a sofa before its wall, is one blob that
    reaches below the wall line, so it stands, and its area makes it furniture or heavy
    furniture. But the wall line runs on through the blob (:func:`.walls.line_runs_through`),
    where something standing before the wall would hide it: above the line is the wall feature
    (background), below it what stands there, classed by its own area (Table 1). Its label is
    offset past the component labels (it has no component mask of its own). ``row``: the wall
    line beside its body in its own frame (:meth:`_Frames.wall_rows`)."""
    x, y, w, h = c.box
    if row is None or row >= y + h - _foot_tolerance(cfg):
        return None
    mv = cfg.movement
    foot = line_runs_through(frame.edges, mask, c.box, row, depth=mv.max_line_width_px, fill=mv.wall_foot_shown)
    hidden_foot = foot is None  # what stands there hides the line all along: read by outlines only
    foot = row if foot is None else foot
    above, below = mask.copy(), mask.copy()
    above[foot - y:] = False
    below[:foot - y + 2] = False  # the foot's own rows (within a row either way) are neither part
    if not above.any():
        return None
    cols = np.flatnonzero(above.any(axis=0)) + x
    jitter = _foot_tolerance(cfg)
    # What stands there as its own outline shows it (a chair whose back rises over the wall line
    # before a door), when the outlines part it from the wall feature (the rest holds most of
    # what lies above the line); else, where the line shows through, what lies under it.
    standing = _standing_part(mask, frame.edges[y:y + h, x:x + w], foot - y + 2)
    routes: list[tuple[NDArray[np.bool_], NDArray[np.intp]]] = []
    if 2 * int((above & ~standing).sum()) >= int(above.sum()):
        # Its span is judged against the feature's (a cabinet whose top rises over the line
        # before a door: the door alone), less what is thinner than a line (4.2.3: the strips
        # between an outline and the mask's rim are no feature).
        feature = _opened((above & ~standing).astype(np.uint8) * np.uint8(255), mv.max_line_width_px) > 0
        routes.append((standing, np.flatnonzero(feature.any(axis=0)) + x if feature.any() else cols))
    if not hidden_foot:
        routes.append((below, cols))
    for part, span in routes:
        parts = _blobs(_opened(part.astype(np.uint8) * np.uint8(255), 3), frames.regions, cfg, offset=(x, y))
        if not parts:
            continue
        front = max(parts, key=lambda p: p.area)
        # One body cut at a line across it (a cabinet's drawer) spans the same columns above
        # and below; what stands before a door or window is its own width, and stands apart on
        # a side of the feature.
        fx0, fx1 = front.box[0], front.box[0] + front.box[2] - 1
        if abs(fx0 - int(span[0])) > jitter or abs(fx1 - int(span[-1])) > jitter:
            return replace(front, label=_WELD_FRONT + c.label, changed=False, high=c.high)
    return None


def _standing_part(mask: NDArray[np.bool_], edges: NDArray[np.uint8], first_row: int) -> NDArray[np.bool_]:
    """``mask`` less its inner regions (parted by its frame's ``edges``, all box-sized) that lie
    wholly above ``first_row``: a door's or a window's panes end at the wall line, and what
    stands before them reaches under it, its outline drawn across theirs. A region that what
    stands encloses is its own (a label on a cabinet's front, over the line), not a pane."""
    inner = (mask & (edges == 0)).astype(np.uint8)
    _, labels = cv2.connectedComponents(inner, connectivity=4)
    low = np.unique(labels[first_row:])
    hanging = (labels > 0) & ~np.isin(labels, low[low > 0])
    standing = (mask & ~hanging).astype(np.uint8) * np.uint8(255)
    return mask & (fill_holes(standing) > 0)


def _unmatched_changed(own: list[_Candidate], other: list[_Candidate], cfg: Config) -> list[_Candidate]:
    """``own`` with the low-complexity objects whose counterpart in the other frame is the same
    box shifted (same size within the segmentation's jitter, overlapping it, box and centroid
    moved alike by more than ``moved_min_displacement_px``) marked changed, however well their
    pixels correlate: a plain object sliding along its own length changes only at its ends and
    still correlates with itself in place, but its component slid."""
    mv = cfg.movement
    tol = mv.moved_min_displacement_px

    def slid(c: _Candidate, q: _Candidate) -> bool:
        if abs(c.box[2] - q.box[2]) > tol or abs(c.box[3] - q.box[3]) > tol or _iou(c.box, q.box) <= 0:
            return False
        dx, dy = q.centroid[0] - c.centroid[0], q.centroid[1] - c.centroid[1]
        bx, by = q.box[0] + q.box[2] / 2 - c.box[0] - c.box[2] / 2, q.box[1] + q.box[3] / 2 - c.box[1] - c.box[3] / 2
        return float(np.hypot(dx, dy)) > tol and float(np.hypot(dx - bx, dy - by)) <= tol

    return [replace(c, changed=True) if not c.changed and not c.high and any(slid(c, q) for q in other) else c
            for c in own]


def _as_goods(cls: ObjectClass, units: NDArray[np.bool_], box: tuple[int, int, int, int], mask: NDArray[np.bool_],
              cfg: Config) -> ObjectClass:
    """The class of an object at ``box`` (its box-sized ``mask``) on the shelving ``units``
    (:func:`shelving_units`), on either path: light-furniture-sized, mostly on it, and with the
    shelving going on under it (mostly units in the line-width band under its box: the board,
    the cell below, even an empty one, the unit's base), it is goods welded together (4.3:
    shelves hold small objects of similar sizes), so a small object. Light furniture standing on
    the floor before the shelving, welded to it in the shelf area, has floor under it."""
    if cls != "light_furniture":
        return cls
    x, y, w, h = box
    on_shelf = units[y:y + h, x:x + w][mask]
    if not on_shelf.size or float(on_shelf.mean()) < cfg.movement.goods_on_shelf_fraction:
        return cls
    band = (slice(y + h, y + h + cfg.movement.max_line_width_px), slice(x, x + w))
    under = units[band]
    if under.size and 2 * int(under.sum()) < under.size:
        # An empty shelf cell under it (a hole in the units, which hold only the dense foreground
        # of the cells' goods and boards) is shelving all the same; the floor before the shelving
        # is no hole. Rare (a light-furniture-sized blob on the units), so filled here.
        enclosed = fill_holes(units.astype(np.uint8) * np.uint8(255))[band] > 0
        if 2 * int(enclosed.sum()) < enclosed.size:
            return cls
    return "small_objects"


def _fell(box_before: tuple[int, int, int, int], centroid_before: tuple[float, float],
          centroid_after: tuple[float, float], cfg: Config) -> bool:
    """The fall rule (4.4 (1)): a drop of more than 3 lengths (the longest side of the box), and
    a drop: more below than aside (as :func:`_pair_far` pairs falls)."""
    length = max(box_before[2], box_before[3])
    dy = centroid_after[1] - centroid_before[1]
    return dy > cfg.movement.fall_length_ratio * length and dy >= abs(centroid_after[0] - centroid_before[0])


# --------------------------------------------------------------------------------------------
# Low complexity: pairing of changed objects (4.2.3)
# --------------------------------------------------------------------------------------------

KeypointSets = tuple[NDArray[np.float64], NDArray[np.uint8]]  # (n, 2) points, (n, d) descriptors


def _descriptor_distance(a: KeypointSets | None, b: KeypointSets | None) -> float:
    """Median Hamming distance from each of a's descriptors to its nearest in b (inf if either
    has none)."""
    if a is None or b is None or len(a[1]) == 0 or len(b[1]) == 0:
        return float("inf")
    x = np.unpackbits(a[1], axis=1).astype(np.int16)
    y = np.unpackbits(b[1], axis=1).astype(np.int16)
    d = x.shape[1] - (x @ y.T + (1 - x) @ (1 - y).T)
    return float(np.median(d.min(axis=1)))


def _keypoints_in(box: tuple[int, int, int, int], kps: KeypointSets | None) -> KeypointSets | None:
    if kps is None:
        return None
    x, y, w, h = box
    p = kps[0]
    sel = (p[:, 0] >= x) & (p[:, 0] < x + w) & (p[:, 1] >= y) & (p[:, 1] < y + h)
    return p[sel], kps[1][sel]


def _pair_nearby(gone: list[_Candidate], appeared: list[_Candidate], cfg: Config,
                 pre_kps: KeypointSets | None, post_kps: KeypointSets | None) -> list[tuple[_Candidate, _Candidate | None]]:
    """Pairing of shifts (4.2.3): a gone object and an appeared one within ``shift_pair_reach`` of
    the gone one's longest side are the same object when their areas agree (at least
    ``match_min_area_ratio``). Pairs are taken one at a time over all objects at once: the most
    similar area first, and among pairs whose area ratios lie within ``match_area_tie`` of it, the
    closest descriptors, then the shortest distance.

    Pairing all objects at once, not each object in turn, keeps two look-alikes apart: of two vases
    side by side, one shifted a little and one fell, the one that shifted takes the landing beside
    it, and the one that fell is left for :func:`_pair_far`. What is left unpaired goes there with
    the high path's leftovers (falls, long slides). Pairing by area without the reach would let a
    small object that shifted a little be given a similar-sized stranger across the room, and
    become a fall.
    """
    options: list[tuple[float, int, int]] = []  # (area ratio, gone index, appeared index)
    for i, g in enumerate(gone):
        reach = cfg.movement.shift_pair_reach * max(g.box[2], g.box[3])
        for j, q in enumerate(appeared):
            sim = min(g.area, q.area) / max(g.area, q.area)
            if sim >= cfg.movement.match_min_area_ratio and _distance(g.centroid, q.centroid) <= reach:
                options.append((sim, i, j))
    descriptors: dict[tuple[int, int], float] = {}

    def descriptor(i: int, j: int) -> float:
        if (i, j) not in descriptors:
            descriptors[i, j] = _descriptor_distance(_keypoints_in(gone[i].box, pre_kps),
                                                     _keypoints_in(appeared[j].box, post_kps))
        return descriptors[i, j]

    partner: dict[int, int] = {}
    while options:
        best = max(sim for sim, _, _ in options)
        tied = [(i, j) for sim, i, j in options if sim >= best - cfg.movement.match_area_tie]
        # Descriptors only where areas tie (they cost a Hamming matrix each).
        i, j = tied[0] if len(tied) == 1 else min(
            tied, key=lambda ij: (descriptor(*ij), _distance(gone[ij[0]].centroid, appeared[ij[1]].centroid),
                                  -gone[ij[0]].area))
        partner[i] = j
        options = [o for o in options if o[1] != i and o[2] != j]
    order = sorted(range(len(gone)), key=lambda i: -gone[i].area)
    return [(gone[i], appeared[partner[i]] if i in partner else None) for i in order]


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(np.hypot(b[0] - a[0], b[1] - a[1]))


def _pair_far(objects: list[TrackedObject], cfg: Config, pre_kps: KeypointSets | None,
              post_kps: KeypointSets | None, frames: _Frames | None = None,
              units: NDArray[np.bool_] | None = None) -> list[TrackedObject]:
    """Second round over both paths' leftovers: an object gone from where it stood and one that
    appeared anywhere else are the same object when their areas agree (4.2.3). This is how a
    fall is seen, from a high-complexity shelf block to a low-complexity floor block too: a fall
    is a drop, more below than aside, of over 3 lengths (4.4 (1)). Partners more below than
    aside are taken first; then, with no distance to go by, the most similar pairs (then the
    closest descriptors, then the nearest), so that one object does not take another's only
    partner. With the frames given, a pair that would be a fall must also look alike, upright or
    turned a quarter (:func:`_landed_alike`): a good gone from a shelf and another that shifted
    on the board below match by area alone, and a fall lifts the intensity to VII (4.4 (1)).
    With the shelving ``units`` given, a fall lands on the floor, not over a unit
    (:func:`_over_shelving`, as 4.3's fallen objects lie outside the shelf area)."""
    gone = [o for o in objects if o.moved and o.bbox_after is None and o.bbox_before is not None]
    appeared = [o for o in objects if o.moved and o.bbox_before is None and o.bbox_after is not None]
    scored = []
    for g in gone:
        own = _keypoints_in(g.bbox_before, pre_kps)  # type: ignore[arg-type]
        for q in appeared:
            sim = min(g.area, q.area) / max(g.area, q.area)
            # Beyond a shift's reach (those pairs were made nearby) an object mostly went there
            # by falling: partners lying more below it than aside are taken first (on a shelf
            # of look-alikes, the one far to the side is not where it went).
            dx = q.centroid_after[0] - g.centroid_before[0]  # type: ignore[index]
            dy = q.centroid_after[1] - g.centroid_before[1]  # type: ignore[index]
            if sim >= cfg.movement.match_min_area_ratio:
                scored.append((dy < abs(dx), -sim, _descriptor_distance(own, _keypoints_in(q.bbox_after, post_kps)),  # type: ignore[arg-type]
                               _distance(g.centroid_before, q.centroid_after), id(g), id(q), g, q))  # type: ignore[arg-type]
    replaced: dict[int, TrackedObject] = {}
    used: set[int] = set()
    for *_, g, q in sorted(scored, key=lambda t: t[:4]):
        if id(g) in replaced or id(q) in used:
            continue
        assert g.bbox_before is not None and g.centroid_before is not None and q.centroid_after is not None
        # A fall is a drop: more below than aside, and by more than 3 lengths (4.4 (1)).
        below = q.centroid_after[1] - g.centroid_before[1] >= abs(q.centroid_after[0] - g.centroid_before[0])
        fell = below and _fell(g.bbox_before, g.centroid_before, q.centroid_after, cfg)
        if fell and ((frames is not None and not _landed_alike(g.bbox_before, q.bbox_after, frames, cfg))  # type: ignore[arg-type]
                     or (units is not None and _over_shelving(q.bbox_after, units))):  # type: ignore[arg-type]
            continue
        used.add(id(q))
        replaced[id(g)] = replace(g, bbox_after=q.bbox_after, centroid_after=q.centroid_after, fell=fell)
    return [replaced.get(id(o), o) for o in objects if id(o) not in used]


def _landed_alike(before: tuple[int, int, int, int], after: tuple[int, int, int, int], frames: _Frames,
                  cfg: Config) -> bool:
    """Whether what stood at ``before`` in the pre frame lies at ``after`` in the post frame,
    upright or turned a quarter either way (what falls often lands on its side): its silhouette
    (the frames' object masks in the boxes, less what is thinner than a line (4.2.3) where a
    body is left, laid on each other at their centroids) overlaps the
    other's by at least ``match_min_area_ratio`` of their union (the areas' own test, 4.2.3,
    on the shapes), or its look is found there (the box grown by half the object's length each
    way, for the segmentation's cut): a masked correlation of at least ``same_object_ncc``. A
    plain look (nothing to correlate) is judged by the silhouette alone."""
    x, y, w, h = before
    m = frames.pre.mask[y:y + h, x:x + w] > 0
    ax, ay, aw, ah = after
    landed = frames.post.mask[ay:ay + ah, ax:ax + aw] > 0
    if not m.any() or not landed.any():
        return True
    # Their bodies: what is thinner than a line (4.2.3) is not the object (the piece of shelf
    # board welded to a bottle's foot, the seam its shadow touched).
    line = cfg.movement.max_line_width_px
    body, landed_body = (_opened(a.astype(np.uint8), line) > 0 for a in (m, landed))
    if body.any() and landed_body.any():
        m_shape, landed_shape = body, landed_body
    else:
        m_shape, landed_shape = m, landed
    if any(_silhouette_iou(np.rot90(m_shape, k), landed_shape) >= cfg.movement.match_min_area_ratio for k in (0, 1, 3)):
        return True
    look = frames.pre_smooth[y:y + h, x:x + w]
    inner = inside_of(m)
    if is_plain(look[inner] if inner.any() else look[m]):
        return False
    pad = max(w, h) // 2
    H, W = frames.post_smooth.shape
    window = frames.post_smooth[max(0, ay - pad):min(H, ay + ah + pad), max(0, ax - pad):min(W, ax + aw + pad)]
    for k in (0, 1, 3):
        template, tmask = np.rot90(look, k), np.rot90(m, k).astype(np.uint8)
        if window.shape[0] < template.shape[0] or window.shape[1] < template.shape[1]:
            continue
        if best_score(window, np.ascontiguousarray(template), np.ascontiguousarray(tmask)) >= cfg.movement.same_object_ncc:
            return True
    return False


def _silhouette_iou(a: NDArray[np.bool_], b: NDArray[np.bool_]) -> float:
    """Intersection over union of two masks laid on each other at their centroids."""
    (ay, ax), (by, bx) = (np.argwhere(m).mean(axis=0) for m in (a, b))
    dy, dx = int(np.rint(ay - by)), int(np.rint(ax - bx))  # where b's corner lies in a's frame
    top, left = min(0, dy), min(0, dx)
    hh = max(a.shape[0], dy + b.shape[0]) - top
    ww = max(a.shape[1], dx + b.shape[1]) - left
    ca, cb = np.zeros((hh, ww), bool), np.zeros((hh, ww), bool)
    ca[-top:-top + a.shape[0], -left:-left + a.shape[1]] = a
    cb[dy - top:dy - top + b.shape[0], dx - left:dx - left + b.shape[1]] = b
    union = int((ca | cb).sum())
    return int((ca & cb).sum()) / union if union else 0.0


# An object that left or arrived keeps the unchanged pixels of its mask within 4 px of its
# changed ones: its outline ring, which the 3x3 smoothing and JPEG blur towards what is behind
# (twice the 5x5 opening's reach that cleans the parts).
_OUTLINE_REACH = np.ones((9, 9), np.uint8)


def _parts_changed(whole: _Candidate, frames: _Frames, cfg: Config, first_label: int, *,
                   post_side: bool = False) -> list[_Candidate]:
    """Object-sized parts of a changed object that stayed in place, present in its own frame's
    mask and absent from the other's: a bottle taken off a shelf that the segmentation had
    welded to the wall's picture frame leaves the welded blob in place, minus the bottle.

    Only what changed in place left or arrived: such a part is its changed pixels (holes filled:
    a plain inside may match what is behind it) and what of the mask difference lies within
    :data:`_OUTLINE_REACH` of them. A shelf board welded to the vase that fell from it, and cut
    off with it from the other frame's mask (alone, it is a line), is still there; vase and
    board together would be sized as light furniture."""
    if whole.label >= 1 << 20:  # a part of a blob already (no component mask of its own)
        return []
    own, other = (frames.post, frames.pre) if post_side else (frames.pre, frames.post)
    own_gray, other_gray = (frames.post_gray, frames.pre_gray) if post_side else (frames.pre_gray, frames.post_gray)
    own_s, other_s = (frames.post_smooth, frames.pre_smooth) if post_side else (frames.pre_smooth, frames.post_smooth)
    x, y, w, h = whole.box
    m, _ = own.components.mask(whole.label)
    part = (m & ~(other.mask[y:y + h, x:x + w] > 0)).astype(np.uint8) * np.uint8(255)
    changed = cv2.absdiff(own_s[y:y + h, x:x + w], other_s[y:y + h, x:x + w]) > cfg.movement.saliency_diff_binarize
    changed = changed.astype(np.uint8) & part
    part &= cv2.dilate(fill_holes(changed * np.uint8(255)), _OUTLINE_REACH)
    part = cv2.morphologyEx(part, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    if not part.any():
        return []
    out = []
    comps = label_components(part)
    labels = comps.labels
    for c in _blobs_of(comps, frames.regions, cfg, offset=(x, y)):
        cm = labels[c.box[1] - y:c.box[1] - y + c.box[3], c.box[0] - x:c.box[0] - x + c.box[2]] == c.label
        if box_ncc(own_gray, other_gray, c.box, mask=cm) < cfg.movement.unchanged_ncc and not (
                c.object_class in ("furniture", "heavy_furniture") and _mostly_unchanged(c.box, cm, own_gray, other_gray, cfg)):
            out.append(replace(c, label=first_label + len(out), high=whole.high))
    return out


def _mostly_still(a: NDArray[np.uint8], b: NDArray[np.uint8], mask: NDArray[np.bool_], cfg: Config) -> bool:
    """Whether most (``still_there_fraction``) of the ``mask`` pixels of two smoothed crops are
    within half the change level of each other: unchanged in place."""
    d = cv2.absdiff(a, b)[mask]
    return float((d <= cfg.movement.saliency_diff_binarize // 2).mean()) >= cfg.movement.still_there_fraction


def _mostly_unchanged(box: tuple[int, int, int, int], mask: NDArray[np.bool_], a: NDArray[np.uint8],
                      b: NDArray[np.uint8], cfg: Config) -> bool:
    """Whether most (``still_there_fraction``) of the ``mask`` pixels in ``box`` are unchanged in
    place between frames ``a`` and ``b`` (3x3 box-smoothed, within half the change level), as
    :func:`_pixels_still_there` reads a whole object. A furniture-sized part of a blob that left
    or arrived changed most pixels it covers; a patch of wall that the segmentation took in only
    in one frame (the light on it changed) did not, though its correlation, over little more
    than noise and a faint gradient, may be low. (Goods that slid a little along a shelf change
    only at their ends: small parts are judged by correlation alone.)"""
    x, y, w, h = box
    return _mostly_still(smooth(a[y:y + h, x:x + w]), smooth(b[y:y + h, x:x + w]), mask, cfg)


Shift = tuple[int, int]


def _split_welded(cands: list[_Candidate], frames: _Frames, cfg: Config, *, post_side: bool = False,
                  ) -> tuple[list[_Candidate], list[_Candidate], list[tuple[_Candidate, Shift]]]:
    """Changed objects cut into the part that moved and the part that stayed (:mod:`.welded`).

    Returns the candidates left whole (to be paired by area), the static parts, and the moving
    parts with their shift to the other frame (their partner is known: no pairing needed).
    """
    mv = cfg.movement
    own, other = (frames.post, frames.pre) if post_side else (frames.pre, frames.post)
    own_s, other_s = (frames.post_smooth, frames.pre_smooth) if post_side else (frames.pre_smooth, frames.post_smooth)
    own_raw = frames.post_gray if post_side else frames.pre_gray
    whole: list[_Candidate] = []
    held: list[_Candidate] = []
    moved: list[tuple[_Candidate, Shift]] = []
    for c in cands:
        if c.label >= 1 << 20:  # parts of _parts_changed have no component mask
            whole.append(c)
            continue
        x, y = c.box[:2]
        m, _ = own.components.mask(c.label)
        split = motion_split(m, c.box, own_s, other_s, reach_lengths=mv.shift_pair_reach,
                             level=mv.saliency_diff_binarize, min_static_px=cfg.classify.smallest_object_area,
                             min_ncc=mv.unchanged_ncc, own_raw=own_raw, other_objects=other.mask,
                             max_island_px=int(cfg.classify.for_region(c.region).small_objects.hi))
        if split is None or float(np.hypot(*split.shift)) <= mv.moved_min_displacement_px:
            whole.append(c)
            continue
        static = _split_pieces(split.static, (x, y), frames, cfg)
        if not static:  # what stayed is no object (a floor patch, a seam): the blob moved whole
            whole.append(c)
            continue
        # What stayed is a wall feature, as a candidate would be (a window a cabinet stood before).
        held += [replace(p, high=c.high, changed=False) for p in static
                 if p.object_class == "small_objects"
                 or not frames.on_wall(_piece_body(p, split.static, (x, y), cfg), cfg)]
        moved += [(replace(p, high=c.high), split.shift) for p in _split_pieces(split.moving, (x, y), frames, cfg)]
    return whole, held, moved


def _piece_body(piece: _Candidate, part: NDArray[np.bool_], origin: tuple[int, int],
                cfg: Config) -> tuple[int, int, int, int]:
    """The body box (:func:`_body_box`) of a piece of a split blob's ``part`` (box-sized mask at
    ``origin``), as a candidate's wall test reads it."""
    px, py, pw, ph = piece.box
    ox, oy = origin
    return _body_box(part[py - oy:py - oy + ph, px - ox:px - ox + pw], piece.box, cfg)


def _split_pieces(part: NDArray[np.bool_], origin: tuple[int, int], frames: _Frames, cfg: Config) -> list[_Candidate]:
    """The object-sized pieces of one part of a split blob (its box-sized mask, the blob's box
    at ``origin``), classed as candidates are: on the shelving, goods (:func:`_as_goods`)."""
    comps = label_components(part.astype(np.uint8) * np.uint8(255))
    pieces = _blobs_of(comps, frames.regions, cfg, offset=origin)
    if frames.units is None:
        return pieces
    return [replace(p, object_class=_as_goods(p.object_class, frames.units, p.box, comps.mask(p.label)[0], cfg))
            for p in pieces]


def _shifted_box(box: tuple[int, int, int, int], d: Shift) -> tuple[int, int, int, int]:
    return box[0] + d[0], box[1] + d[1], box[2], box[3]


def _tracked_by_shift(c: _Candidate, d: Shift, path: Path, cfg: Config, *, seen_after: bool = False) -> TrackedObject:
    """A moved object found by its shift ``d`` from the frame it was seen in: the pre frame, or
    the post frame (``seen_after``, ``d`` then leads back to where it stood); a fall when it
    dropped over 3 lengths (4.4 (1))."""
    moved_box = _shifted_box(c.box, d)
    moved_c = (c.centroid[0] + d[0], c.centroid[1] + d[1])
    before, c_before, after, c_after = (moved_box, moved_c, c.box, c.centroid) if seen_after else \
        (c.box, c.centroid, moved_box, moved_c)
    return TrackedObject(c.object_class, c.region, c.area, before, after, c_before, c_after, True,
                         _fell(before, c_before, c_after, cfg), path)


def _unmoved(c: _Candidate, path: Path) -> TrackedObject:
    return TrackedObject(c.object_class, c.region, c.area, c.box, c.box, c.centroid, c.centroid, False, False, path)


def _moved_whole(g: _Candidate, q: _Candidate, frames: _Frames, cfg: Config) -> bool:
    """Whether a pre object paired with a post one moved as a whole: most of its pixels agree
    (smoothed frames within half the change level) with the post frame at the centroids' shift.
    A blob welded to something that stayed (a cabinet before a door) is paired with a blob of
    the same size when the weld survives the move, but only part of it moved."""
    if g.label >= 1 << 20:  # parts of _parts_changed have no component mask
        return True
    m, _ = frames.pre.components.mask(g.label)
    d = (round(q.centroid[0] - g.centroid[0]), round(q.centroid[1] - g.centroid[1]))
    return _agreement(g.box, m, d, frames, cfg) >= cfg.movement.still_there_fraction


def _agreement(box: tuple[int, int, int, int], mask: NDArray[np.bool_], d: Shift, frames: _Frames, cfg: Config) -> float:
    """Share of the pre frame's pixels under ``mask`` (box-sized) that agree with the post frame
    ``d`` (dx, dy) away: smoothed frames within half the change level (0 off the frame)."""
    x, y, w, h = box
    at, valid = shifted_crop(frames.post_smooth, box, d)
    agree = valid & (np.abs(frames.pre_smooth[y:y + h, x:x + w].astype(np.int16) - at)
                     <= cfg.movement.saliency_diff_binarize // 2)
    return float(agree[mask].mean()) if mask.any() else 0.0


def _mostly_inside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether at least half of box ``a`` lies in box ``b``."""
    return 2 * overlap_area(a, b) >= a[2] * a[3]


def _same_shape(a: _Candidate, b: _Candidate, cfg: Config) -> bool:
    """Whether two boxes have the same size: within a tenth of the side, or the segmentation's
    jitter (``moved_min_displacement_px``) for small boxes."""
    tol = cfg.movement.moved_min_displacement_px
    return all(abs(u - v) <= max(tol, 0.1 * max(u, v)) for u, v in ((a.box[2], b.box[2]), (a.box[3], b.box[3])))


def _welded_moves(gone: list[_Candidate], appeared: list[_Candidate], frames: _Frames, cfg: Config,
                  ) -> tuple[list[_Candidate], list[_Candidate], list[TrackedObject]]:
    """:func:`_split_welded` on both sides: the moving parts found from either frame (once), the
    static parts of pre blobs (objects that did not move; those of post blobs are the same things,
    counted from the pre frame), and what is left to pair. A whole blob holding the other side's
    moving part is that weld seen from one side only: a post one is dropped (its static part is
    counted in the pre frame), a pre one stays in place (its moving part is counted already),
    unless it is the moving part itself (its box where the part stood): then it is dropped too,
    not counted twice."""
    # The two sides' correlation searches (OpenCV, GIL released) run side by side.
    (gone, held, pre_moves), (appeared, _, post_moves) = side_by_side(
        lambda: _split_welded(gone, frames, cfg), lambda: _split_welded(appeared, frames, cfg, post_side=True))
    out = [_tracked_by_shift(p, d, "low", cfg) for p, d in pre_moves]
    destinations = [o.bbox_after for o in out]
    origins = []
    for q, d in post_moves:
        t = _tracked_by_shift(q, d, "low", cfg, seen_after=True)
        if any(_iou(t.bbox_before, p.box) >= cfg.movement.same_place_iou for p, _ in pre_moves):  # type: ignore[arg-type]
            continue
        origins.append(t.bbox_before)
        out.append(t)
    appeared = [q for q in appeared if not any(_mostly_inside(b, q.box) for b in destinations)]  # type: ignore[arg-type]
    for g in [g for g in gone if any(_mostly_inside(b, g.box) for b in origins)]:  # type: ignore[arg-type]
        gone.remove(g)
        # The pre blob is where the moving part stood: the part itself (counted already, as
        # moved), or a weld of it and what stayed (counted as not moved).
        if not any(_iou(b, g.box) >= cfg.movement.same_place_iou for b in origins):  # type: ignore[arg-type]
            held.append(g)
    return gone, appeared, out + [_unmoved(p, "low") for p in held]


def _low_path(pre_c: list[_Candidate], post_c: list[_Candidate], cfg: Config,
              pre_kps: KeypointSets | None, post_kps: KeypointSets | None,
              frames: _Frames | None = None) -> list[TrackedObject]:
    out: list[TrackedObject] = []
    gone: list[_Candidate] = []

    def partner(p: _Candidate, others: list[_Candidate]) -> _Candidate | None:  # at the same box and centroid
        return next((q for q in others if _iou(p.box, q.box) >= cfg.movement.same_place_iou
                     and _distance(p.centroid, q.centroid) <= cfg.movement.moved_min_displacement_px), None)

    def in_place(p: _Candidate, others: list[_Candidate]) -> bool:
        return partner(p, others) is not None

    # Objects still in place (their pixels unchanged as a whole, or a post object at the same
    # box) may have lost or gained a part (see _parts_changed).
    parts_gone: list[_Candidate] = []
    parts_new: list[_Candidate] = []
    if frames is not None:
        base = 1 << 20  # part labels never collide with component labels
        for p in pre_c:
            if not p.changed or in_place(p, post_c):
                parts_gone += _parts_changed(p, frames, cfg, base + len(parts_gone))
        for q in post_c:
            if not q.changed or in_place(q, pre_c):
                parts_new += _parts_changed(q, frames, cfg, 2 * base + len(parts_new), post_side=True)
    # Pixels changed (light, a neighbour's shadow) but the object is still where it was, and
    # still looks like itself: unchanged. One that no longer looks like itself there (its inside
    # correlates under ``same_object_ncc`` in place) was turned or tipped over where it stood:
    # moved, the stable-region check of 4.2 failing, though its box stayed; unless most of its
    # pixels and its outline are still there (what was welded to it changed, not it). A plain
    # object toppled in place loses its outline; a near-square one keeps it and is missed.
    if frames is not None:
        for p in [p for p in pre_c if p.changed and in_place(p, post_c)]:
            q = partner(p, post_c)
            assert q is not None
            if p.label >= _WELD_FRONT:
                # A wall feature's changed patch (_moved_before_wall_feature) in place in both
                # frames: the feature changed itself (a door swung open), nothing before it moved.
                pre_c = [c for c in pre_c if c is not p]
                post_c = [c for c in post_c if c is not q]
                continue
            if (_looks_the_same(p, frames, cfg) or _mostly_still_there(p, frames, cfg)) \
                    and not _turned_in_place(p, frames, cfg):
                continue
            out.append(TrackedObject(p.object_class, p.region, p.area, p.box, q.box, p.centroid, q.centroid,
                                     True, False, "low"))
            pre_c = [c for c in pre_c if c is not p]
            post_c = [c for c in post_c if c is not q]
    pre_c = [replace(p, changed=False) if p.changed and in_place(p, post_c) else p for p in pre_c]
    for p in pre_c:
        if not p.changed:
            out.append(_unmoved(p, "low"))
        else:
            gone.append(p)
    if frames is not None:
        out += [_unmoved(q, "low") for q in post_c if _missed_before(q, frames)]
    # A changed post object lying on an unchanged pre object is that object, seen differently.
    still = [p for p in pre_c if not p.changed]
    appeared = [q for q in post_c if q.changed
                and not any(_iou(q.box, p.box) >= cfg.movement.same_place_iou for p in still)] + parts_new
    gone += parts_gone
    pairs = _pair_nearby(gone, appeared, cfg, pre_kps, post_kps)
    if frames is not None:
        # A changed blob may be a moved object welded to one that stayed (see .welded). Only
        # those the pairing leaves in doubt are searched: unpaired, or paired with a blob of
        # another shape (a rigid shift keeps the box's size).
        paired = {id(q) for _, q in pairs if q is not None}
        doubt = {id(c) for g, q in pairs if q is None or not _same_shape(g, q, cfg) or not _moved_whole(g, q, frames, cfg)
                 for c in (g, q) if c is not None}
        doubt |= {id(q) for q in appeared if id(q) not in paired}
        if doubt:
            rest_gone, rest_appeared, found = _welded_moves([g for g in gone if id(g) in doubt],
                                                            [q for q in appeared if id(q) in doubt], frames, cfg)
            if found:
                out += found
                gone = [g for g in gone if id(g) not in doubt] + rest_gone
                appeared = [q for q in appeared if id(q) not in doubt] + rest_appeared
                pairs = _pair_nearby(gone, appeared, cfg, pre_kps, post_kps)
    used: set[int] = set()
    for g, q in pairs:
        if q is None:
            if frames is not None and _mostly_still_there(g, frames, cfg):
                out += _stayed_but_parts_left(g, frames, cfg)
                continue
            out.append(TrackedObject(g.object_class, g.region, g.area, g.box, None, g.centroid, None, True, False, "low"))
            continue
        used.add(q.label)
        disp = _distance(g.centroid, q.centroid)
        same_place = _iou(g.box, q.box) >= cfg.movement.same_place_iou
        moved = disp > cfg.movement.moved_min_displacement_px or not same_place
        jitter = cfg.movement.moved_min_displacement_px
        if moved and frames is not None and (
                (_box_stayed(g.box, q.box, jitter) and _mostly_still_there(g, frames, cfg))
                or (same_place and disp <= 2 * jitter and _recut_in_place(g, q, frames, cfg))) \
                and not _turned_in_place(g, frames, cfg):
            # The blob's outline stayed while its mass shifted, or it was re-cut a few pixels off
            # in place (what is welded to it changed on another side): a member of a welded
            # group changed (left, or was joined by another), not the group.
            out += _stayed_but_parts_left(g, frames, cfg)
            continue
        out.append(TrackedObject(g.object_class, g.region, g.area, g.box, q.box, g.centroid, q.centroid,
                                 moved, moved and _fell(g.box, g.centroid, q.centroid, cfg), "low"))
    for q in appeared:
        if q.label in used:
            continue
        if frames is not None and _covered(q, frames.post, frames.pre, cfg):
            # The pre frame's objects there, welded into one blob: they are counted already,
            # and whichever of them changed is counted as gone (moved) by itself.
            continue
        if frames is not None and _landing_recut(q, out, frames, cfg):
            continue
        out.append(TrackedObject(q.object_class, q.region, q.area, None, q.box, None, q.centroid, True, False, "low"))
    return out


def _missed_before(q: _Candidate, frames: _Frames) -> bool:
    """Whether a post object is one the pre frame's segmentation missed: unchanged (its pixels
    correlate in place, so it stood there before), and the pre frame's object mask covers less
    than half of it (no pre component, object or not, holds it). A dark object on its own
    shadow can lose its outline's foot in one frame and not in the other; it stood in the room
    all along and is counted (the totals are of the pre frame's objects, 4.4), unmoved."""
    if q.changed or q.high or q.label >= 1 << 20 or q.object_class == "small_objects":
        return False
    boxes = frames.pre.components.boxes[frames.pre.labels]
    cx, cy = q.centroid
    if ((boxes[:, 0] <= cx) & (cx < boxes[:, 0] + boxes[:, 2]) & (boxes[:, 1] <= cy) & (cy < boxes[:, 1] + boxes[:, 3])).any():
        return False
    x, y, w, h = q.box
    m, _ = frames.post.components.mask(q.label)
    held = frames.pre.mask[y:y + h, x:x + w] > 0
    return 2 * int((held & m).sum()) < int(m.sum())


def _landing_recut(part: _Candidate, tracked: list[TrackedObject], frames: _Frames, cfg: Config) -> bool:
    """Whether a part a blob gained (:func:`_parts_changed`, post side) is where an object
    already tracked landed, cut differently: what of it lies outside the landing boxes of the
    objects tracked as moved there is too small to be an object or unchanged in place. A box
    pushed against the bottle beside it on a wall shelf welds to the bottle's blob in the post
    frame; the box is tracked by its shift, and the blob's new part is the box's near half and
    the wall between them, not an object that arrived."""
    if not 2 << 20 <= part.label < _WELD_FRONT:  # only the post side's parts (see _low_path)
        return False
    x, y, w, h = part.box
    landed = np.zeros((h, w), bool)
    for o in tracked:
        if not o.moved or o.bbox_after is None or o.bbox_before is None:
            continue
        ox, oy, ow, oh = o.bbox_after
        x0, y0, x1, y1 = max(x, ox), max(y, oy), min(x + w, ox + ow), min(y + h, oy + oh)
        if x0 < x1 and y0 < y1:
            landed[y0 - y:y1 - y, x0 - x:x1 - x] = True
    if not landed.any():
        return False
    gained = (frames.post.mask[y:y + h, x:x + w] > 0) & ~(frames.pre.mask[y:y + h, x:x + w] > 0)
    rest = gained & ~landed
    if rest.sum() < cfg.classify.smallest_object_area:
        return True
    return _mostly_unchanged(part.box, rest, frames.post_gray, frames.pre_gray, cfg)


def _stayed_but_parts_left(c: _Candidate, frames: _Frames, cfg: Config) -> list[TrackedObject]:
    """A pre object that is :func:`_mostly_still_there`, unmoved, and what left its blob (its
    object-sized parts gone from the post mask) as the objects that moved."""
    return [_unmoved(c, "low")] + [
        TrackedObject(p.object_class, p.region, p.area, p.box, None, p.centroid, None, True, False, "low")
        for p in _parts_changed(c, frames, cfg, 3 << 20)]  # labels apart from _low_path's parts


def _box_stayed(a: tuple[int, int, int, int], b: tuple[int, int, int, int], tolerance: float) -> bool:
    """Whether every side of box ``b`` lies within ``tolerance`` px of box ``a``'s."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return max(abs(ax - bx), abs(ay - by), abs(ax + aw - bx - bw), abs(ay + ah - by - bh)) <= tolerance


def _mostly_still_there(c: _Candidate, frames: _Frames, cfg: Config) -> bool:
    """Whether a pre object is in fact still where it stood: most of its pixels unchanged in
    place (smoothed frames within half the change level) and most of its outline still an edge
    in the post frame (of the rim pixels that were edges before).

    The segmentation welds neighbours, and a blob changes when one of them does: a wardrobe
    welded to a cabinet that moved away has no partner after; one whose cabinet moved along it
    keeps its box but not its centroid; one whose welded box changed its face no longer
    correlates with itself. An object cannot have gone, shifted or tipped over while most of it
    and its outline are still there; a plain object toppled where it stood keeps many pixels in
    place but not its outline, and still counts as moved.
    """
    if c.label >= 1 << 20:  # parts of _parts_changed are differences of masks: no outline of their own
        return False
    if not _pixels_still_there(c, frames, cfg):
        return False
    kept = _outline_kept(c, frames)
    return kept is not None and kept[0] >= cfg.movement.still_there_fraction


def _pixels_still_there(c: _Candidate, frames: _Frames, cfg: Config) -> bool:
    """Whether most of a pre object's pixels are unchanged in place (smoothed frames within half
    the change level)."""
    x, y, w, h = c.box
    m, _ = frames.pre.components.mask(c.label)
    return _mostly_still(frames.pre_smooth[y:y + h, x:x + w], frames.post_smooth[y:y + h, x:x + w], m, cfg)


_NEAR = np.ones((5, 5), np.uint8)  # an outline a segmentation's jitter (2 px) away is the same


def _outline_kept(c: _Candidate, frames: _Frames, *shifts: tuple[int, int]) -> list[float] | None:
    """For each shift (dx, dy), default only (0, 0): the share of a pre object's outline (its rim
    pixels that were edges before) that is an edge in the post frame that far away; None when it
    had no outline."""
    x, y, w, h = c.box
    m, _ = frames.pre.components.mask(c.label)
    mu = m.astype(np.uint8)
    rim = mu > cv2.erode(mu, _K3, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    had_edge = rim & (cv2.dilate(frames.pre.edges[y:y + h, x:x + w], _NEAR) > 0)
    if not had_edge.any():
        return None
    out = []
    for d in shifts or ((0, 0),):
        post, _ = shifted_crop(frames.post.edges, c.box, d)  # zero (no edge) off the frame
        out.append(float((cv2.dilate(post, _NEAR) > 0)[had_edge].mean()))
    return out


def _recut_in_place(g: _Candidate, q: _Candidate, frames: _Frames, cfg: Config) -> bool:
    """Whether a pre object paired in place with a post blob a few pixels off was only re-cut
    (a neighbour welded to it changed): still there (:func:`_mostly_still_there`) and its outline
    fits the post edges where it stood at least as well as where the centroid says it went. A
    plain object that slid a few pixels along its own length keeps most of its outline in place
    too, but fits better at the shift."""
    if g.label >= 1 << 20 or not _pixels_still_there(g, frames, cfg):
        return False
    d = (round(q.centroid[0] - g.centroid[0]), round(q.centroid[1] - g.centroid[1]))
    kept = _outline_kept(g, frames, (0, 0), d)
    return kept is not None and kept[0] >= cfg.movement.still_there_fraction and kept[0] >= kept[1]


def _turned_in_place(c: _Candidate, frames: _Frames, cfg: Config) -> bool:
    """Whether a pre object tipped over where it stood: its inside (:func:`.welded.inside_of`),
    turned a quarter either way, correlates with the post frame at least ``same_object_ncc``
    somewhere its new box can be (on the same foot, either side kept, within the segmentation's
    jitter twice), and better than it does unturned in place. A near-square cabinet on its side
    keeps its box, most of its pixels and its outline, and its face, unturned, may still
    correlate in part; turned, it is itself. False for a plain object (nothing to tell by)."""
    if c.label >= 1 << 20:
        return False
    x, y, w, h = c.box
    m, _ = frames.pre.components.mask(c.label)
    inside = inside_of(m)
    a = frames.pre_smooth[y:y + h, x:x + w]
    if int(inside.sum()) < cfg.movement.min_object_length_px or is_plain(a[inside]):
        return False
    in_place = ncc(a[inside], frames.post_smooth[y:y + h, x:x + w][inside])
    H, W = frames.post_smooth.shape
    tol = int(2 * cfg.movement.moved_min_displacement_px)
    best = -1.0
    for k in (1, 3):
        template = np.ascontiguousarray(np.rot90(a, k))
        th, tw = template.shape
        y0, y1 = max(0, y + h - th - tol), min(H, y + h + tol)
        x0, x1 = max(0, min(x, x + w - tw) - tol), min(W, max(x + w, x + tw) + tol)
        if y1 - y0 < th or x1 - x0 < tw:
            continue
        best = max(best, best_score(frames.post_smooth[y0:y1, x0:x1], template,
                                    np.ascontiguousarray(np.rot90(inside, k)).astype(np.uint8)))
    return best >= cfg.movement.same_object_ncc and best > in_place


def _looks_the_same(c: _Candidate, frames: _Frames, cfg: Config) -> bool:
    """Whether a pre object's inside (:func:`.welded.inside_of`) correlates at least
    ``same_object_ncc`` with the post frame in place (True when it has too little inside to tell,
    or no texture: light and shadow change a plain object's look without moving it)."""
    if c.label >= 1 << 20:  # a part (or a changed patch) has no component mask, no inside to tell by
        return True
    x, y, w, h = c.box
    m, _ = frames.pre.components.mask(c.label)
    inside = inside_of(m)
    if int(inside.sum()) < cfg.movement.min_object_length_px:
        return True
    a = frames.pre_gray[y:y + h, x:x + w][inside]
    if is_plain(a):
        return True
    return ncc(a, frames.post_gray[y:y + h, x:x + w][inside]) >= cfg.movement.same_object_ncc


def _covered(c: _Candidate, own: FrameObjects, other: FrameObjects, cfg: Config) -> bool:
    """Whether an unpaired object's pixels are mostly foreground in the other frame too: then it
    did not appear; the segmentation cut the same things differently (goods welded into one
    blob in one frame and not in the other)."""
    if c.label >= 1 << 20:  # parts are differences of the two masks by construction
        return False
    x, y, w, h = c.box
    m, _ = own.components.mask(c.label)
    return float((other.mask[y:y + h, x:x + w][m] > 0).mean()) >= cfg.movement.covered_fraction


# --------------------------------------------------------------------------------------------
# High complexity (4.3)
# --------------------------------------------------------------------------------------------


def density_binarize(edges: NDArray[np.uint8], *, config: Config | None = None) -> NDArray[np.uint8]:
    """Edge density -> 3-class exact K-means -> cluster centres scaled x255/9 -> 255 where below
    the threshold (background), 0 elsewhere (shelves, objects)."""
    cfg = config or DEFAULT_CONFIG
    density = edge_density(edges)
    km = histogram_kmeans(density, cfg.movement.kmeans_clusters)
    level = km.centres * (255.0 / 9.0)
    lut = np.where(level[km.lut] < cfg.movement.density_binarize, 255, 0).astype(np.uint8)
    return lut[density]


def _blobs(mask: NDArray[np.uint8], regions: DepthRegions, cfg: Config,
           offset: tuple[int, int] = (0, 0)) -> list[_Candidate]:
    """Object-sized blobs of a change mask, after the length and line screens (4.2.3) and the
    area classes (Table 1): a sliver along a shifted edge is a line, not an object. ``offset``
    places a mask cut from a larger frame (boxes and centroids come back in frame coordinates)."""
    return _blobs_of(label_components(mask), regions, cfg, offset)


def _blobs_of(comps: Components, regions: DepthRegions, cfg: Config,
              offset: tuple[int, int] = (0, 0), among: NDArray[np.bool_] | None = None) -> list[_Candidate]:
    """:func:`_blobs` of an already labelled mask (candidates keep the component labels), of the
    labels ``among`` marks only when given (a bool per label)."""
    mv = cfg.movement
    keep = screen_components(comps, min_length=mv.min_object_length_px, max_line_width=mv.max_line_width_px,
                             line_elongation=mv.line_elongation)
    if among is not None:
        keep = keep & among
    out = []
    ox, oy = offset
    for lab in np.nonzero(keep)[0]:
        x, y, w, h = (int(v) for v in comps.boxes[lab])
        x, y = x + ox, y + oy
        m, off = comps.mask(int(lab))
        region = object_placement(m, regions, offset=(off[0] + ox, off[1] + oy)).region
        cls = classify_area(float(comps.areas[lab]), region, config=cfg.classify)
        if cls not in OBJECT_CLASSES:
            continue
        cx, cy = float(comps.centroids[lab][0]) + ox, float(comps.centroids[lab][1]) + oy
        out.append(_Candidate(int(lab), cls, region, int(comps.areas[lab]), (x, y, w, h), (cx, cy), True, True))  # type: ignore[arg-type]
    return out


@dataclass(frozen=True)
class HighChanges:
    """What changed in the high-complexity regions (4.3): fallen objects (new foreground
    outside the shelf area, density path) and moving ones (saliency difference)."""

    fallen: list[_Candidate]
    moving: list[_Candidate]


def shelf_area(pre_edges: NDArray[np.uint8], *, config: Config | None = None) -> NDArray[np.bool_]:
    """Where the shelving is (4.3): the clustering divides the image into background, shelves and
    fallen objects, and the shelf area is where the pre frame's dense foreground lies close
    together (closed by ``shelf_area_kernel``)."""
    cfg = config or DEFAULT_CONFIG
    k = cfg.movement.shelf_area_kernel
    dense = (density_binarize(pre_edges, config=cfg) == 0).astype(np.uint8)
    return cv2.morphologyEx(dense, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8)) > 0


def shelving_units(shelf: NDArray[np.bool_], regions: DepthRegions, cfg: Config) -> NDArray[np.bool_]:
    """The parts of the shelf area (:func:`shelf_area`) that are shelving: its connected parts
    larger than Table 1's largest heavy furniture in the depth region of their lowest point. A
    textured stool on the floor is dense foreground too, closed into an island of its own, no
    larger than itself: goods stand on shelving, a unit larger than any one object."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(shelf.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        keep[i] = larger_than_any_object(area, (x, y, w, h), regions, cfg)
    return keep[labels]


def high_changes(pre_edges: NDArray[np.uint8], post_edges: NDArray[np.uint8], pre_saliency: NDArray[np.uint8],
                 post_saliency: NDArray[np.uint8], high_mask: NDArray[np.bool_], regions: DepthRegions,
                 cfg: Config, shelf: NDArray[np.bool_] | None = None, *,
                 units: NDArray[np.bool_] | None = None) -> HighChanges:
    """Changed blobs of the high-complexity regions (4.3).

    The paper runs the saliency difference only when no fall was found. Both are run here: a
    quake that drops goods also shifts others on the shelves, and the moved fractions that
    decide VIII from IX need those shifts; a saliency blob on a fallen object is not counted
    twice. ``shelf`` (:func:`shelf_area`) and ``units`` (:func:`shelving_units` of it) are made
    here when not given.
    """
    roi = high_mask.astype(np.uint8) * np.uint8(255)
    b_post = density_binarize(post_edges, config=cfg)
    # A fallen object is new foreground in the post frame outside the shelf area; goods shifting
    # on a shelf stay inside it. The shelf area holds all of the pre frame's foreground (a
    # closing only adds), so outside it the pre frame is background.
    shelf = shelf_area(pre_edges, config=cfg) if shelf is None else shelf
    # Filled over the whole frame, then kept where the blob's centroid lies in the high area (as
    # candidates are assigned to a path): the area's edge runs along its blocks, and a box that
    # fell across it had its outline cut open there and stayed an unfilled ring.
    diff = fill_holes(((b_post == 0) & ~shelf).astype(np.uint8) * np.uint8(255))
    diff = cv2.morphologyEx(diff, cv2.MORPH_OPEN, _K3)
    diff = cv2.morphologyEx(diff, cv2.MORPH_CLOSE, _K3)
    arrived = label_components(diff)
    inside = np.zeros(len(arrived.areas), bool)
    cx = np.minimum(arrived.centroids[1:, 0].astype(np.intp), roi.shape[1] - 1)
    cy = np.minimum(arrived.centroids[1:, 1].astype(np.intp), roi.shape[0] - 1)
    inside[1:] = roi[cy, cx] > 0
    diff = np.where(inside[arrived.labels], diff, 0).astype(np.uint8)
    units = shelving_units(shelf, regions, cfg) if units is None else units
    # What fell lies on the floor, under the shelving: a blob with a shelving unit under most of
    # its columns is goods standing out of the shelf area (a bottle toppled on a board), above
    # the floor.
    fallen = [c for c in _blobs_of(arrived, regions, cfg, among=inside) if not _over_shelving(c.box, units)]
    sal = cv2.absdiff(pre_saliency, post_saliency)
    moving = np.where(sal > cfg.movement.saliency_diff_binarize, 255, 0).astype(np.uint8) & roi
    moving = cv2.erode(moving, _K3)
    k = cfg.movement.saliency_close_kernel
    moving = fill_holes(cv2.morphologyEx(moving, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8)))
    moving &= ~diff
    comps = label_components(moving)
    blobs = [replace(c, object_class=_as_goods(c.object_class, units, c.box, comps.mask(c.label)[0], cfg))
             for c in _blobs_of(comps, regions, cfg)]
    return HighChanges(fallen, blobs)


def _over_shelving(box: tuple[int, int, int, int], units: NDArray[np.bool_]) -> bool:
    """Whether a shelving unit lies under most of the columns of ``box`` (below its bottom)."""
    x, y, w, h = box
    below = units[y + h:, x:x + w]
    return below.size > 0 and 2 * int(below.any(axis=0).sum()) > w


def _high_path(pre_c: list[_Candidate], changes: HighChanges, cfg: Config,
               frames: _Frames | None = None, post_c: list[_Candidate] | None = None) -> list[TrackedObject]:
    out: list[TrackedObject] = []
    hits: dict[int, list[int]] = {}  # pre candidate label -> labels of the change blobs it claims
    hit_pre: list[_Candidate] = []
    for p in pre_c:
        hit = [c for c in changes.moving if _iou(p.box, c.box) > 0 or _contains(p.box, c.centroid)]
        moved = bool(hit) and p.changed
        gone = post_c is not None and p.changed and not any(_iou(p.box, q.box) > 0 for q in post_c)
        if moved or gone:  # gone: nothing left where it stood (4.2.3), saliency or not
            hits[p.label] = [c.label for c in hit]
            hit_pre.append(p)
            continue
        if (p.changed and p.object_class != "small_objects" and frames is not None
                and _turned_in_place(p, frames, cfg)):
            # Tipped over where it stood: both frames show a salient object there, and the
            # saliency difference is weak; its look, turned a quarter, is there (as on the low path).
            out.append(TrackedObject(p.object_class, p.region, p.area, p.box, p.box, p.centroid, p.centroid,
                                     True, False, "high"))
            continue
        out.append(_unmoved(p, "high"))
    if frames is not None and hit_pre:
        # Goods welded into one blob on a shelf: only the part that moved counts (see .welded).
        hit_pre, held, moves = _split_welded(hit_pre, frames, cfg)
        out += [_unmoved(p, "high") for p in held]
        out += [_tracked_by_shift(p, d, "high", cfg) for p, d in moves]
        # Left whole and not gone, a furniture-sized blob whose change is all goods-sized stayed.
        stayed = [p for p in hit_pre if post_c is not None and any(_iou(p.box, q.box) > 0 for q in post_c)
                  and _changed_only_goods(p, frames, cfg)]
        out += [_unmoved(p, "high") for p in stayed]
        for p in stayed:  # its change blobs are the goods that moved: counted below
            del hits[p.label]
        hit_pre = [p for p in hit_pre if p not in stayed]
    claimed = {lab for labs in hits.values() for lab in labs}
    out += [TrackedObject(p.object_class, p.region, p.area, p.box, None, p.centroid, None, True, False, "high")
            for p in hit_pre]
    for c in changes.fallen:  # where it came from is found, if at all, by _pair_far
        out.append(TrackedObject(c.object_class, c.region, c.area, None, c.box, None, c.centroid, True, True, "high"))
    # A shifted object leaves two blobs (where it was, where it is): pair them by area.
    for g, q in _pair_blobs([c for c in changes.moving if c.label not in claimed], cfg):
        landed = _arrival(g, frames, cfg) if q is None and frames is not None else None
        if landed is not None:
            # Alone, on an object of the post frame where the pre frame shows none: something
            # arrived there (a good fallen from the shelving, that the edge density missed),
            # sized as the post frame segments it (the saliency blob is eroded); where from is
            # found, if at all, by _pair_far.
            out.append(TrackedObject(landed.object_class, landed.region, landed.area, None, landed.box, None,
                                     landed.centroid, True, False, "high"))
            continue
        after = q if q is not None else g
        out.append(TrackedObject(g.object_class, g.region, g.area, g.box, after.box, g.centroid, after.centroid,
                                 True, False, "high"))
    return out


def _arrival(blob: _Candidate, frames: _Frames, cfg: Config) -> _Candidate | None:
    """The post frame's object under a saliency blob's centroid, as a candidate, when it lies
    off the shelving (no unit under it, as 4.3's fallen objects lie outside the shelf area),
    the pre frame's object mask covers under ``arrival_pre_cover`` of it (something that was not
    there before lies there now), and its area gives the blob's own class (Table 1; a bigger class is
    a weld, not what arrived). None otherwise."""
    if frames.units is not None and _over_shelving(blob.box, frames.units):
        return None
    comps = frames.post.components
    cx, cy = (min(int(v), s - 1) for v, s in zip(blob.centroid, comps.labels.shape[::-1]))
    lab = int(comps.labels[cy, cx])
    if lab == 0 or not frames.post.is_object[lab]:
        return None
    x, y, w, h = (int(v) for v in comps.boxes[lab])
    m, _ = comps.mask(lab)
    if float((frames.pre.mask[y:y + h, x:x + w][m] > 0).mean()) >= cfg.movement.arrival_pre_cover:
        return None
    area = int(comps.areas[lab])
    cls = classify_area(float(area), blob.region, config=cfg.classify)
    if cls != blob.object_class:
        return None
    return _Candidate(lab, cls, blob.region, area, (x, y, w, h),  # type: ignore[arg-type]
                      (float(comps.centroids[lab][0]), float(comps.centroids[lab][1])), True, blob.high)


def _changed_only_goods(c: _Candidate, frames: _Frames, cfg: Config) -> bool:
    """Whether a furniture-sized pre object changed only in goods-sized islands: no connected
    patch of its pixels that changed in place (smoothed frames beyond half the change level, as
    :func:`_pixels_still_there` reads them) is bigger than a small object of its depth region
    (Table 1).

    Furniture that went, toppled or slid leaves its whole vacated part changed, one patch at
    least a light furniture's size; a shelving bay that the segmentation took for furniture
    changes only where goods on it shifted, each of them a small object (4.3), and has not moved
    (its goods' change blobs count instead).
    """
    if c.object_class not in ("furniture", "heavy_furniture") or c.label >= 1 << 20:
        return False
    m, _ = frames.pre.components.mask(c.label)
    n, _, stats, _ = _changed_patches(c.box, m, frames, cfg)
    largest = int(stats[1:, cv2.CC_STAT_AREA].max()) if n > 1 else 0
    return classify_area(float(largest), c.region, config=cfg.classify) in ("noise", "small_objects")


def _changed_patches(box: tuple[int, int, int, int], mask: NDArray[np.bool_], frames: _Frames, cfg: Config,
                     ) -> tuple[int, NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
    """``cv2.connectedComponentsWithStats`` (8-connectivity, box coordinates) of the pixels of
    an object (its ``box``-sized ``mask``) that changed in place: smoothed frames beyond half the
    change level, as :func:`_pixels_still_there` reads them."""
    x, y, w, h = box
    d = cv2.absdiff(frames.pre_smooth[y:y + h, x:x + w], frames.post_smooth[y:y + h, x:x + w])
    changed = ((d > cfg.movement.saliency_diff_binarize // 2) & mask).astype(np.uint8)
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(changed, connectivity=8)
    return int(n), labels, stats, centroids


def _moved_before_wall_feature(c: _Candidate, mask: NDArray[np.bool_], body: tuple[int, int, int, int],
                               rows: tuple[int | None, int | None], other: FrameObjects, frames: _Frames,
                               cfg: Config) -> _Candidate | None:
    """What moved before a wall feature that stands on the wall line (a door), welded to it in
    one changed blob ``c`` (its ``mask``; ``body``: :func:`_body_box`; ``rows``:
    :meth:`_Frames.wall_rows` beside it): its largest patch of pixels changed in place
    (:func:`_changed_patches`), classed by its area (Table 1), when that is larger than a small
    object and the ``other`` frame shows there the room or the same blob (in place, on the same
    foot). A door does not move: what changed there stood before it, welded to it in both frames.

    None otherwise. A blob that hangs (its wall line further under it than the foot's tolerance:
    a wall shelf, a picture) or lies on or over the shelving changed by its goods, each a small
    object (4.3), as does one whose change is goods-sized (a vase at a door's foot). Where the
    other frame shows another object over the patch, or the door welded to one standing further
    out, that object moved across the door, and counts itself.

    The patch is the object's vacated or covered part (a chair toppled before a door; a side table
    standing flush with the wall line, which reads as a wall feature, when it moved), sized as
    such and tracked by its centroid; its label is offset past the component labels. Found in
    place in both frames, it is the feature's own change (a door swung open): ``_low_path`` drops
    it."""
    tolerance = _foot_tolerance(cfg)
    if not any(r is not None and r <= body[1] + body[3] + tolerance for r in rows):
        return None
    x, y, w, h = c.box
    if frames.units is not None and (_over_shelving(c.box, frames.units) or float(
            frames.units[y:y + h, x:x + w][mask].mean()) >= cfg.movement.goods_on_shelf_fraction):
        return None  # a shelf's row of goods, its board read as a wall line
    n, labels, stats, centroids = _changed_patches(c.box, mask, frames, cfg)
    if n < 2:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    area = int(stats[i, cv2.CC_STAT_AREA])
    cls = classify_area(float(area), c.region, config=cfg.classify)
    if cls not in OBJECT_CLASSES or cls == "small_objects":
        return None
    there = np.bincount(other.components.labels[y:y + h, x:x + w][labels == i])
    shown = int(np.argmax(there))
    if shown:
        box = tuple(int(v) for v in other.components.boxes[shown])
        if _iou(box, c.box) < cfg.movement.same_place_iou or abs(box[1] + box[3] - y - h) > tolerance:  # type: ignore[arg-type]
            return None
    px, py, pw, ph = (int(v) for v in stats[i, :4])
    return replace(c, label=_WELD_FRONT + c.label, object_class=cls, area=area,  # type: ignore[arg-type]
                   box=(x + px, y + py, pw, ph), centroid=(x + float(centroids[i][0]), y + float(centroids[i][1])))


def _contains(box: tuple[int, int, int, int], pt: tuple[float, float]) -> bool:
    return box[0] <= pt[0] < box[0] + box[2] and box[1] <= pt[1] < box[1] + box[3]


def _pair_blobs(blobs: list[_Candidate], cfg: Config) -> list[tuple[_Candidate, _Candidate | None]]:
    left = sorted(blobs, key=lambda c: -c.area)
    pairs: list[tuple[_Candidate, _Candidate | None]] = []
    while left:
        g = left.pop(0)
        reach = cfg.movement.shift_pair_reach * max(g.box[2], g.box[3])
        near = [q for q in left if min(g.area, q.area) / max(g.area, q.area) >= cfg.movement.match_min_area_ratio
                and _distance(g.centroid, q.centroid) <= reach]
        if near:
            q = min(near, key=lambda q: _distance(g.centroid, q.centroid))
            left.remove(q)
            pairs.append((g, q))
        else:
            pairs.append((g, None))
    return pairs


# --------------------------------------------------------------------------------------------


def detect_movement(pre_gray: NDArray[np.uint8], post_gray: NDArray[np.uint8], pre_objects: FrameObjects,
                    post_objects: FrameObjects, *, pre_saliency: NDArray[np.uint8], post_saliency: NDArray[np.uint8],
                    high_mask: NDArray[np.bool_], regions: DepthRegions, config: Config | None = None,
                    pre_keypoints: KeypointSets | None = None, post_keypoints: KeypointSets | None = None,
                    exclude: NDArray[np.bool_] | None = None,
                    shelving: tuple[NDArray[np.bool_], NDArray[np.bool_]] | None = None) -> MovementResult:
    """Track every object between the registered, cropped frames (4.2, 4.3, mixed).

    Parameters
    ----------
    pre_gray, post_gray : (H, W) uint8
        Enhanced frames, the post one registered to the pre one, both cropped alike.
    pre_objects, post_objects : FrameObjects
        :func:`segment_objects` of each.
    pre_saliency, post_saliency : (H, W) uint8
        Saliency images (2.1.4), registered and cropped alike.
    high_mask : (H, W) bool
        Where the image is high-complexity (all False for a low-complexity image).
    regions : DepthRegions
        Depth regions of the crop (``origin`` = the crop's corner).
    pre_keypoints, post_keypoints : ((n, 2) float, (n, d) uint8), optional
        AKAZE points (crop coordinates) and descriptors, to break ties between equal areas.
    exclude : (H, W) bool, optional
        Where people were removed (2.4), either frame: candidate objects largely under it and
        change blobs inside it are ignored.
    shelving : ((H, W) bool, (H, W) bool), optional
        :func:`shelf_area` of the pre frame's edges and its :func:`shelving_units`, when made
        already (the pipeline makes them for a mixed image's segmentation); made here otherwise.
    """
    cfg = config or DEFAULT_CONFIG
    if exclude is not None and exclude.shape != pre_gray.shape:
        raise InputError(f"exclude mask shape {exclude.shape} differs from the frames' {pre_gray.shape}")
    if shelving is not None:
        shelf, units = shelving
    else:
        shelf = shelf_area(pre_objects.edges, config=cfg) if high_mask.any() else None
        units = shelving_units(shelf, regions, cfg) if shelf is not None else None
    frames = _Frames(pre_objects, post_objects, pre_gray, post_gray, regions, units)
    pre_c = _candidates(pre_objects, regions, pre_gray, post_gray, high_mask, cfg, exclude, frames)
    post_c = _candidates(post_objects, regions, pre_gray, post_gray, high_mask, cfg, exclude, frames,
                         post_side=True)
    pre_c, post_c = _unmatched_changed(pre_c, post_c, cfg), _unmatched_changed(post_c, pre_c, cfg)
    objects = _low_path([c for c in pre_c if not c.high], [c for c in post_c if not c.high], cfg,
                        pre_keypoints, post_keypoints, frames)
    if high_mask.any():
        roi = high_mask if exclude is None else high_mask & ~exclude
        changes = high_changes(pre_objects.edges, post_objects.edges, pre_saliency, post_saliency,
                               roi, regions, cfg, shelf, units=units)
        objects += _high_path([c for c in pre_c if c.high], changes, cfg, frames, [c for c in post_c if c.high])
    objects = _pair_far(objects, cfg, pre_keypoints, post_keypoints, frames, units)
    return MovementResult(_track_gone(_trace_appeared(objects, frames, cfg), frames, cfg))


def _track_gone(objects: list[TrackedObject], frames: _Frames, cfg: Config) -> list[TrackedObject]:
    """Objects still gone after both pairings, searched for in the post frame by their look
    (:func:`.welded.find_gone`, within a shift's reach, and down to the frame's bottom: a fall
    goes far), or by their look turned a quarter within a shift's reach
    (:func:`.welded.find_turned_origin` run from the pre frame to the post one: a bottle toppled
    onto its side where it stood); one found there is tracked to it
    (a fall when it dropped over 3 lengths), and what moved into the place it went is that
    object, not another: an appeared object over it, or a pair of changed patches both over it
    (the landing welded into a blob beside it, whose changed pixels pair with each other)."""
    # Low-complexity objects only: on shelving, goods look alike (a gone bottle matches its twin
    # that shifted on the board below, a false fall).
    gone = [o for o in objects if o.moved and o.bbox_after is None and o.bbox_before is not None and o.path == "low"]
    if not gone:
        return objects
    h = frames.pre_gray.shape[0]
    found: dict[int, TrackedObject] = {}
    for o in gone:
        bx, by, bw, bh = o.bbox_before  # type: ignore[misc]
        m = frames.pre.mask[by:by + bh, bx:bx + bw] > 0
        # A shift goes 3 lengths (shift_pair_reach) any way; a fall goes down, any distance.
        r = int(cfg.movement.shift_pair_reach * max(bw, bh))
        assert o.centroid_before is not None
        d = find_gone(m, (bx, by, bw, bh), frames.pre_smooth, frames.post_smooth, reach=(r, r, r, h),
                      min_ncc=cfg.movement.same_object_ncc)
        if d is None:
            # Turned, it toppled where it stood: within a shift's reach (what fell and landed on
            # its side is traced from its landing, _trace_appeared; searched down the frame
            # from here, goods' twins on the floor would read as falls).
            turned = find_turned_origin(m, (bx, by, bw, bh), frames.pre_smooth, frames.post_smooth,
                                        reach=(r, r, r, r), min_ncc=cfg.movement.same_object_ncc,
                                        level=cfg.movement.saliency_diff_binarize,
                                        unchanged_ncc=cfg.movement.unchanged_ncc)
            if turned is None:
                continue
            box_after, turned_mask = turned
            ys, xs = np.nonzero(turned_mask)
            c_after = (box_after[0] + float(xs.mean()), box_after[1] + float(ys.mean()))
        elif float(np.hypot(*d)) <= cfg.movement.moved_min_displacement_px:
            continue
        else:
            box_after = _shifted_box(o.bbox_before, d)  # type: ignore[arg-type]
            c_after = (o.centroid_before[0] + d[0], o.centroid_before[1] + d[1])
        found[id(o)] = replace(o, bbox_after=box_after, centroid_after=c_after,
                               fell=_fell(o.bbox_before, o.centroid_before, c_after, cfg))  # type: ignore[arg-type]
    if not found:
        return objects
    destinations = [t.bbox_after for t in found.values()]
    out = []
    taken: set[int] = set()
    for o in objects:
        if id(o) in found:
            out.append(found[id(o)])
            continue
        if o.moved and o.bbox_after is not None:
            hit = next((i for i, b in enumerate(destinations) if i not in taken and _arrived_at(o, b)), None)
            if hit is not None:
                taken.add(hit)
                continue
        out.append(o)
    return out


def _arrived_at(o: TrackedObject, landing: tuple[int, int, int, int]) -> bool:
    """Whether the moved object ``o`` is the arrival at ``landing``, where a gone object was
    found (:func:`_track_gone`): one with no origin over it, or a low-path pair whose two
    boxes both lie mostly in it (a patch the landing changed, paired with the landing)."""
    assert o.bbox_after is not None
    if o.bbox_before is None:
        return _mostly_inside(landing, o.bbox_after)
    return o.path == "low" and _mostly_inside(o.bbox_after, landing) and _mostly_inside(o.bbox_before, landing)


def _trace_appeared(objects: list[TrackedObject], frames: _Frames, cfg: Config) -> list[TrackedObject]:
    """Objects that appeared with no origin after both pairings and the gone search, looked for
    in the pre frame inside a gone object: a blob of several objects welded together that went
    in pieces (books pushed along a shelf, the box beside them dropped to the floor) pairs with
    neither piece by area, and no one shift explains it (:func:`_track_gone`), but each piece's
    look is found where it stood (:func:`.welded.find_gone` from the post frame back to the pre
    one, up any distance: what fell came from above). Such a blob is those pieces, each tracked
    (a fall when it dropped over 3 lengths), and what is left of it once they are taken out:
    its object-sized leftovers, moved where they changed in place.

    A piece found inside no gone blob but inside a pre blob that stayed (:func:`_stood_in_pre`:
    the box welded to the wall shelf it fell from) is tracked from there, the blob staying
    put; and a piece whose look is found nowhere is looked for turned a quarter either way
    (:func:`.welded.find_turned_origin`, from above only): what falls often lands on its side."""
    mv = cfg.movement
    hosts = [o for o in objects if o.moved and o.bbox_after is None and o.bbox_before is not None and o.path == "low"]
    pieces = [o for o in objects if o.moved and o.bbox_before is None and o.bbox_after is not None and o.path == "low"]
    if not pieces:
        return objects
    h = frames.pre_gray.shape[0]
    # Where tracked objects stood before: the places they left are theirs.
    explained = [o.bbox_before for o in objects if o.moved and o.bbox_before is not None and o.bbox_after is not None]
    found: dict[int, list[tuple[TrackedObject, Shift]]] = {}
    traced: dict[int, TrackedObject] = {}  # pieces that left a blob which stayed
    for q in pieces:
        bx, by, bw, bh = q.bbox_after  # type: ignore[misc]
        m = frames.post.mask[by:by + bh, bx:bx + bw] > 0
        r = int(mv.shift_pair_reach * max(bw, bh))
        d = find_gone(m, (bx, by, bw, bh), frames.post_smooth, frames.pre_smooth, reach=(r, h, r, r),
                      min_ncc=mv.same_object_ncc)
        if d is None:
            # What fell often lands on its side: its look turned a quarter, from above only.
            turned = find_turned_origin(m, (bx, by, bw, bh), frames.post_smooth, frames.pre_smooth,
                                        reach=(r, h, r, 0), min_ncc=mv.same_object_ncc,
                                        level=mv.saliency_diff_binarize)
            if turned is not None and _stood_in_pre(*turned, frames, cfg):
                origin, om = turned
                ys, xs = np.nonzero(om)
                c_before = (origin[0] + float(xs.mean()), origin[1] + float(ys.mean()))
            else:
                # A plain object has no look to find: the place it left, by its silhouette.
                vacated = _vacated_origin(q.bbox_after, m, frames, cfg, explained)  # type: ignore[arg-type]
                if vacated is None:
                    continue
                origin, c_before = vacated
            traced[id(q)] = replace(q, bbox_before=origin, centroid_before=c_before,
                                    fell=_fell(origin, c_before, q.centroid_after, cfg))  # type: ignore[arg-type]
            continue
        if float(np.hypot(*d)) <= mv.moved_min_displacement_px:
            continue
        origin = _shifted_box(q.bbox_after, d)  # type: ignore[arg-type]
        host = next((g for g in hosts if q.area < g.area and _mostly_inside(origin, g.bbox_before)), None)  # type: ignore[arg-type]
        if host is not None:
            found.setdefault(id(host), []).append((q, d))
        elif _stood_in_pre(origin, m, frames, cfg):
            # It was welded into a blob that stayed (the shelf it stood on): the blob keeps its
            # place, the piece is tracked from where it stood.
            c_before = (q.centroid_after[0] + d[0], q.centroid_after[1] + d[1])  # type: ignore[index]
            traced[id(q)] = replace(q, bbox_before=origin, centroid_before=c_before,
                                    fell=_fell(origin, c_before, q.centroid_after, cfg))  # type: ignore[arg-type]
    if not found and not traced:
        return objects
    taken = {id(q) for parts in found.values() for q, _ in parts}
    out: list[TrackedObject] = []
    for o in objects:
        if id(o) in taken:
            continue
        if id(o) in traced:
            out.append(traced[id(o)])
            continue
        if id(o) not in found:
            out.append(o)
            continue
        out += _host_in_pieces(o, found[id(o)], frames, cfg)
    return out


def _vacated_origin(box: tuple[int, int, int, int], mask: NDArray[np.bool_], frames: _Frames, cfg: Config,
                    explained: list[tuple[int, int, int, int]]) -> tuple[tuple[int, int, int, int], tuple[float, float]] | None:
    """Where an appeared object at ``box`` (its ``mask``) stood before, found by the place it
    left rather than by its look: a plain object (a dark bottle) correlates with nothing, and
    falls onto a floor that differs from the wall it stood against.

    The place an object left is vacated: changed in place (the smoothed frames beyond the
    change level, 4.3), foreground in the pre frame and background in the post one. Above the
    object (what fell came from above; within ``shift_pair_reach`` lengths aside), outside the
    places tracked objects left (``explained``, their pre boxes), the vacated patches whose
    area is within ``match_min_area_ratio`` of the object's, whose silhouette overlaps its own
    (upright or turned a quarter, :func:`_silhouette_iou`) by that ratio too, and whose median
    pre grey is the object's median post grey within half the change level, are its origin;
    the best overlap wins. Returns the origin's box and centroid, or None."""
    mv = cfg.movement
    x, y, w, h = box
    area = int(mask.sum())
    if area == 0 or y == 0:
        return None
    r = int(mv.shift_pair_reach * max(w, h))
    W = frames.pre_gray.shape[1]
    x0, x1 = max(0, x - r), min(W, x + w + r)
    sl = (slice(0, y), slice(x0, x1))
    level = mv.saliency_diff_binarize
    vacated = ((cv2.absdiff(frames.pre_smooth[sl], frames.post_smooth[sl]) > level)
               & (frames.pre.mask[sl] > 0) & (frames.post.mask[sl] == 0)).astype(np.uint8)
    for ex, ey, ew, eh in explained:
        vacated[max(0, ey):max(0, ey + eh), max(0, ex - x0):max(0, ex + ew - x0)] = 0
    vacated = cv2.morphologyEx(vacated, cv2.MORPH_OPEN, _K3)
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(vacated, connectivity=8)
    inner = inside_of(mask)
    grey = float(np.median(frames.post_smooth[y:y + h, x:x + w][inner if inner.any() else mask]))
    best: tuple[float, int] | None = None
    for i in range(1, n):
        cx, cy, cw, ch, a = (int(v) for v in stats[i])
        if min(a, area) < mv.match_min_area_ratio * max(a, area):
            continue
        own = labels[cy:cy + ch, cx:cx + cw] == i
        if abs(float(np.median(frames.pre_smooth[cy:cy + ch, x0 + cx:x0 + cx + cw][own])) - grey) > level // 2:
            continue
        iou = max(_silhouette_iou(np.rot90(own, k), mask) for k in (0, 1, 3))
        if iou >= mv.match_min_area_ratio and (best is None or iou > best[0]):
            best = (iou, i)
    if best is None:
        return None
    i = best[1]
    cx, cy, cw, ch = (int(v) for v in stats[i, :4])
    return (x0 + cx, cy, cw, ch), (x0 + float(centroids[i][0]), float(centroids[i][1]))


def _stood_in_pre(origin: tuple[int, int, int, int], mask: NDArray[np.bool_], frames: _Frames, cfg: Config) -> bool:
    """Whether an appeared object whose look was found back in the pre frame at ``origin``
    (:func:`.welded.find_gone`, :func:`.welded.find_turned_origin`: the pre frame shows it
    there, the post frame no longer does), with its ``mask`` laid there, stood as part of a
    segmented pre object: its pixels there are mostly pre foreground (``covered_fraction``)."""
    x, y, w, h = origin
    H, W = frames.pre.mask.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return False
    own = mask[y0 - y:y1 - y, x0 - x:x1 - x]
    if not own.any():
        return False
    return float((frames.pre.mask[y0:y1, x0:x1] > 0)[own].mean()) >= cfg.movement.covered_fraction


def _host_in_pieces(host: TrackedObject, parts: list[tuple[TrackedObject, Shift]], frames: _Frames,
                    cfg: Config) -> list[TrackedObject]:
    """A gone blob replaced by its pieces found elsewhere (``parts``: each appeared object with
    its shift from the post frame back to where it stood) and its object-sized leftovers; or, when
    the pieces share one motion and the rest of the blob agrees with the post frame at it too, the
    blob itself moved whole (one object the post frame's segmentation cut apart: a shadow across
    a vase)."""
    mv = cfg.movement
    x, y, w, h = host.bbox_before  # type: ignore[misc]
    left = frames.pre.mask[y:y + h, x:x + w] > 0
    for q, d in parts:  # take out where each piece stood: its post mask taken back by d
        qx, qy, qw, qh = q.bbox_after  # type: ignore[misc]
        ox, oy = qx + d[0] - x, qy + d[1] - y
        sx0, sy0, sx1, sy1 = max(0, ox), max(0, oy), min(w, ox + qw), min(h, oy + qh)
        if sx1 > sx0 and sy1 > sy0:
            left[sy0:sy1, sx0:sx1] &= frames.post.mask[qy + sy0 - oy:qy + sy1 - oy, qx + sx0 - ox:qx + sx1 - ox] == 0
    d0 = parts[0][1]
    tol = 2 * mv.moved_min_displacement_px
    if all(abs(d[0] - d0[0]) <= tol and abs(d[1] - d0[1]) <= tol for _, d in parts) \
            and int(left.sum()) >= cfg.classify.smallest_object_area:
        back = (-d0[0], -d0[1])
        if _agreement(host.bbox_before, left, back, frames, cfg) >= mv.still_there_fraction:  # type: ignore[arg-type]
            c_after = (host.centroid_before[0] + back[0], host.centroid_before[1] + back[1])  # type: ignore[index]
            return [replace(host, bbox_after=_shifted_box(host.bbox_before, back), centroid_after=c_after,  # type: ignore[arg-type]
                            fell=_fell(host.bbox_before, host.centroid_before, c_after, cfg))]  # type: ignore[arg-type]
    out = []
    for q, d in parts:
        before = _shifted_box(q.bbox_after, d)  # type: ignore[arg-type]
        c_before = (q.centroid_after[0] + d[0], q.centroid_after[1] + d[1])  # type: ignore[index]
        out.append(replace(q, bbox_before=before, centroid_before=c_before,
                           fell=_fell(before, c_before, q.centroid_after, cfg)))  # type: ignore[arg-type]
    # What is left is an object only where it is thicker than a line (4.2.3's line width): the
    # pieces' outlines, cut a little differently in each frame, leave rims and slivers.
    k = mv.max_line_width_px
    rest = cv2.morphologyEx(left.astype(np.uint8) * np.uint8(255), cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    comps = label_components(rest)
    for c in _blobs_of(comps, frames.regions, cfg, offset=(x, y)):
        cm, _ = comps.mask(c.label)
        changed = box_ncc(frames.pre_gray, frames.post_gray, c.box, mask=cm) < mv.unchanged_ncc
        out.append(TrackedObject(c.object_class, c.region, c.area, c.box, None if changed else c.box,
                                 c.centroid, None if changed else c.centroid, changed, False, host.path))
    return out
