"""Optional dependencies (ONNX Runtime, TensorRT, CuPy, Numba), imported on first use.

A missing one raises :class:`MissingDependencyError` naming the extra that installs it, and is
logged once per process, however often it is asked for.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType

from .errors import MissingDependencyError

log = logging.getLogger("fastiesi")
_missing_logged: set[str] = set()


def optional_module(name: str, *, extra: str, purpose: str) -> ModuleType:
    """``importlib.import_module(name)``, or a clear error saying how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if name not in _missing_logged:
            _missing_logged.add(name)
            log.warning("%s is not installed (pip install 'fastiesi[%s]'): %s is unavailable", name, extra, purpose)
        raise MissingDependencyError(name.split(".")[0], extra=extra, purpose=purpose) from None
