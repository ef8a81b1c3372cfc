"""Loader for the CUDA sources in ``kernels/``: one ``cupy.RawModule`` per (source, device),
compiled on first use and memoized, so each kernel compiles once per process and GPU."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from .._optional import optional_module
from ..errors import InputError

KERNEL_DIR = Path(__file__).resolve().parents[2] / "kernels"
NVRTC_OPTIONS = ("-std=c++17",)


def cupy() -> Any:
    return optional_module("cupy", extra="cu13", purpose="the GPU backend and TensorRT device buffers")


def kernel_source(source: str) -> str:
    """The text of ``kernels/<source>.cu``."""
    path = KERNEL_DIR / f"{source}.cu"
    if not path.is_file():
        raise InputError(f"CUDA source {source}.cu not found (looked in {KERNEL_DIR})")
    return path.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def _module(source: str, device: int) -> Any:
    cp = cupy()
    with cp.cuda.Device(device):
        return cp.RawModule(code=kernel_source(source), options=NVRTC_OPTIONS)


def get_kernel(source: str, name: str) -> Any:
    """The ``extern "C"`` kernel ``name`` from ``kernels/<source>.cu``, for the current device."""
    return _module(source, int(cupy().cuda.Device().id)).get_function(name)
