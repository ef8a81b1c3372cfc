"""Runs the paper's stages for one pre/post pair, timing each.

The order is the paper's (DESIGN.md): io -> preprocess (2.1) -> quality (2.2) -> register (2.3)
-> depth (3.1) -> complexity (4.1) -> movement (4.2/4.3) -> classify (3.2) -> intensity (4.4).
People removal (2.4) runs on the working-size colour frames before their enhancement, so no
feature, edge or saliency is computed on a person; its masks, the post one registered, keep
movement detection away from where people were.

The pre frame's own work (enhancement, AKAZE features) does not depend on the post frame; a
:class:`Reference` holds it so a monitoring system computes it once per camera.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ._threads import side_by_side
from .backend.select import Backend, resolve_backend
from .config import DEFAULT_CONFIG, OBJECT_CLASSES, Config
from .errors import FastIesiError
from .io import Frame, ImageLike, WorkingPair, load_frame, load_pair, to_working_size
from .report import Assessment, ClassCount, ObjectRecord, ShakeMeasurement
from .stages.brightness import compensate_brightness
from .stages.complexity import (
    ComplexityMap,
    complexity_from_power,
    detail_power,
    fast_dft_window,
)
from .stages.depth import DepthRegions
from .stages.intensity import rate_intensity
from .stages.movement import TrackedObject, detect_movement, shelf_area, shelving_units
from .stages.people import PeopleInFrame, PeopleRemover, describe_removed
from .stages.preprocess import Enhanced, enhance, to_gray
from .stages.quality import (
    Features,
    detect_features,
    judge_quality,
    judge_spread,
    match_stable,
)
from .stages.register import (
    RigidTransform,
    black_edge_crop,
    fit_rigid,
    warp_image,
    warp_to_pre,
)
from .stages.segment import FrameMasks, FrameObjects, oversized_masses

PEOPLE_OFF = "people removal (2.4) off: people walking through would count as moved objects"


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + (time.perf_counter() - t0) * 1e3


@dataclass(frozen=True)
class Reference:
    """The pre frame's work, computed once per camera: the working-size frame, its enhancement
    (2.1) and its AKAZE features (2.2)."""

    image: NDArray[np.uint8]
    enhanced: Enhanced
    features: Features
    source: str
    original_shape: tuple[int, int]
    notes: tuple[str, ...] = ()
    people: PeopleInFrame | None = None  # set when built with a PeopleRemover; image is then inpainted
    masks: FrameMasks | None = None  # the frame-wide segmentation (4.2), cropped for each pair
    power: NDArray[np.float32] | None = None  # the frame's detail power (4.1), cropped for each pair

    @classmethod
    def from_frame(cls, pre: ImageLike, *, config: Config | None = None,
                   people: PeopleRemover | None = None, backend: str = "cpu") -> "Reference":
        result = cls.from_frames([pre], config=config, people=people, backend=backend)[0]
        if isinstance(result, FastIesiError):
            raise result
        return result

    @classmethod
    def from_frames(cls, frames: Sequence[ImageLike], *, config: Config | None = None,
                    people: PeopleRemover | None = None, backend: str = "cpu") -> list["Reference | FastIesiError"]:
        """References of many cameras' pre frames at once: with ``backend`` "gpu" their
        frame-wide segmentation masks run as one batch on the device. A frame that cannot be
        used (missing, unreadable, too small) gives its error in its place; the others are built.
        """
        cfg = config or DEFAULT_CONFIG
        runs_on, _ = resolve_backend(backend)
        prepared: list[tuple[Frame, NDArray[np.uint8], PeopleInFrame | None, Enhanced] | FastIesiError] = []
        for pre in frames:
            try:
                frame = load_frame(pre, name="pre", config=cfg.frame)
            except FastIesiError as exc:
                prepared.append(exc)
                continue
            image = to_working_size(frame.image, config=cfg.frame)
            removed = None
            if people is not None:
                removed = people.remove([image])[0]
                image = removed.image
            prepared.append((frame, image, removed, enhance(image, config=cfg.enhance)))
        good = [p for p in prepared if not isinstance(p, FastIesiError)]
        masks = iter(FrameMasks.batch([enh.filtered for *_, enh in good], config=cfg, backend=runs_on))
        out: list[Reference | FastIesiError] = []
        for p in prepared:
            if isinstance(p, FastIesiError):
                out.append(p)
                continue
            frame, image, removed, enh = p
            out.append(cls(image, enh, detect_features(enh.filtered, config=cfg.quality), frame.source,
                           frame.original_shape, tuple(frame.notes), removed, next(masks),
                           detail_power(enh.filtered, config=cfg.complexity)))
        return out


def assess(pre: ImageLike | Reference, post: ImageLike, *, config: Config | None = None,
           people: PeopleRemover | None = None, backend: str = "cpu") -> Assessment:
    """Assess the seismic intensity shown by a pre/post pair of frames.

    Parameters
    ----------
    pre : path, (H, W[, C]) ndarray, or Reference
        The last frame before the shaking (or its precomputed :class:`Reference`).
    post : path or (H, W[, C]) ndarray
        The first frame after the shaking settled.
    config : Config, optional
        The method's constants; the paper's by default.
    people : PeopleRemover, optional
        Removes people from both frames first (2.4): ``PeopleRemover.default()`` needs no model
        files, ``PeopleRemover.from_models(...)`` runs the user's YOLOv8/SAM ONNX files. Off when
        None (recorded in the report's fallbacks). With a :class:`Reference`, its own removal is
        used for the pre frame.
    backend : {"cpu", "gpu", "auto"}
        Where the segmentation's frame-wide masks (4.2.2-4.2.3) are computed: "gpu" on the CUDA
        device (CuPy; an error where there is none), "auto" there when one is usable and on the
        CPU otherwise (recorded in the report's fallbacks). The other stages run on the CPU in
        this build. The report is the same on either.

    Returns
    -------
    Assessment
        ``status`` "ok" with an intensity, "rejected" with the reason (paper 2.2), or
        "incomplete" naming the stages this build lacks.

    Raises
    ------
    InputError
        A frame is missing, unreadable, too small, or the two do not show the same view.
    """
    cfg = config or DEFAULT_CONFIG
    runs_on, backend_fallback = resolve_backend(backend)
    timings: dict[str, float] = {}
    with _timed(timings, "load"):
        if isinstance(pre, Reference):
            ref = pre
            pair = load_pair(ref.image, post, config=cfg.frame)
            pair.pre_frame.source, pair.pre_frame.notes = ref.source, list(ref.notes)
            pair.pre_frame.original_shape = ref.original_shape
        else:
            pair = load_pair(pre, post, config=cfg.frame)
            ref = None
    removed: dict[str, PeopleInFrame] = {}
    fallbacks: list[str] = [] if backend_fallback is None else [backend_fallback]
    if people is None:
        fallbacks.append(PEOPLE_OFF)
    else:
        with _timed(timings, "people"):
            if ref is None:
                removed["pre"], removed["post"] = people.remove([pair.pre, pair.post])
                pair.pre = removed["pre"].image
            else:
                (removed["post"],) = people.remove([pair.post])
                if ref.people is not None:
                    removed["pre"] = ref.people
                else:
                    fallbacks.append("people removal (2.4) skipped for the pre frame: its Reference was built "
                                     "without a PeopleRemover")
            pair.post = removed["post"].image
        timings.update(people.timings_ms)
    if ref is None:
        with _timed(timings, "preprocess"):
            pre_enh = enhance(pair.pre, config=cfg.enhance)
        with _timed(timings, "features"):
            pre_feat = detect_features(pre_enh.filtered, config=cfg.quality)
    else:
        pre_enh, pre_feat = ref.enhanced, ref.features
    result = _run_stages(pair, pre_enh, pre_feat, cfg, timings, removed, None if ref is None else ref.masks,
                         None if ref is None else ref.power, runs_on)
    result.fallbacks[:0] = fallbacks
    result.inputs["backend"] = runs_on
    if people is not None:
        result.people_removed = describe_removed(removed)
        result.inputs["people_models"] = people.models
    return result


def _run_stages(pair: WorkingPair, pre_enh: Enhanced, pre_feat: Features, cfg: Config,
                timings: dict[str, float], removed: dict[str, PeopleInFrame],
                pre_masks: FrameMasks | None, pre_power: NDArray[np.float32] | None = None,
                backend: Backend = "cpu") -> Assessment:
    inputs = pair.describe()
    with _timed(timings, "brightness"):
        # The post frame's lighting brought to the pre frame's first (stages/brightness.py).
        post_lit, lighting = compensate_brightness(to_gray(pair.post), to_gray(pair.pre), config=cfg.brightness)
        inputs["lighting_change"] = None if lighting is None else lighting.describe(post_lit.shape)
    with _timed(timings, "preprocess"):
        post_enh = enhance(post_lit, config=cfg.enhance)
    with _timed(timings, "features"):
        post_feat = detect_features(post_enh.filtered, config=cfg.quality)
    with _timed(timings, "quality"):
        stable = match_stable(pre_feat, post_feat, config=cfg.quality)
        verdict = judge_quality(stable.distances, config=cfg.quality,
                                past_rotation=stable.distances_past_rotation() if cfg.quality.judge_past_rotation else None)
        spread_reason = judge_spread(stable, pair.pre.shape[:2], config=cfg.quality)
    if spread_reason is not None and not verdict.rejected:
        return Assessment(status="rejected", reason=spread_reason, timings_ms=timings, inputs=inputs)
    if verdict.rejected:
        shake = None if len(stable) < cfg.quality.min_stable_matches else ShakeMeasurement(
            verdict.level, verdict.mean_head, verdict.max_tail, (0.0, 0.0), 0.0, len(stable))
        return Assessment(status="rejected", reason=verdict.reason, shake=shake, timings_ms=timings, inputs=inputs)
    with _timed(timings, "register"):
        rigid = fit_rigid(stable.post, stable.pre, config=cfg.register)
        # Warp the enhanced post images (not the colour frame): they are what the later stages use.
        post_filtered, valid = warp_to_pre(post_enh.filtered, rigid)
        post_saliency = warp_image(post_enh.saliency, rigid)
        crop = black_edge_crop(valid, config=cfg.register)
    shake = ShakeMeasurement(verdict.level, verdict.mean_head, verdict.max_tail,
                             (float(rigid.translation[0]), float(rigid.translation[1])), rigid.angle_deg, len(stable))
    x, y, w, h = crop
    win = (slice(y, y + h), slice(x, x + w))
    exclude = _people_mask(removed, rigid, pair.pre.shape[:2], cfg.people.exclude_margin_px)
    pre_gray, post_gray = pre_enh.filtered[win], post_filtered[win]
    # Complexity (4.1) and the frame-wide segmentation masks (4.2) do not depend on each other:
    # they run side by side, each frame's on its own thread, or, when the pre frame's work is
    # cached (a Reference), the post frame's power beside its masks. The pre frame's power and
    # masks are frame-wide (cropped afterwards); the registered post frame's, on the crop (its
    # black edges are outside it). Each stage's time is its own work, measured on its thread,
    # so with two threads the stages' times add up to more than the pair's.
    fast = fast_dft_window(post_gray.shape)  # a shaken pair's crop has awkward DFT sides

    def power_of(gray: NDArray[np.uint8]) -> tuple[NDArray[np.float32], float]:
        t0 = time.perf_counter()
        return detail_power(gray, config=cfg.complexity), (time.perf_counter() - t0) * 1e3

    def masks_of(gray: NDArray[np.uint8]) -> tuple[FrameMasks, float]:
        t0 = time.perf_counter()
        return FrameMasks(gray, config=cfg, backend=backend), (time.perf_counter() - t0) * 1e3

    # Each thread returns its own times (no shared counter between the threads).
    if pre_power is not None and pre_masks is not None:
        (post_power, t_post_power), (post_masks, t_post_masks) = side_by_side(
            lambda: power_of(post_gray[fast]), lambda: masks_of(post_gray))
        t_pre_power = t_pre_masks = 0.0
    elif backend == "gpu":
        # One thread drives the device: CuPy's many small launches and syncs, from two threads at
        # once, wait on each other and on the GIL (measured on an H100: the pair's p50 224 ms
        # against 149 on the CPU). Both frames' power runs on the helper thread meanwhile.
        cached_power, cached_masks = pre_power, pre_masks
        powers, masks = side_by_side(
            lambda: (power_of(pre_enh.filtered) if cached_power is None else (cached_power, 0.0),
                     power_of(post_gray[fast])),
            lambda: (masks_of(pre_enh.filtered) if cached_masks is None else (cached_masks, 0.0),
                     masks_of(post_gray)))
        (pre_power, t_pre_power), (post_power, t_post_power) = powers
        (pre_masks, t_pre_masks), (post_masks, t_post_masks) = masks
    else:
        cached_power, cached_masks = pre_power, pre_masks
        pre_side, post_side = side_by_side(
            lambda: (power_of(pre_enh.filtered) if cached_power is None else (cached_power, 0.0),
                     masks_of(pre_enh.filtered) if cached_masks is None else (cached_masks, 0.0)),
            lambda: (power_of(post_gray[fast]), masks_of(post_gray)))
        (pre_power, t_pre_power), (pre_masks, t_pre_masks) = pre_side
        (post_power, t_post_power), (post_masks, t_post_masks) = post_side
    spent = {"complexity": t_pre_power + t_post_power, "segment": t_pre_masks + t_post_masks}
    with _timed(spent, "complexity"):
        cmap = complexity_from_power((pre_power[win][fast] + post_power) / 2, config=cfg.complexity,
                                     shape=post_gray.shape)
    regions = DepthRegions(pair.pre.shape[:2], origin=(x, y), config=cfg.depth)
    with _timed(spent, "segment"):
        # Each frame's objects within the crop, with the shelving variant where it is high.
        finished_pre = pre_masks

        def objects_of_both(cmap: ComplexityMap) -> tuple[FrameObjects, FrameObjects, Shelving | None]:
            shelving = _shelving_of(finished_pre.edges[win], regions, cfg) if cmap.level == "mixed" else None
            high = cmap.high_mask if shelving is None else cmap.high_mask | shelving[1]
            # Objects that stand mostly outside the high local PSD keep the plain variant whole.
            plain_where = (cmap.high_mask, regions) if cmap.level == "mixed" else None
            pre, post = side_by_side(lambda: finished_pre.objects(win, high_mask=high, plain_where=plain_where),
                                     lambda: post_masks.objects(high_mask=high, plain_where=plain_where))
            return pre, post, shelving

        pre_objects, post_objects, shelving = objects_of_both(cmap)
        mixed = _shelving_in_low(pre_objects, regions, cmap, cfg) if cmap.level == "low" else None
        if mixed is not None:
            cmap = mixed
            pre_objects, post_objects, shelving = objects_of_both(cmap)
    timings.update(spent)
    with _timed(timings, "movement"):
        result = detect_movement(
            pre_gray, post_gray, pre_objects, post_objects, pre_saliency=pre_enh.saliency[win],
            post_saliency=post_saliency[win], high_mask=cmap.high_mask, regions=regions, config=cfg,
            pre_keypoints=_keypoints_in_crop(pre_feat.points, pre_feat.descriptors, crop),
            post_keypoints=_keypoints_in_crop(_to_pre(post_feat.points, rigid), post_feat.descriptors, crop),
            exclude=None if exclude is None else exclude[win], shelving=shelving)
    with _timed(timings, "intensity"):
        moved, total = result.counts()
        rating = rate_intensity(moved, total, falls=result.falls, shake=verdict.level, config=cfg.intensity)
    classes = {c: ClassCount(m, t) for c, m, t in zip(OBJECT_CLASSES, moved, total)}
    records = [_record(i, o, (x, y)) for i, o in enumerate(result.objects)]
    reason = "no object moved: V or lower (the method cannot see below V)" if rating.nothing_moved else None
    fallbacks: list[str] = []
    return Assessment(status="ok", intensity=rating.intensity, reason=reason, rating=rating, shake=shake, crop=crop,
                      complexity=cmap.level, psd=cmap.psd, complexity_reason=_complexity_reason(cmap, cfg),
                      classes=classes, falls=result.falls, objects=records,
                      timings_ms=timings, fallbacks=fallbacks, inputs=inputs)


Shelving = tuple[NDArray[np.bool_], NDArray[np.bool_]]  # the shelf area and its shelving units


def _shelving_of(pre_edges: NDArray[np.uint8], regions: DepthRegions, cfg: Config) -> Shelving:
    """The pre frame's shelf area and its shelving units (:func:`.stages.movement.shelf_area`,
    :func:`.stages.movement.shelving_units`). In a mixed image the segmentation takes its
    shelving variant (4.3) over the high-complexity area and over the whole of each unit, whose
    plainer blocks (an empty cell, a board's row) fall below the local PSD's threshold: cut
    there by the low path, whose hole filling closes the cells, the unit welds to what stands
    before it. Which path judges an object is the PSD's still."""
    shelf = shelf_area(pre_edges, config=cfg)
    return shelf, shelving_units(shelf, regions, cfg)


def _shelving_in_low(pre_objects: FrameObjects, regions: DepthRegions, cmap: ComplexityMap,
                     cfg: Config) -> ComplexityMap | None:
    """The low map read as mixed (:meth:`ComplexityMap.read_as_mixed`) where the low path left a
    mass larger than any object where it stands, part of which lies where the local PSD is high
    (shelving whose frame's mean PSD came out low); None otherwise."""
    big = oversized_masses(pre_objects, regions, config=cfg)
    if not big:
        return None
    mixed = cmap.read_as_mixed(config=cfg.complexity)
    return mixed if mixed.high_mask[np.isin(pre_objects.components.labels, big)].any() else None


def _complexity_reason(cmap: ComplexityMap, cfg: Config) -> str | None:
    if not cmap.shelving_in_low:
        return None
    return (f"PSD {cmap.psd:.0f} is below {cfg.complexity.psd_low_max:.0f} (low), but the low path made one mass "
            f"of an area of high local PSD (shelving): read as mixed")


def _people_mask(removed: dict[str, PeopleInFrame], rigid: RigidTransform,
                 shape: tuple[int, int], margin: int) -> NDArray[np.bool_] | None:
    """Union of the pre frame's person mask and the post frame's, registered to the pre frame,
    grown by ``margin`` px (the inpainted rim)."""
    masks = []
    if "pre" in removed and removed["pre"].mask.any():
        masks.append(removed["pre"].mask)
    if "post" in removed and removed["post"].mask.any():
        masks.append(warp_image(removed["post"].mask.astype(np.uint8) * np.uint8(255), rigid) > 0)
    if not masks:
        return None
    out = np.zeros(shape, bool)
    for m in masks:
        out |= m
    if margin > 0:
        out = cv2.dilate(out.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1,) * 2)) > 0
    return out


