"""Object segmentation of one frame for low-complexity images (paper 4.2.1-4.2.3).

edges (adaptive multi-scale Canny) -> 3x3 dilation -> region-adaptive median -> nested closings
with hole filling -> outlines open at the bottom closed -> 3x3 erosion (the paper's "refined by
corrosion", undoing the dilation so areas are the objects' own) -> an opening that detaches thin
lines (wall/floor seams touching an object) -> 8-connected components -> length and line screens;
a mass too large for any object is rebuilt from its outlines, and a filled hole that is a piece of
wall down to the wall line (.walls.wall_pieces) is emptied, and the finish runs again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..backend.select import Backend
from ..config import DEFAULT_CONFIG, Config
from ..errors import InputError
from .boards import horizontal_lines
from .components import Components, label_components, screen_components
from .depth import DepthRegions, object_placement
from .edges import multiscale_canny
from .morphology import (
    close,
    close_open_bottoms,
    fill_holes,
    nested_morphology,
    region_adaptive_median,
    region_kernel_sizes,
    thin_lines,
)
from .walls import room_lines, wall_pieces

_K3 = np.ones((3, 3), np.uint8)


@dataclass(frozen=True)
class FrameObjects:
    """One frame's edges, object mask, components and which components are objects."""

    edges: NDArray[np.uint8]
    mask: NDArray[np.uint8]
    components: Components
    is_object: NDArray[np.bool_]

    @property
    def labels(self) -> list[int]:
        return [int(i) for i in np.nonzero(self.is_object)[0]]


