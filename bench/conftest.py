"""Shared inputs for the operator benchmarks: one rendered 800x600 room pair, enhanced once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@pytest.fixture(scope="session")
def frames():
    from fastiesi.stages.edges import multiscale_canny
    from fastiesi.stages.preprocess import enhance
    from fastiesi.synth import render_intensity

    pair = render_intensity(7, seed=3, noise_sigma=2.0, jpeg_quality=90)
    pre, post = enhance(pair.pre), enhance(pair.post)
    return {"pre_bgr": pair.pre, "post_bgr": pair.post, "pre": pre, "post": post,
            "edges": multiscale_canny(pre.filtered)}