def _to_pre(points: NDArray[np.float32], rigid: RigidTransform) -> NDArray[np.float64]:
    return points.astype(np.float64) @ rigid.rotation.T + rigid.translation


def _keypoints_in_crop(points: NDArray[np.floating], descriptors: NDArray[np.uint8],
                       crop: tuple[int, int, int, int]) -> tuple[NDArray[np.float64], NDArray[np.uint8]]:
    x, y, w, h = crop
    p = points.astype(np.float64) - (x, y)
    sel = (p[:, 0] >= 0) & (p[:, 0] < w) & (p[:, 1] >= 0) & (p[:, 1] < h)
    return p[sel], descriptors[sel]


def _record(i: int, o: TrackedObject, origin: tuple[int, int]) -> ObjectRecord:
    ox, oy = origin

    def box(b: tuple[int, int, int, int] | None) -> tuple[int, int, int, int] | None:
        return None if b is None else (b[0] + ox, b[1] + oy, b[2], b[3])

    def pt(c: tuple[float, float] | None) -> tuple[float, float] | None:
        return None if c is None else (c[0] + ox, c[1] + oy)

    return ObjectRecord(i, o.object_class, o.region, o.area, box(o.bbox_before), box(o.bbox_after),
                        pt(o.centroid_before), pt(o.centroid_after), o.displacement, o.moved, o.fell, o.path)