class FrameMasks:
    """The expensive, frame-wide part of the segmentation of one frame (edges, median, nested
    morphology), computed once and reusable for any crop of the frame: a camera's pre frame is
    segmented once (:class:`fastiesi.pipeline.Reference`) and every pair crops from it.

    ``shelved`` (the high-complexity variant, see :func:`segment_objects`) is computed on first
    use, since only mixed and high-complexity pairs need it.
    """

    def __init__(self, gray: NDArray[np.uint8], *, config: Config | None = None,
                 edges: NDArray[np.uint8] | None = None, backend: Backend = "cpu") -> None:
        cfg = config or DEFAULT_CONFIG
        mv = cfg.movement
        if backend == "gpu":
            # The edges too are made on the device unless given (the same edges, bit for bit).
            edges, cleaned, solid = _device_masks([gray if edges is None else edges], cfg,
                                                  given_edges=edges is not None)[0]
        elif backend == "cpu":
            edges = multiscale_canny(gray, config=cfg.edges) if edges is None else edges
            thick = cv2.dilate(edges, _K3)
            sizes = region_kernel_sizes(edges, grid=mv.median_regions, kernels=mv.median_kernels)
            cleaned = region_adaptive_median(thick, sizes)
            solid = nested_morphology(cleaned, kernels=mv.morphology_kernels,
                                      min_object_area=cfg.classify.smallest_object_area)
        else:
            raise InputError(f"FrameMasks backend must be 'cpu' or 'gpu' (resolved), got {backend!r}")
        self._set(cfg, edges, cleaned, solid, gray)

    def _set(self, cfg: Config, edges: NDArray[np.uint8], cleaned: NDArray[np.uint8],
             solid: NDArray[np.uint8], gray: NDArray[np.uint8] | None = None) -> None:
        # Both backends' masks end here: outlines open at the bottom are closed on the host.
        solid = closed_bottoms(edges, cleaned, solid, cfg)
        self.config, self.edges, self._cleaned, self.solid = cfg, edges, cleaned, solid
        self._gray = gray  # the shelving variant reads the surfaces its holes show
        self._smallest = cfg.classify.smallest_object_area
        self._shelved: NDArray[np.uint8] | None = None

    @classmethod
    def batch(cls, grays: Sequence[NDArray[np.uint8]], *, config: Config | None = None,
              backend: Backend = "cpu") -> list[FrameMasks]:
        """:class:`FrameMasks` of many frames; on the GPU, frames of one size share one batched
        run of the masks (each camera's reference frame, say), which is where the device pays."""
        cfg = config or DEFAULT_CONFIG
        if backend != "gpu":
            return [cls(g, config=cfg, backend=backend) for g in grays]
        out: list[FrameMasks] = []
        for g, (e, cleaned, solid) in zip(grays, _device_masks(grays, cfg, given_edges=False)):
            masks = cls.__new__(cls)  # the masks are made already: only the fields to set
            masks._set(cfg, e, cleaned, solid, g)
            out.append(masks)
        return out

    @property
    def shelved(self) -> NDArray[np.uint8]:
        if self._shelved is None:
            mv = self.config.movement
            # The nested morphology with its smallest kernel only: one closing, then hole filling.
            closed = close(self._cleaned, mv.morphology_kernels[0])
            shelved = fill_holes(closed, min_solidity=mv.hole_min_solidity)
            if self._gray is not None and mv.shelf_cell_gap_px:
                shelved = open_shelf_cells(shelved, closed, self._gray, horizontal_lines(self.edges),
                                           min_area=self._smallest, gap=mv.shelf_cell_gap_px,
                                           same_grey=mv.saliency_diff_binarize // 2, margin=mv.board_margin_px,
                                           fill=mv.board_fill)
            self._shelved = shelved
        return self._shelved

    def objects(self, window: tuple[slice, slice] | None = None,
                high_mask: NDArray[np.bool_] | None = None, *,
                plain_where: tuple[NDArray[np.bool_], DepthRegions] | None = None) -> FrameObjects:
        """The frame's objects within ``window`` (a crop), with the shelving variant where
        ``high_mask`` (the crop's shape) is True.

        ``plain_where`` (the high local-PSD area, the crop's depth regions) keeps the plain
        variant over each object of it that stands mostly outside that area
        (:func:`plain_objects_outside`): the area is made of blocks, and a chair beside the
        shelving that a block's corner takes in keeps its own outline whole."""
        win = window or (slice(None), slice(None))
        solid = self.solid[win]
        edges = np.ascontiguousarray(self.edges[win])
        if high_mask is not None and high_mask.any():
            if high_mask.shape != solid.shape:
                raise InputError(f"high_mask shape {high_mask.shape} differs from the window's {solid.shape}")
            if plain_where is not None:
                psd_high, regions = plain_where
                plain = plain_objects_outside(_finish_once(edges, np.ascontiguousarray(solid), self.config),
                                              psd_high, regions, self.config)
                high_mask = high_mask & ~plain
            solid = np.where(high_mask, self.shelved[win], solid)
        gray = None if self._gray is None else self._gray[win]
        return _finish(edges, np.ascontiguousarray(solid), self.config, cleaned=self._cleaned[win],
                       high_mask=high_mask, gray=gray)


def plain_objects_outside(plain: FrameObjects, psd_high: NDArray[np.bool_], regions: DepthRegions,
                          cfg: Config) -> NDArray[np.bool_]:
    """Where the plain (low-complexity) segmentation's objects stand that keep it in a mixed
    image: each of ``plain``'s objects no larger than any object where it stands (a shelving
    unit welded into one mass is) with less than half its pixels in ``psd_high``, grown back by
    the finish's 3x3 erosion.

    4.3 splits a mixed image by local PSD, block by block, and the blocks' edge cuts through
    whatever stands there. An object the shelving variant takes in part loses what that variant
    does not fill (it fills compact holes only, and an L-shaped chair's inside is not compact):
    cut there, the chair beside the shelving falls apart into small objects. Mostly outside the
    high area, it is a low-complexity object, segmented as one."""
    comps = plain.components
    if psd_high.shape != comps.labels.shape:
        raise InputError(f"psd_high shape {psd_high.shape} differs from the segmentation's {comps.labels.shape}")
    n = len(comps.areas)
    inside = np.bincount(comps.labels[psd_high], minlength=n)
    keep = np.zeros(n, bool)
    for i in plain.labels:
        box = tuple(int(v) for v in comps.boxes[i])
        keep[i] = 2 * inside[i] < comps.areas[i] and not larger_than_any_object(
            float(comps.areas[i]), box, regions, cfg)  # type: ignore[arg-type]
    if not keep.any():
        return np.zeros(psd_high.shape, bool)
    return cv2.dilate(keep.astype(np.uint8)[comps.labels], _K3) > 0


