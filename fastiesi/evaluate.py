"""End-to-end accuracy on rendered scenes with known truth (``fastiesi eval``, ``make eval``).

The set covers V..IX in low-complexity rooms and high-complexity stores, with camera shake
(none / slight / obvious), falls, lighting changes, sensor noise and JPEG compression, and rooms
with people walking through (assessed with the built-in people remover, 2.4). Each pair
is rendered by :mod:`fastiesi.synth`, assessed by :func:`fastiesi.pipeline.assess`, and scored:
exact intensity, within one degree, the absolute error of moved counts per class, and how many
of the pre frame's objects the segmentation found, per class (:func:`detections`): alone, or
only as part of a larger blob (welded to a neighbour or to the shelving), the rest lost. The
moved fractions that Table 3 rates are only as good as their denominators.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np

from .config import OBJECT_CLASSES
from .errors import InputError
from .stages.boxes import Box, box_iou, inside_share

Layout = Literal["room", "store"]


@dataclass(frozen=True)
class Case:
    intensity: int
    seed: int
    layout: Layout
    shake: Literal["none", "slight", "obvious"]
    falls: bool
    lighting: float
    noise_sigma: float
    jpeg_quality: int | None
    people: tuple[int, int] = (0, 0)  # people standing in the pre / post frame (removed, 2.4)
    exposure: float = 1.0  # both frames' grey levels times this (a dim or dark-lit scene)


@dataclass(frozen=True)
class Outcome:
    case: Case
    truth_intensity: int
    got_intensity: int | None
    status: str
    truth_moved: tuple[int, int, int, int]
    got_moved: tuple[int, int, int, int]
    truth_total: tuple[int, int, int, int]
    got_total: tuple[int, int, int, int]
    truth_falls: int
    got_falls: int
    complexity: str | None
    seconds: float
    # Of the pre frame's objects per class (truth_total): found alone / only inside a larger blob.
    found: tuple[int, int, int, int] = (0, 0, 0, 0)
    welded: tuple[int, int, int, int] = (0, 0, 0, 0)


def detections(truth: list[tuple[str, Box]], found: list[Box], *, min_iou: float = 0.5,
               ) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """How many of the pre frame's objects (``truth``: class and box) the segmentation found,
    per class: ``found`` holds the boxes of the objects it reported in the pre frame. An object
    is found alone when a reported box overlaps its own by ``min_iou`` (intersection over union,
    the usual detection criterion), welded when it is not but half its box or more lies in one
    reported box (it was counted as part of a larger blob), and lost otherwise."""
    if not 0.0 < min_iou <= 1.0:
        raise InputError(f"min_iou must be in (0, 1], got {min_iou}")
    alone, inside = [0, 0, 0, 0], [0, 0, 0, 0]
    for cls, box in truth:
        if cls not in OBJECT_CLASSES:
            raise InputError(f"unknown object class {cls!r}")
        k = OBJECT_CLASSES.index(cls)  # type: ignore[arg-type]
        if any(box_iou(box, b) >= min_iou for b in found):
            alone[k] += 1
        elif any(inside_share(box, b) >= 0.5 for b in found):
            inside[k] += 1
    return tuple(alone), tuple(inside)  # type: ignore[return-value]


def cases(per_intensity_room: int = 8, per_intensity_store: int = 4, per_intensity_people: int = 2, *,
          first_seed: int = 0, exposure: float = 1.0) -> list[Case]:
    """The evaluation set: every intensity V..IX, each with a deterministic spread of conditions;
    the ``people`` rooms have someone walking in (and in some, someone else walking out), and are
    assessed with the built-in people remover. ``exposure`` scales every frame's levels (0.6: the
    same scenes shot dim), to measure how the method holds in poor light."""
    if not exposure > 0:
        raise InputError(f"exposure must be positive, got {exposure}")
    out: list[Case] = []
    for layout, n in (("room", per_intensity_room), ("store", per_intensity_store)):
        for intensity in range(5, 10):
            for k in range(n):
                seed = first_seed + k
                shake = ("none", "slight", "none", "obvious")[k % 4]
                if shake == "obvious" and intensity == 5:
                    shake = "slight"  # obvious shake adds a degree: a final V cannot have it
                falls = intensity == 7 and k % 2 == 1 and shake != "obvious"
                if intensity == 8 and shake == "obvious" and k % 8 == 3:
                    falls = True  # a fall to VII, then the shake's +1: the two corrections together
                out.append(Case(intensity, seed, layout, shake, falls, lighting=(0.0, 0.5, 1.0)[k % 3],  # type: ignore[arg-type]
                                noise_sigma=2.0 if k % 2 == 0 else 4.0, jpeg_quality=(None, 90, 75)[k % 3],
                                exposure=exposure))
    for intensity in range(5, 10):
        for k in range(per_intensity_people):
            out.append(Case(intensity, first_seed + 20 + k, "room", "slight", False, 0.0, 2.0, 90,
                            people=(k % 2, 1), exposure=exposure))
    return out


def run_case(case: Case) -> Outcome | None:
    """The case rendered and assessed; None when the generator cannot place a scene whose truth
    rates the case's intensity from its seed (a few store IX seeds: not an engine result)."""
    from .pipeline import assess
    from .stages.people import PeopleRemover
    from .synth.scene import render_intensity

    try:
        pair = render_intensity(case.intensity, seed=case.seed, falls=case.falls, shake=case.shake,
                                layout=case.layout, lighting=case.lighting, noise_sigma=case.noise_sigma,
                                jpeg_quality=case.jpeg_quality, people=case.people)
    except InputError:
        return None
    remover = PeopleRemover.default() if any(case.people) else None
    pre, post = pair.pre, pair.post
    if case.exposure != 1.0:  # the sensor's levels scaled, saturating at 255
        pre, post = (cv2.convertScaleAbs(f, alpha=case.exposure) for f in (pre, post))
    t0 = time.perf_counter()
    a = assess(pre, post, people=remover)
    dt = time.perf_counter() - t0
    got_m = tuple(a.classes[c].moved if c in a.classes else 0 for c in OBJECT_CLASSES)
    got_t = tuple(a.classes[c].total if c in a.classes else 0 for c in OBJECT_CLASSES)
    # Truth boxes are in the pre view, as the report's (its crop's origin added back).
    found, welded = detections([(o.object_class, o.bbox_before) for o in pair.truth.objects],
                               [r.bbox_before for r in a.objects if r.bbox_before is not None])
    return Outcome(case, pair.truth.intensity, a.intensity, a.status, pair.truth.moved, got_m,  # type: ignore[arg-type]
                   pair.truth.total, got_t, pair.truth.falls, a.falls, a.complexity, dt, found, welded)  # type: ignore[arg-type]


