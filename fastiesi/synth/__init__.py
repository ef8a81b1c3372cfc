"""Synthetic rooms with known truth: the project's own test data and the demo's input."""

from .scene import (SceneSpec, SyntheticPair, Truth, TruthObject, render_intensity, render_pair,
                    shake_statistics, spec_for_intensity)

__all__ = ["SceneSpec", "SyntheticPair", "Truth", "TruthObject", "render_pair", "render_intensity",
           "spec_for_intensity", "shake_statistics"]
