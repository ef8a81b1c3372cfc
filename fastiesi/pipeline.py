"""Runs the paper's stages for one pre/post pair, timing each.

The order is the paper's (DESIGN.md): io -> preprocess (2.1) -> quality (2.2) -> register (2.3)
-> people (2.4) -> depth (3.1) -> complexity (4.1) -> movement (4.2/4.3) -> classify (3.2)
-> intensity (4.4). A stage this build lacks raises StageNotAvailableError: the engine never
reports an intensity it did not measure.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from .config import DEFAULT_CONFIG, Config
from .errors import StageNotAvailableError
from .io import ImageLike, WorkingPair, load_pair
from .report import Assessment

#: Stages of the paper this build does not implement yet, in pipeline order (stage, section).
MISSING_STAGES: tuple[tuple[str, str], ...] = (
    ("preprocess", "2.1.2-2.1.4"),
    ("quality", "2.2"),
    ("register", "2.3"),
    ("people", "2.4"),
    ("complexity", "4.1"),
    ("movement", "4.2-4.3"),
)


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = (time.perf_counter() - t0) * 1e3


def assess(pre: ImageLike, post: ImageLike, *, config: Config | None = None) -> Assessment:
    """Assess the seismic intensity shown by a pre/post pair of frames.

    Parameters
    ----------
    pre, post : path or (H, W[, C]) ndarray
        The last frame before the shaking and the first after it settled.
    config : Config, optional
        The method's constants; the paper's by default.

    Returns
    -------
    Assessment
        ``status`` "ok" with an intensity, or "rejected" with the reason.

    Raises
    ------
    InputError
        A frame is missing, unreadable, too small, or the two do not show the same view.
    StageNotAvailableError
        A stage of the method is not in this build (no intensity is invented).
    """
    cfg = config or DEFAULT_CONFIG
    timings: dict[str, float] = {}
    with _timed(timings, "load"):
        pair = load_pair(pre, post, config=cfg.frame)
    return _run_stages(pair, cfg, timings)


def _run_stages(pair: WorkingPair, cfg: Config, timings: dict[str, float]) -> Assessment:
    stage, section = MISSING_STAGES[0]
    raise StageNotAvailableError(stage, section)