def open_shelf_cells(shelved: NDArray[np.uint8], closed: NDArray[np.uint8], gray: NDArray[np.uint8],
                     lines: NDArray[np.bool_], *, min_area: int, gap: int, same_grey: float,
                     margin: int, fill: float) -> NDArray[np.uint8]:
    """``shelved`` (the shelving variant's mask) with the filled holes that are shelf cells
    opened again.

    A shelf cell between two boards, its goods standing apart, is a compact hole, and filling it
    welds its goods, its boards and whatever stands before the shelving into one mass. What the
    cell shows is the shelving's back, the same surface as the cell under it (or over it) shows
    past the board between them; an object's interior (a box's front, a bookcase before the
    shelving) is a surface of its own. A filled hole is opened where a board runs under it: a
    row of ``lines`` (:func:`.boards.horizontal_lines`) within ``gap`` rows (a board's width)
    under its bottom holds a line over at least ``fill`` of its columns and of the ``margin``
    columns past it on one side at least, past an upright ``gap`` wide (a board runs on under
    the next cell; an object's foot, or the floor under it, ends at its outline), and its median
    grey is within ``same_grey`` of the median of the band ``gap`` rows under it, or over it, as
    tall as a board and as wide as the hole. ``closed`` is the closed edge mask whose holes
    ``shelved`` filled; holes under ``min_area`` px stay filled."""
    holes = ((shelved > 0) & (closed == 0)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(holes, connectivity=4)
    h, w = gray.shape
    out = None
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if area < min_area:
            continue
        under = lines[y + bh - 2:min(h, y + bh + gap)]
        across = under[:, x:x + bw].mean(axis=1) >= fill
        # Past an upright as wide as a board (``gap``): the next bay's board.
        sides = [under[:, a:b].mean(axis=1) >= fill
                 for a, b in ((max(0, x - gap - margin), x - gap), (x + bw + gap, min(w, x + bw + gap + margin)))
                 if b - a >= margin // 2]
        if not sides or not (across & np.logical_or.reduce(sides)).any():
            continue  # no board under it that runs on past it
        own = labels[y:y + bh, x:x + bw] == i
        inside = float(np.median(gray[y:y + bh, x:x + bw][own]))
        for y0 in (y + bh + gap, y - 2 * gap):  # the band under it, then over it
            if y0 < 0 or y0 + gap > h:
                continue
            if abs(float(np.median(gray[y0:y0 + gap, x:x + bw])) - inside) <= same_grey:
                if out is None:
                    out = shelved.copy()
                out[y:y + bh, x:x + bw][own] = 0
                break
    return shelved if out is None else out


def closed_bottoms(edges: NDArray[np.uint8], cleaned: NDArray[np.uint8], solid: NDArray[np.uint8],
                   cfg: Config) -> NDArray[np.uint8]:
    """:func:`.morphology.close_open_bottoms` with the configured constants: the smallest
    object's area, the compactness of an object's inside (``hole_min_solidity``) and the gap's
    largest share of its perimeter (``open_bottom_max_gap``)."""
    mv = cfg.movement
    return close_open_bottoms(edges, cleaned, solid, min_area=cfg.classify.smallest_object_area,
                              min_solidity=mv.hole_min_solidity, max_gap_share=mv.open_bottom_max_gap)


def _device_masks(frames: Sequence[NDArray[np.uint8]], cfg: Config, *, given_edges: bool,
                  ) -> list[tuple[NDArray[np.uint8], NDArray[np.uint8], NDArray[np.uint8]]]:
    """(edges, cleaned, solid) of each frame, computed on the GPU in one batch per frame size:
    the frames go up (gray frames, or their edge maps when ``given_edges``), the multi-scale
    Canny (:mod:`fastiesi.backend.edges_batch`) and the masks
    (:mod:`fastiesi.backend.masks_batch`) run there, the three maps come back."""
    import cupy

    from ..backend.edges_batch import multiscale_canny_batch
    from ..backend.masks_batch import frame_masks_batch

    out: list[tuple[NDArray[np.uint8], NDArray[np.uint8], NDArray[np.uint8]] | None] = [None] * len(frames)
    for shape in dict.fromkeys(f.shape for f in frames):
        which = [i for i, f in enumerate(frames) if f.shape == shape]
        batch = cupy.asarray(np.stack([frames[i] for i in which]))
        edges = batch if given_edges else multiscale_canny_batch(batch, config=cfg.edges)
        solid, cleaned = frame_masks_batch(edges, config=cfg)
        edges, solid, cleaned = cupy.asnumpy(edges), cupy.asnumpy(solid), cupy.asnumpy(cleaned)
        for k, i in enumerate(which):
            out[i] = (edges[k], cleaned[k], solid[k])
    return out  # type: ignore[return-value]


def _unfill_rooms(solid: NDArray[np.uint8], cleaned: NDArray[np.uint8], found: Components, cfg: Config,
                  high_mask: NDArray[np.bool_] | None = None) -> NDArray[np.uint8]:
    """``solid`` with each mass too large to be any object where it stands (a ``found``
    component, as the finish labelled it, over Table 1's largest heavy-furniture area in the
    depth region the classification gives it, :func:`_over_heavy_cap_as_placed`) rebuilt from
    its own edges: every hole of its outlines
    (closed by the nested morphology's middle kernel) filled but the largest. Room lines (the
    ceiling, the wall corners, where wall and floor meet) can close round a whole wall, and hole
    filling then makes one mass of the wall and everything on it or before it (the window, a
    wardrobe); the wall is the largest hole, the objects the others. Shelving (``high_mask``,
    4.3) is left as it is: goods crowd its cells, and its own variant of the segmentation
    handles them. Returns ``solid`` itself when nothing is rebuilt."""
    # In the region the classification will give it: a wall closed by the room's lines and
    # reaching past the far region's arc is over the far cap, where its centroid lies, though
    # under the central one, where its lowest point is; classed as no object, it would take
    # what stands before it along.
    big = _over_heavy_cap_as_placed(found, DepthRegions(solid.shape, config=cfg.depth), cfg)
    if not big:
        return solid
    k = cfg.movement.morphology_kernels[len(cfg.movement.morphology_kernels) // 2]
    out = None
    for i in big:
        x, y, w, h = (int(v) for v in found.boxes[i])
        own = found.labels[y:y + h, x:x + w] == i
        if high_mask is not None and 2 * int(high_mask[y:y + h, x:x + w][own].sum()) > int(own.sum()):
            continue
        # The mass as the morphology left it (before the finish's erosion and line cutting).
        _, pieces = cv2.connectedComponents(solid[y:y + h, x:x + w], connectivity=8)
        under = np.unique(pieces[own])
        comp = np.isin(pieces, under[under > 0])
        lines = ((cleaned[y:y + h, x:x + w] > 0) & comp).astype(np.uint8) * np.uint8(255)
        lines = cv2.morphologyEx(lines, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
        holes = (fill_holes(lines) > 0) & (lines == 0)
        m, hole_labels, hstats, _ = cv2.connectedComponentsWithStats(holes.astype(np.uint8), connectivity=4)
        if m > 1:  # all the holes but the largest (the wall)
            holes &= hole_labels != 1 + int(np.argmax(hstats[1:, cv2.CC_STAT_AREA]))
        rebuilt = ((lines > 0) | holes) & comp
        if out is None:
            out = solid.copy()
        crop = out[y:y + h, x:x + w]
        crop[comp] = 0
        crop[rebuilt] = 255
    return solid if out is None else out


def larger_than_any_object(area: float, box: tuple[int, int, int, int], regions: DepthRegions, cfg: Config) -> bool:
    """Whether a region of ``area`` pixels whose box is ``box`` (x, y, w, h) is larger than
    Table 1's largest heavy furniture in the depth region of its lowest point: larger than any
    object where it stands."""
    x, y, w, h = box
    return area > cfg.classify.for_region(regions.region_of_point(x + w / 2.0, float(y + h - 1))).heavy_furniture.hi


def _over_heavy_cap(comps: Components, labels: NDArray[np.intp], regions: DepthRegions, cfg: Config) -> list[int]:
    """Those of ``labels`` larger than any object where they stand (:func:`larger_than_any_object`)."""
    smallest_cap = min(cfg.classify.for_region(r).heavy_furniture.hi for r in ("far", "central", "near"))
    return [int(i) for i in labels[comps.areas[labels] > smallest_cap]
            if larger_than_any_object(float(comps.areas[i]), tuple(int(v) for v in comps.boxes[i]), regions, cfg)]  # type: ignore[arg-type]


def _over_heavy_cap_as_placed(comps: Components, regions: DepthRegions, cfg: Config) -> list[int]:
    """The components larger than Table 1's largest heavy furniture in the region the
    classification gives them (:func:`.depth.object_placement`: a mass across two regions takes
    its centroid's), which then classes them as no object at all: what :func:`_unfill_rooms`
    rebuilds. :func:`oversized_masses` keeps :func:`_over_heavy_cap`'s lowest point: a shelving
    unit is judged where it stands (tested by the crop's origin moving its foot near)."""
    smallest_cap = min(cfg.classify.for_region(r).heavy_furniture.hi for r in ("far", "central", "near"))
    out = []
    for i in np.flatnonzero(comps.areas > smallest_cap):
        if i == 0:
            continue
        mask, offset = comps.mask(int(i))
        region = object_placement(mask, regions, offset=offset).region
        if comps.areas[i] > cfg.classify.for_region(region).heavy_furniture.hi:
            out.append(int(i))
    return out


def oversized_masses(objects: FrameObjects, regions: DepthRegions, *, config: Config | None = None) -> list[int]:
    """The labels of ``objects``' kept components that are larger than any object where they
    stand (Table 1's largest heavy furniture in the depth region of their lowest point) even
    after :func:`_unfill_rooms`: in a low-complexity segmentation, a shelving unit made one
    mass with everything on it (see
    :meth:`fastiesi.stages.complexity.ComplexityMap.read_as_mixed`)."""
    cfg = config or DEFAULT_CONFIG
    labels = np.asarray(objects.labels, dtype=np.intp)
    return _over_heavy_cap(objects.components, labels, regions, cfg)


def _finish(edges: NDArray[np.uint8], solid: NDArray[np.uint8], cfg: Config,
            cleaned: NDArray[np.uint8] | None = None, high_mask: NDArray[np.bool_] | None = None,
            gray: NDArray[np.uint8] | None = None) -> FrameObjects:
    """Erosion, line detaching, labelling and screens: the per-crop end of the segmentation;
    with the frame's cleaned edges, a mass too large to be an object is rebuilt from them and
    the finish run again (:func:`_unfill_rooms`; rare, so it costs nothing most of the time);
    with the frame's grey too, the filled holes that are wall are emptied and the finish run
    again (:func:`_open_wall_pieces`)."""
    # A low-complexity image (no high area) has no shelving: an upright hanging under a wider
    # part is a limb of that object, not a line (morphology.thin_lines).
    limbs = high_mask is None or not high_mask.any()
    found = _finish_once(edges, solid, cfg, limbs=limbs)
    if cleaned is None:
        return found
    rebuilt = _unfill_rooms(solid, cleaned, found.components, cfg, high_mask)
    if rebuilt is not solid:
        found = _finish_once(edges, rebuilt, cfg, limbs=limbs)
    if gray is not None:
        opened = _open_wall_pieces(rebuilt, cleaned, edges, gray, found, cfg, high_mask)
        if opened is not rebuilt:
            found = _finish_once(edges, opened, cfg, limbs=limbs)
    return found


def _open_wall_pieces(solid: NDArray[np.uint8], cleaned: NDArray[np.uint8], edges: NDArray[np.uint8],
                      gray: NDArray[np.uint8], found: FrameObjects, cfg: Config,
                      high_mask: NDArray[np.bool_] | None = None) -> NDArray[np.uint8]:
    """``solid`` with the filled holes that are wall (:func:`.walls.wall_pieces`) emptied, with
    the movement constants: holes closed by the nested morphology's middle kernel, the room's
    lines read past the objects' bodies (a line's width, 4.2.3, opened away), strips a line's
    width wide, wall and floor apart by half the change level (as :func:`.movement._wall_row`
    reads them), the piece's grey within the change level of the wall's (4.3), its bottom on the
    line within the foot tolerance (twice the jitter) and the outline's 3x3 dilation and erosion
    (2 px). Shelving (``high_mask``) is left to its own variant. Returns ``solid`` itself when
    nothing is emptied."""
    mv = cfg.movement
    k = mv.max_line_width_px
    kernel = mv.morphology_kernels[len(mv.morphology_kernels) // 2]
    interiors = found.mask > 0
    if high_mask is not None:
        interiors &= ~high_mask
    holes = interiors & (close(cleaned, kernel) == 0)
    lines, hidden = room_lines(edges, found.mask, k)
    pieces = wall_pieces(gray, holes, found.components, found.labels, lines, hidden,
                         min_area=cfg.classify.smallest_object_area, strip=k, step=mv.saliency_diff_binarize // 2,
                         fill=mv.wall_line_fill, same_grey=mv.saliency_diff_binarize,
                         foot=int(2 * mv.moved_min_displacement_px) + 2)
    if not pieces.any():
        return solid
    return np.where(cv2.dilate(pieces.astype(np.uint8), _K3) > 0, np.uint8(0), solid)


def _finish_once(edges: NDArray[np.uint8], solid: NDArray[np.uint8], cfg: Config, *,
                 limbs: bool = False) -> FrameObjects:
    """Erosion, the 5x5 opening that detaches thin lines, the line cut (``limbs``: see
    :func:`.morphology.thin_lines`), labelling, screens."""
    mv = cfg.movement
    solid = cv2.erode(solid, _K3, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    k = mv.line_detach_kernel
    if k > 1:
        solid = cv2.morphologyEx(solid, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    lines = thin_lines(solid, max_width=mv.max_line_width_px,
                       min_length=int(round(mv.line_elongation * mv.max_line_width_px)), limbs=limbs)
    solid = cv2.morphologyEx(solid & ~lines, cv2.MORPH_OPEN, _K3)
    comps = label_components(solid)
    keep = screen_components(comps, min_length=mv.min_object_length_px, max_line_width=mv.max_line_width_px,
                             line_elongation=mv.line_elongation)
    return FrameObjects(edges, solid, comps, keep)


def segment_objects(gray: NDArray[np.uint8], *, config: Config | None = None,
                    edges: NDArray[np.uint8] | None = None,
                    high_mask: NDArray[np.bool_] | None = None, backend: Backend = "cpu") -> FrameObjects:
    """Candidate objects of one enhanced gray frame (4.2.1-4.2.3).

    Parameters
    ----------
    gray : (H, W) uint8
        The enhanced (CLAHE + bilateral) frame.
    config : Config, optional
    edges : (H, W) uint8, optional
        Precomputed :func:`multiscale_canny` edges of ``gray``.
    high_mask : (H, W) bool, optional
        High-complexity (shelving) area, 4.1. There the goods stand side by side on boards a
        few pixels apart: only the smallest closing runs (a larger one would bridge the gaps
        between goods) and only compact holes are filled (the wall showing through a shelf cell
        around its goods is not an object interior), so each good stays its own component once
        the boards are cut away as lines.
    backend : {"cpu", "gpu"}, keyword-only
        Where the frame-wide masks are computed (resolved: see
        :func:`fastiesi.backend.select.resolve_backend`).
    """
    return FrameMasks(gray, config=config, edges=edges, backend=backend).objects(high_mask=high_mask)
