"""Which backend runs a call: ``cpu``, ``gpu`` or ``auto`` (the GPU when one is usable).

A usable GPU is CuPy importable and at least one CUDA device answering. ``auto`` without one
runs on the CPU and says so once in the log and in every report's fallbacks; ``gpu`` without
one is an error naming what is missing.
"""

from __future__ import annotations

import functools
import logging
from typing import Literal

from ..errors import DeviceUnavailableError, InputError, MissingDependencyError

Backend = Literal["cpu", "gpu"]
BACKENDS = ("cpu", "gpu", "auto")
log = logging.getLogger("fastiesi")


_NO_CUPY = "CuPy is not installed (pip install 'fastiesi[cu13]' or 'fastiesi[cu12]')"


@functools.cache
def gpu_problem() -> str | None:
    """Why the GPU backend cannot run here, or None when it can (checked once a process)."""
    try:
        import cupy
    except ImportError:
        return _NO_CUPY
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "no CUDA device is visible"
    except Exception as exc:  # noqa: BLE001 - any CUDA runtime failure means no usable device
        return f"the CUDA runtime failed: {exc}"
    return None


@functools.cache
def _log_fallback(why: str) -> None:
    log.warning("backend auto: running on the CPU, %s", why)


def resolve_backend(name: str) -> tuple[Backend, str | None]:
    """The backend that runs, and the fallback to record when ``auto`` could not have the GPU.

    Raises
    ------
    InputError
        ``name`` is not one of cpu, gpu, auto.
    MissingDependencyError
        ``gpu`` was asked for where CuPy is not installed.
    DeviceUnavailableError
        ``gpu`` was asked for where CuPy finds no usable device.
    """
    if name not in BACKENDS:
        raise InputError(f"backend must be one of {', '.join(BACKENDS)}, got {name!r}")
    if name == "cpu":
        return "cpu", None
    why = gpu_problem()
    if why is None:
        return "gpu", None
    if name == "gpu":
        if why == _NO_CUPY:
            raise MissingDependencyError("cupy", extra="cu13", purpose="backend 'gpu'")
        raise DeviceUnavailableError(f"backend 'gpu' cannot run here: {why}")
    _log_fallback(why)
    return "cpu", f"backend auto ran on the CPU: {why}"
