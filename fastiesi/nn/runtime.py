"""Opening a user's ONNX model on the chosen runtime: ONNX Runtime (CPU) or TensorRT (GPU,
through a cached engine built from the same file with a recipe from ``engines/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Sequence

from ..errors import InputError
from .onnx_session import ModelSignature, OnnxModel

Runtime = Literal["onnxruntime", "tensorrt"]
RUNTIMES: tuple[Runtime, ...] = ("onnxruntime", "tensorrt")


def open_model(path: str | Path, *, role: str, recipe: str, runtime: Runtime = "onnxruntime",
               providers: Sequence[str] | None = None, cache: Path | None = None) -> ModelSignature:
    """The model at ``path`` ready to run: an ONNX Runtime session, or the TensorRT plan for it
    under ``recipe`` (built and cached on first use)."""
    if runtime == "onnxruntime":
        return OnnxModel(path, role=role, providers=providers)
    if runtime == "tensorrt":
        from .tensorrt import TrtModel, ensure_engine, load_recipe

        return TrtModel(ensure_engine(path, load_recipe(recipe), cache=cache), role=role)
    raise InputError(f"runtime must be one of {', '.join(RUNTIMES)}, got {runtime!r}")
