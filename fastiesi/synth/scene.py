"""Pre/post pairs of a synthetic room with known truth.

Objects of the four classes are placed so that each one's area lies inside Table 1's interval for
the depth region the library's own placement rule (3.1) gives it, with a margin from the interval
ends. A chosen set then shifts, topples or drops off a wall shelf between the frames; the camera
can shake (a known rotation + translation, rendered from a larger canvas so no black borders
appear), the light can change, and both frames get sensor noise and JPEG compression.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from ..config import DEFAULT_CONFIG, OBJECT_CLASSES, REGIONS, Config, ObjectClass, Region
from ..errors import InputError
from ..stages.depth import DepthRegions, object_placement
from ..stages.intensity import Rating, ShakeLevel, rate_intensity
from .objects import KINDS_BY_CLASS, Sprite, make_sprite
from .person import person_sprite
from .room import RoomGeometry, render_room

Motion = Literal["static", "shift", "topple", "drop"]
AREA_MARGIN = 0.15  # stay this far (relative, in log-area) inside Table 1's interval ends
VIEW_BORDER = 24  # objects keep this far from the frame edges
GAP = 10  # minimum free space between objects' boxes
SHELF_GAP = 5  # between goods on a store's shelves


@dataclass(frozen=True)
class SceneSpec:
    """What to render. ``initial_intensity`` picks the moves (Table 3) after placement."""

    seed: int = 0
    width: int = 800
    height: int = 600
    counts: tuple[int, int, int, int] = (10, 4, 3, 1)  # objects per class to try to place
    shelf_objects: int = 3  # of the small objects, how many stand on wall shelves
    initial_intensity: int | None = 6  # 5..9; None: use ``moves`` as given
    moves: tuple[int, int, int, int] = (0, 0, 0, 0)  # explicit moves per class (initial_intensity=None)
    drops: int = 0  # shelf objects that fall to the floor (vertical shift > 3x length)
    shake_deg: float = 0.0
    shake_px: tuple[float, float] = (0.0, 0.0)
    lighting: float = 0.0  # 0 none .. 1 strong post-frame lighting change
    noise_sigma: float = 0.0
    jpeg_quality: int | None = None
    layout: Literal["room", "store"] = "room"  # "store": gondola shelving, high complexity
    people: tuple[int, int] = (0, 0)  # people standing in the pre and in the post frame (2.4)


@dataclass(frozen=True)
class TruthObject:
    id: int
    kind: str
    object_class: ObjectClass
    region: Region
    area: int
    motion: Motion
    bbox_before: tuple[int, int, int, int]  # x, y, w, h in pre-view coordinates
    bbox_after: tuple[int, int, int, int]  # in the same (registered) coordinates
    centroid_before: tuple[float, float]
    centroid_after: tuple[float, float]
    on_shelf: bool

    @property
    def moved(self) -> bool:
        return self.motion != "static"

    @property
    def length(self) -> int:
        return max(self.bbox_before[2], self.bbox_before[3])

    @property
    def fell(self) -> bool:
        dy = self.centroid_after[1] - self.centroid_before[1]
        return self.moved and dy > DEFAULT_CONFIG.movement.fall_length_ratio * self.length

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "class": self.object_class, "region": self.region,
                "area": self.area, "motion": self.motion, "moved": self.moved, "fell": self.fell,
                "bbox_before": list(self.bbox_before), "bbox_after": list(self.bbox_after),
                "centroid_before": [round(v, 2) for v in self.centroid_before],
                "centroid_after": [round(v, 2) for v in self.centroid_after], "on_shelf": self.on_shelf}


@dataclass(frozen=True)
class Truth:
    objects: tuple[TruthObject, ...]
    shake_level: ShakeLevel
    shake_deg: float
    shake_px: tuple[float, float]
    affine_pre_to_post: tuple[tuple[float, float, float], tuple[float, float, float]]
    shake_mean_px: float  # the paper's 'a' over background displacements
    rating: Rating
    spec: SceneSpec
    people_pre: tuple[tuple[int, int, int, int], ...] = ()  # x, y, w, h of each person (pre view)
    people_post: tuple[tuple[int, int, int, int], ...] = ()  # in registered (pre view) coordinates

    @property
    def moved(self) -> tuple[int, int, int, int]:
        return tuple(sum(o.moved for o in self.objects if o.object_class == c) for c in OBJECT_CLASSES)  # type: ignore[return-value]

    @property
    def total(self) -> tuple[int, int, int, int]:
        return tuple(sum(o.object_class == c for o in self.objects) for c in OBJECT_CLASSES)  # type: ignore[return-value]

    @property
    def falls(self) -> int:
        return sum(o.fell for o in self.objects)

    @property
    def intensity(self) -> int:
        return self.rating.intensity

    def to_dict(self) -> dict[str, Any]:
        return {
            "people_pre": [list(b) for b in self.people_pre],
            "people_post": [list(b) for b in self.people_post],
            "intensity": self.intensity, "initial_intensity": self.rating.initial, "rule": self.rating.rule,
            "corrections": list(self.rating.corrections),
            "classes": {c: {"moved": m, "total": t} for c, m, t in zip(OBJECT_CLASSES, self.moved, self.total)},
            "falls": self.falls, "shake_level": self.shake_level, "shake_deg": self.shake_deg,
            "shake_px": list(self.shake_px), "shake_mean_px": round(self.shake_mean_px, 4),
            "affine_pre_to_post": [list(r) for r in self.affine_pre_to_post],
            "objects": [o.to_dict() for o in self.objects],
            "spec": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.spec.__dict__.items()},
        }


@dataclass
class SyntheticPair:
    pre: NDArray[np.uint8]
    post: NDArray[np.uint8]
    truth: Truth


# --------------------------------------------------------------------------------------------


@dataclass
class _Placed:
    sprite: Sprite
    x: int  # canvas coordinates of the sprite's top-left corner
    y: int
    on_shelf: bool
    region: Region
    post: tuple[Sprite, int, int] | None = None
    motion: Motion = "static"
    kind: str = ""

    def box(self, after: bool = False) -> tuple[int, int, int, int]:
        s, x, y = (self.post if after and self.post else (self.sprite, self.x, self.y))
        return x, y, s.mask.shape[1], s.mask.shape[0]


@dataclass
class _Layout:
    geom: RoomGeometry
    regions: DepthRegions
    view_w: int
    view_h: int
    placed: list[_Placed] = field(default_factory=list)

    def region_of(self, sprite: Sprite, x: int, y: int) -> Region:
        m = self.geom.margin
        return object_placement(sprite.mask, self.regions, offset=(x - m, y - m)).region

    def fits_view(self, sprite: Sprite, x: int, y: int) -> bool:
        m, (h, w) = self.geom.margin, sprite.mask.shape
        return (x - m >= VIEW_BORDER and y - m >= VIEW_BORDER
                and x - m + w <= self.view_w - VIEW_BORDER and y - m + h <= self.view_h - VIEW_BORDER)

    def on_floor(self, sprite: Sprite, x: int, y: int) -> bool:
        h, w = sprite.mask.shape
        bottom = y + h
        return all(bottom >= self.geom.floor_top(px) + 4 for px in (x, x + w / 2, x + w))

    def free(self, box: tuple[int, int, int, int], ignore: _Placed | None = None, gap: int = GAP) -> bool:
        x, y, w, h = box
        for p in self.placed:
            if p is ignore:
                continue
            for bx, by, bw, bh in {p.box(False), p.box(True)}:
                if x < bx + bw + gap and bx < x + w + gap and y < by + bh + gap and by < y + h + gap:
                    return False
        return True


def _area_range(region: Region, cls: ObjectClass, config: Config, cap: float) -> tuple[float, float]:
    iv = getattr(config.classify.for_region(region), cls)
    lo, hi = math.log(iv.lo), math.log(min(iv.hi, cap))
    span = hi - lo
    return math.exp(lo + AREA_MARGIN * span), math.exp(hi - AREA_MARGIN * span)


def _background_value(canvas: NDArray[np.float32], x: int, y: int) -> float:
    h, w = canvas.shape[:2]
    patch = canvas[max(0, y):min(h, y + 40), max(0, x):min(w, x + 40)]
    return float(patch.reshape(-1, 3).mean(axis=0) @ np.float32([0.114, 0.587, 0.299])) if patch.size else 128.0


def _place_floor_object(rng: np.random.Generator, lay: _Layout, canvas: NDArray[np.float32], cls: ObjectClass,
                        config: Config) -> bool:
    cap = 0.1 * lay.view_w * lay.view_h
    m = lay.geom.margin
    for _ in range(4):
        region: Region = REGIONS[int(rng.choice(3, p=[0.3, 0.45, 0.25]))]
        lo, hi = _area_range(region, cls, config, cap)
        if lo >= hi:
            continue
        kind = str(rng.choice(KINDS_BY_CLASS[cls]))
        area = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        sprite = make_sprite(kind, area, rng, avoid_value=_background_value(canvas, m + lay.view_w // 2, m + lay.view_h // 2))
        h, w = sprite.mask.shape
        y_lo, y_hi = lay.geom.floor_y - h, m + lay.view_h - VIEW_BORDER - h + 1  # bottom on the floor
        if y_lo >= y_hi:
            continue
        for _ in range(80):
            x = int(rng.integers(m + VIEW_BORDER, max(m + VIEW_BORDER + 1, m + lay.view_w - VIEW_BORDER - w)))
            y = int(rng.integers(y_lo, y_hi))
            if not lay.fits_view(sprite, x, y) or not lay.on_floor(sprite, x, y):
                continue
            if not lay.free((x, y, w, h)) or lay.region_of(sprite, x, y) != region:
                continue
            lay.placed.append(_Placed(sprite, x, y, False, region, kind=kind))
            return True
    return False


def _place_shelf_object(rng: np.random.Generator, lay: _Layout, canvas: NDArray[np.float32], config: Config) -> bool:
    if not lay.geom.shelves:
        return False
    # Shelf objects may drop into any region, so their area fits the small-object interval of
    # every region (Table 1: [434, 1131) px), keeping their class when they land.
    rows = [config.classify.for_region(r).small_objects for r in REGIONS]
    lo, hi = max(r.lo for r in rows), min(r.hi for r in rows)
    span = math.log(hi) - math.log(lo)
    lo, hi = math.exp(math.log(lo) + AREA_MARGIN * span), math.exp(math.log(hi) - AREA_MARGIN * span)
    # Goods in a store stand closer together than ornaments in a room.
    gap = SHELF_GAP if len(lay.geom.shelves) > 4 else GAP
    for _ in range(40):
        x0, x1, sy = lay.geom.shelves[int(rng.integers(len(lay.geom.shelves)))]
        kind = str(rng.choice(("box", "bottle", "vase", "books")))
        sprite = make_sprite(kind, math.exp(rng.uniform(math.log(lo), math.log(hi))), rng,
                             avoid_value=_background_value(canvas, x0, sy - 30))
        h, w = sprite.mask.shape
        if x1 - 4 - w <= x0 + 4:
            continue
        x, y = int(rng.integers(x0 + 4, x1 - 4 - w)), sy - h
        if not lay.fits_view(sprite, x, y) or not lay.free((x, y, w, h), gap=gap):
            continue
        region = lay.region_of(sprite, x, y)
        lay.placed.append(_Placed(sprite, x, y, True, region, kind=kind))
        return True
    return False


def _try_move(rng: np.random.Generator, lay: _Layout, p: _Placed, motion: Motion) -> bool:
    s = p.sprite
    h, w = s.mask.shape
    length = max(h, w)
    for _ in range(60):
        if motion == "shift":
            d = rng.uniform(max(12.0, 0.35 * length), max(26.0, 0.9 * length))
            a = rng.uniform(-0.5, 0.5) + (math.pi if rng.random() < 0.5 else 0.0)
            ns, nx, ny = s, int(round(p.x + d * math.cos(a))), int(round(p.y + d * math.sin(a)))
            if p.on_shelf:  # slides along its board
                ny = p.y
        elif motion == "topple":
            k = 1 if rng.random() < 0.5 else -1
            ns = s.turned(k)
            nh, nw = ns.mask.shape
            nx = p.x if k == -1 else p.x + w - nw
            ny = p.y + h - nh
        else:  # drop from a shelf to the floor below
            ns = s.turned(int(rng.integers(0, 2)))
            nh, nw = ns.mask.shape
            floor_min = max(lay.geom.floor_y, p.y + h) + int(DEFAULT_CONFIG.movement.fall_length_ratio * length) + nh + 8
            floor_max = lay.geom.margin + lay.view_h - VIEW_BORDER
            if floor_min >= floor_max:
                return False
            ny = int(rng.integers(floor_min, floor_max)) - nh
            nx = int(round(p.x + rng.uniform(-40, 40)))
        if not lay.fits_view(ns, nx, ny) or not lay.free((nx, ny, *ns.mask.shape[::-1]), ignore=p):
            continue
        if motion != "drop":
            if not p.on_shelf and not lay.on_floor(ns, nx, ny):
                continue
            if lay.region_of(ns, nx, ny) != p.region:  # stay in the region: the class stays defined
                continue
        else:
            cy0 = p.y + float(np.nonzero(s.mask)[0].mean())
            cy1 = ny + float(np.nonzero(ns.mask)[0].mean())
            if cy1 - cy0 <= DEFAULT_CONFIG.movement.fall_length_ratio * length:
                continue
        p.post, p.motion = (ns, nx, ny), motion
        return True
    return False


def _choose_moves(rng: np.random.Generator, totals: tuple[int, int, int, int], drops: int, target: int,
                  config: Config) -> tuple[int, int, int, int] | None:
    """Moved counts per class (shelf drops already counted as moved small objects) that make
    Table 3 give ``target``; None if these totals cannot."""
    n5, n6, n7, n8 = totals
    for _ in range(400):
        m4 = int(rng.integers(1, n8 + 1)) if target == 9 and n8 else 0
        m3 = int(rng.integers(0, n7 + 1)) if target >= 7 else 0
        m2 = int(rng.integers(0, n6 + 1)) if target >= 6 else int(rng.integers(0, 1 + (n6 > 10)))
        m1 = int(rng.integers(drops, n5 + 1))
        r = rate_intensity((m1, m2, m3, m4), totals, config=config.intensity)
        if r.initial == target:
            return m1, m2, m3, m4
    return None


def _shake_affine(spec: SceneSpec) -> NDArray[np.float64]:
    """2x3 affine mapping pre-view to post-view coordinates: rotation about the frame centre,
    then the translation."""
    c = np.array([spec.width / 2, spec.height / 2])
    t = math.radians(spec.shake_deg)
    r = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    return np.hstack([r, (c - r @ c + np.asarray(spec.shake_px, float))[:, None]])


def shake_statistics(affine: NDArray[np.float64], width: int, height: int, config: Config = DEFAULT_CONFIG) -> tuple[float, ShakeLevel]:
    """The paper's 'a' (mean of the smallest 80 % of displacements, 2.2) over a grid of background
    points, and the shake level it implies."""
    ys, xs = np.mgrid[0:height:10, 0:width:10]
    p = np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float64)
    d = np.sort(np.linalg.norm(p @ affine[:, :2].T + affine[:, 2] - p, axis=1))
    q = config.quality
    a = float(d[: max(1, int(len(d) * q.head_fraction))].mean())
    level: ShakeLevel = "none" if a < q.no_shake_max_px else "slight" if a < q.slight_shake_max_px else "obvious"
    return a, level


def _compose(canvas: NDArray[np.float32], placed: list[_Placed], after: bool) -> NDArray[np.float32]:
    img = canvas.copy()
    items = [(p.post if after and p.post else (p.sprite, p.x, p.y)) for p in placed]
    for s, x, y in sorted(items, key=lambda t: t[2] + t[0].mask.shape[0]):
        h, w = s.mask.shape
        # A soft contact shadow under each object.
        sh = np.zeros((h // 3 + 6, w + 8), np.float32)
        cv2.ellipse(sh, ((w + 8) // 2, sh.shape[0] // 2), ((w + 4) // 2, max(2, sh.shape[0] // 4)), 0, 0, 360, 1.0, -1)
        sh = cv2.GaussianBlur(sh, (0, 0), 2.0)
        y0, x0 = y + h - sh.shape[0] // 2, x - 4
        region = img[y0:y0 + sh.shape[0], x0:x0 + sh.shape[1]]
        region *= (1.0 - 0.25 * sh[: region.shape[0], : region.shape[1], None])
        view = img[y:y + h, x:x + w]
        view[s.mask] = s.image[s.mask]
    return img


def _place_person(rng: np.random.Generator, lay: _Layout, img: NDArray[np.float32]) -> tuple[int, int, int, int]:
    """Draw a person standing on free floor (clear of every object before and after), sized by
    the floor row like the objects (about 0.3 of the frame height far, 0.55 near). Returns the
    canvas box, or (0, 0, 0, 0) when no free spot was found."""
    g = lay.geom
    for _ in range(200):
        foot = rng.uniform(g.floor_y + 0.15 * lay.view_h, g.margin + lay.view_h - VIEW_BORDER)
        depth = (foot - g.floor_y) / max(1.0, g.margin + lay.view_h - g.floor_y)
        height = int(lay.view_h * (0.30 + 0.25 * depth))
        width = int(0.42 * height)
        x = int(rng.uniform(g.margin + VIEW_BORDER, g.margin + lay.view_w - VIEW_BORDER - width))
        y = int(foot) - height
        if y < g.margin + VIEW_BORDER or not lay.free((x, y, width, height), gap=4):
            continue
        image, mask = person_sprite(height, rng)
        h, w = mask.shape
        view = img[y:y + h, x:x + w]
        view[mask] = image[mask]
        return x, y, w, h
    return 0, 0, 0, 0


def _photometric(rng: np.random.Generator, img: NDArray[np.float32], spec: SceneSpec, is_post: bool) -> NDArray[np.uint8]:
    out = img
    if is_post and spec.lighting > 0:
        h, w = out.shape[:2]
        ang = rng.uniform(0, 2 * math.pi)
        ramp = (np.cos(ang) * np.linspace(-1, 1, w)[None, :] + np.sin(ang) * np.linspace(-1, 1, h)[:, None]).astype(np.float32)
        gain = (1.0 - 0.3 * spec.lighting * rng.uniform(0.5, 1.0)) * (1.0 + 0.25 * spec.lighting * ramp)
        out = out * gain[..., None] + 12.0 * spec.lighting * rng.uniform(-1, 1)
    if spec.noise_sigma > 0:
        out = out + rng.standard_normal(out.shape).astype(np.float32) * spec.noise_sigma
    u8 = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    if spec.jpeg_quality is not None:
        ok, buf = cv2.imencode(".jpg", u8, [cv2.IMWRITE_JPEG_QUALITY, int(spec.jpeg_quality)])
        assert ok
        u8 = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return u8


def render_pair(spec: SceneSpec, *, config: Config = DEFAULT_CONFIG) -> SyntheticPair:
    """Render one pre/post pair and its truth. Deterministic in ``spec.seed``."""
    if spec.initial_intensity is not None and not 5 <= spec.initial_intensity <= 9:
        raise InputError(f"initial_intensity must be 5..9, got {spec.initial_intensity}")
    if spec.width < 400 or spec.height < 300:
        raise InputError("synthetic frames must be at least 400x300")
    rng = np.random.default_rng(spec.seed)
    margin = int(max(48, abs(spec.shake_px[0]) + abs(spec.shake_px[1]) + math.radians(abs(spec.shake_deg)) * spec.width + 16))
    canvas, geom = render_room(rng, spec.width, spec.height, margin, spec.layout)
    lay = _Layout(geom, DepthRegions((spec.height, spec.width), config=config.depth), spec.width, spec.height)

    # Largest first: big objects are hardest to fit.
    for cls in reversed(OBJECT_CLASSES):
        n = spec.counts[OBJECT_CLASSES.index(cls)] - (spec.shelf_objects if cls == "small_objects" else 0)
        for _ in range(max(0, n)):
            _place_floor_object(rng, lay, canvas, cls, config)
    shelf_n = min(spec.shelf_objects, spec.counts[0])
    for _ in range(max(shelf_n, spec.drops)):
        _place_shelf_object(rng, lay, canvas, config)

    by_class = {c: [p for p in lay.placed if p.sprite.object_class == c] for c in OBJECT_CLASSES}
    totals = tuple(len(by_class[c]) for c in OBJECT_CLASSES)
    # Drops first: they are small objects that fall off the shelves.
    shelf = [p for p in by_class["small_objects"] if p.on_shelf]
    rng.shuffle(shelf)  # type: ignore[arg-type]
    dropped = sum(_try_move(rng, lay, p, "drop") for p in shelf[: spec.drops])
    if spec.initial_intensity is None:
        wanted = spec.moves
    else:
        chosen = _choose_moves(rng, totals, dropped, spec.initial_intensity, config)  # type: ignore[arg-type]
        if chosen is None:
            raise InputError(f"seed {spec.seed}: placed objects {totals} cannot give intensity "
                             f"{spec.initial_intensity}; try another seed or more objects")
        wanted = chosen
    for cls, want in zip(OBJECT_CLASSES, wanted):
        pool = [p for p in by_class[cls] if p.motion == "static"]
        rng.shuffle(pool)  # type: ignore[arg-type]
        need = want - sum(p.motion != "static" for p in by_class[cls])
        for p in pool:
            if need <= 0:
                break
            tall = p.sprite.mask.shape[0] > 1.3 * p.sprite.mask.shape[1]
            order: list[Motion] = ["topple", "shift"] if tall and rng.random() < 0.5 else ["shift", "topple"]
            if any(_try_move(rng, lay, p, mo) for mo in order):
                need -= 1

    affine = _shake_affine(spec)
    shake_a, level = shake_statistics(affine, spec.width, spec.height, config)
    pre_canvas = _compose(canvas, lay.placed, after=False)
    post_canvas = _compose(canvas, lay.placed, after=True)
    people_rng = np.random.default_rng([spec.seed, 3])  # separate: scenes without people unchanged
    people = [[_place_person(people_rng, lay, img) for _ in range(n)]
              for img, n in ((pre_canvas, spec.people[0]), (post_canvas, spec.people[1]))]
    people_boxes = [tuple((x - margin, y - margin, w, h) for x, y, w, h in boxes if w > 0) for boxes in people]
    pre = pre_canvas[margin:margin + spec.height, margin:margin + spec.width]
    to_post = affine.copy()
    to_post[:, 2] -= affine[:, :2] @ np.array([margin, margin], float)
    post = cv2.warpAffine(post_canvas, to_post, (spec.width, spec.height), flags=cv2.INTER_LINEAR)

    truth_objects = []
    for i, p in enumerate(sorted(lay.placed, key=lambda q: (q.y, q.x))):
        def stats(after: bool) -> tuple[tuple[int, int, int, int], tuple[float, float]]:
            s, x, y = (p.post if after and p.post else (p.sprite, p.x, p.y))
            ys, xs = np.nonzero(s.mask)
            return ((x - margin, y - margin, s.mask.shape[1], s.mask.shape[0]),
                    (float(xs.mean()) + x - margin, float(ys.mean()) + y - margin))
        (b0, c0), (b1, c1) = stats(False), stats(True)
        truth_objects.append(TruthObject(i, p.kind, p.sprite.object_class, p.region, p.sprite.area, p.motion,
                                         b0, b1, c0, c1, p.on_shelf))
    moved = tuple(sum(o.moved for o in truth_objects if o.object_class == c) for c in OBJECT_CLASSES)
    falls = sum(o.fell for o in truth_objects)
    rating = rate_intensity(moved, totals, falls=falls, shake=level, config=config.intensity)
    truth = Truth(tuple(truth_objects), level, spec.shake_deg, spec.shake_px,
                  tuple(tuple(float(v) for v in row) for row in affine), shake_a, rating, spec,  # type: ignore[arg-type]
                  people_boxes[0], people_boxes[1])
    photo_rng = np.random.default_rng([spec.seed, 1])
    return SyntheticPair(_photometric(photo_rng, pre, spec, False), _photometric(photo_rng, post, spec, True), truth)


def spec_for_intensity(intensity: int, *, seed: int, falls: bool = False, shake: ShakeLevel = "none",
                       layout: Literal["room", "store"] = "room", **photometric: Any) -> SceneSpec:
    """A :class:`SceneSpec` whose truth rates ``intensity`` (5..9) after corrections.

    ``falls`` adds a shelf drop (only where the fall correction can act, i.e. a final VII from a
    lower initial); ``shake`` picks a camera shake of that level ("obvious" lifts the initial
    intensity by one, so the initial is one lower when possible).
    """
    if not 5 <= intensity <= 9:
        raise InputError(f"intensity must be 5..9, got {intensity}")
    rng = np.random.default_rng([seed, 7])
    initial = intensity
    drops = 0
    if shake == "obvious":
        if intensity == 5:
            raise InputError("obvious camera shake adds one degree (4.4): a final V cannot have it")
        initial = intensity - 1
    if falls:
        if initial != 7:
            raise InputError("a fall gives at least VII: ask for falls only with a final VII "
                             "(or VIII with obvious shake)")
        initial, drops = int(rng.integers(5, 7)), 1
    if shake == "none":
        deg, px = 0.0, (0.0, 0.0)
    elif shake == "slight":
        deg, px = float(rng.uniform(-0.3, 0.3)), (float(rng.uniform(3, 6)) * rng.choice([-1, 1]), float(rng.uniform(-3, 3)))
    else:
        deg, px = float(rng.uniform(-1.0, 1.0)), (float(rng.uniform(14, 22)) * rng.choice([-1, 1]), float(rng.uniform(-8, 8)))
    if layout == "store":
        shelf = int(rng.integers(60, 80))
        counts = (shelf + int(rng.integers(2, 5)), int(rng.integers(3, 5)), int(rng.integers(2, 4)), int(rng.integers(1, 3)))
    else:
        shelf = 3
        counts = (int(rng.integers(9, 14)), int(rng.integers(4, 6)), int(rng.integers(3, 5)), int(rng.integers(1, 3)))
    return SceneSpec(seed=seed, counts=counts, shelf_objects=shelf, initial_intensity=initial, drops=drops,
                     shake_deg=deg, shake_px=px, layout=layout, **photometric)


def render_intensity(intensity: int, *, seed: int, falls: bool = False, shake: ShakeLevel = "none",
                     layout: Literal["room", "store"] = "room", config: Config = DEFAULT_CONFIG,
                     **photometric: Any) -> SyntheticPair:
    """Render a pair whose truth rates ``intensity``; tries successive seeds until placement allows it."""
    last: Exception | None = None
    for attempt in range(20):
        spec = spec_for_intensity(intensity, seed=seed * 1000 + attempt, falls=falls, shake=shake, layout=layout,
                                  **photometric)
        try:
            pair = render_pair(spec, config=config)
        except InputError as exc:
            last = exc
            continue
        if pair.truth.intensity == intensity and (not falls or pair.truth.falls > 0):
            return pair
    raise InputError(f"could not render intensity {intensity} for seed {seed}: {last}")