def _hits(ratings: list[tuple[int | None, int]]) -> tuple[int, int]:
    """How many (got, truth) ratings are exact and how many within one degree (None: no rating)."""
    exact = sum(g == t for g, t in ratings)
    within = sum(g is not None and abs(g - t) <= 1 for g, t in ratings)
    return exact, within


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """Exact and within-one accuracy, overall and per layout and intensity; moved-count MAE."""
    def block(sel: list[Outcome]) -> dict[str, Any]:
        if not sel:
            return {"pairs": 0}
        exact, within = _hits([(o.got_intensity, o.truth_intensity) for o in sel])
        mae = np.abs(np.array([o.got_moved for o in sel]) - np.array([o.truth_moved for o in sel])).mean(axis=0)
        truth = np.array([o.truth_total for o in sel]).sum(axis=0)

        def share(counts: list[tuple[int, int, int, int]]) -> dict[str, float | None]:
            got = np.array(counts).sum(axis=0)
            return {c: (round(float(g / t), 3) if t else None) for c, g, t in zip(OBJECT_CLASSES, got, truth)}

        return {"pairs": len(sel), "exact": exact / len(sel), "within_one": within / len(sel),
                "moved_mae": {c: round(float(v), 3) for c, v in zip(OBJECT_CLASSES, mae)},
                "found": share([o.found for o in sel]), "welded": share([o.welded for o in sel]),
                "median_assess_ms": round(1e3 * float(np.median([o.seconds for o in sel])), 1)}

    out: dict[str, Any] = {"all": block(outcomes)}
    for layout in ("room", "store"):
        out[layout] = block([o for o in outcomes if o.case.layout == layout and not any(o.case.people)])
    out["people"] = block([o for o in outcomes if any(o.case.people)])
    out["by_intensity"] = {str(i): block([o for o in outcomes if o.truth_intensity == i]) for i in range(5, 10)}
    return out


def evaluate(selected: list[Case], *, workers: int | None = None) -> tuple[list[Outcome], dict[str, Any]]:
    if not selected:
        raise InputError("no evaluation cases selected")
    n = workers or min(len(selected), os.cpu_count() or 1)
    if n > 1:
        with ProcessPoolExecutor(n) as pool:
            ran = list(pool.map(run_case, selected))
    else:
        ran = [run_case(c) for c in selected]
    outcomes = [o for o in ran if o is not None]
    if not outcomes:
        raise InputError("none of the selected cases could be rendered")
    summary = summarize(outcomes)
    summary["not_rendered"] = [asdict(c) for c, o in zip(selected, ran) if o is None]
    return outcomes, summary


def write_result(outcomes: list[Outcome], summary: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [asdict(o) for o in outcomes]
    path.write_text(json.dumps({"summary": summary, "pairs": rows}, indent=1) + "\n", encoding="utf-8")
    return path


def _case_key(case: dict[str, Any]) -> tuple[Any, ...]:
    return (case["layout"], case["intensity"], case["seed"], tuple(case["people"]))


def _totals(rows: list[dict[str, Any]]) -> dict[str, int | None]:
    def l1(a: str, b: str) -> int:
        return sum(abs(x - y) for r in rows for x, y in zip(r[a], r[b]))

    exact, within = _hits([(r["got_intensity"], r["truth_intensity"]) for r in rows])
    # Files written before the detection score have no "found": none for the set then.
    found = sum(sum(r["found"]) for r in rows) if all("found" in r for r in rows) else None
    return {"pairs": len(rows), "exact": exact, "within_one": within,
            "moved_l1": l1("got_moved", "truth_moved"), "total_l1": l1("got_total", "truth_total"),
            "found": found}


_ROW_FIELDS = ("case", "truth_intensity", "got_intensity", "truth_moved", "got_moved", "truth_total", "got_total")


def check_result(result: Any, name: str = "result") -> None:
    """Raise :class:`InputError` unless ``result`` reads as a file :func:`write_result` wrote."""
    if not isinstance(result, dict) or not isinstance(result.get("pairs"), list):
        raise InputError(f"the {name} result has no 'pairs' list: not a file written by fastiesi eval")
    for row in result["pairs"]:
        missing = [f for f in _ROW_FIELDS if not isinstance(row, dict) or f not in row]
        if missing or not isinstance(row["case"], dict) or any(
                k not in row["case"] for k in ("layout", "intensity", "seed", "people")):
            raise InputError(f"the {name} result has a pair without {', '.join(missing) or 'its case fields'}: "
                             "not a file written by fastiesi eval")


def compare_results(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Two result files (:func:`write_result`) of the same cases side by side: the totals of the
    pairs both hold (exact, within one, L1 of the moved and total counts, objects found alone:
    :func:`detections`), the pairs whose rating
    changed (``fixed``: now exact, was not; ``broke``: was exact, is not; ``wrong``: wrong both
    times, another degree) and the pairs only one of them holds. A change to the engine is judged
    on a set as a whole: a fix in one pair often costs another."""
    check_result(base, "base")
    check_result(new, "new")
    a = {_case_key(r["case"]): r for r in base["pairs"]}
    b = {_case_key(r["case"]): r for r in new["pairs"]}
    both = [k for k in a if k in b]
    changes: dict[str, list[dict[str, Any]]] = {"fixed": [], "broke": [], "wrong": []}
    for k in both:
        ra, rb = a[k], b[k]
        if ra["got_intensity"] == rb["got_intensity"]:
            continue
        was, now = ra["got_intensity"] == ra["truth_intensity"], rb["got_intensity"] == rb["truth_intensity"]
        kind = "fixed" if now and not was else "broke" if was and not now else "wrong"
        changes[kind].append({"case": rb["case"], "truth": rb["truth_intensity"], "was": ra["got_intensity"],
                              "now": rb["got_intensity"], "moved": [ra["got_moved"], rb["got_moved"]],
                              "total": [ra["got_total"], rb["got_total"]],
                              "truth_moved": rb["truth_moved"], "truth_total": rb["truth_total"]})
    return {"base": _totals([a[k] for k in both]), "new": _totals([b[k] for k in both]), **changes,
            "only_base": [a[k]["case"] for k in a if k not in b], "only_new": [b[k]["case"] for k in b if k not in a]}


def format_comparison(cmp: dict[str, Any]) -> str:
    cols = ("pairs", "exact", "within_one", "moved_l1", "total_l1", "found")
    lines = [f"{'':<6}" + "".join(f"{c:>12}" for c in cols)]
    for name in ("base", "new"):
        lines.append(f"{name:<6}" + "".join(f"{'-' if cmp[name].get(c) is None else cmp[name][c]:>12}" for c in cols))
    for kind in ("fixed", "broke", "wrong"):
        for c in cmp[kind]:
            k = c["case"]
            who = f"{k['layout']} {k['intensity']} seed {k['seed']}" + (" people" if any(k["people"]) else "")
            lines.append(f"{kind:<6} {who}: truth {c['truth']}, {c['was']} -> {c['now']}; moved "
                         f"{c['moved'][0]} -> {c['moved'][1]} (truth {c['truth_moved']}), total "
                         f"{c['total'][0]} -> {c['total'][1]} (truth {c['truth_total']})")
    for name in ("only_base", "only_new"):
        if cmp[name]:
            lines.append(f"{len(cmp[name])} pairs only in the {name[5:]} result (not compared)")
    return "\n".join(lines)


def format_table(summary: dict[str, Any]) -> str:
    lines = [f"{'set':<10}{'pairs':>6}{'exact':>8}{'within 1':>10}   moved MAE (small, light, furn., heavy)"]
    for name in ("room", "store", "people", "all"):
        b = summary[name]
        if not b["pairs"]:
            continue
        mae = ", ".join(f"{v:.2f}" for v in b["moved_mae"].values())
        lines.append(f"{name:<10}{b['pairs']:>6}{b['exact']:>8.1%}{b['within_one']:>10.1%}   {mae}")
    for i, b in summary["by_intensity"].items():
        if b["pairs"]:
            lines.append(f"{'I=' + i:<10}{b['pairs']:>6}{b['exact']:>8.1%}{b['within_one']:>10.1%}")
    lines.append(f"{'set':<10}objects found alone + in a larger blob, % of the truth (small, light, furn., heavy)")
    for name in ("room", "store", "people", "all"):
        b = summary[name]
        if b["pairs"] and "found" in b:
            lines.append(f"{name:<10}" + ", ".join(
                "-" if f is None else f"{100 * f:.0f} + {100 * w:.0f}"
                for f, w in zip(b["found"].values(), b["welded"].values())))
    for c in summary.get("not_rendered", []):
        lines.append(f"not rendered (the generator found no such scene): {c['layout']} {c['intensity']} seed {c['seed']}")
    return "\n".join(lines)
