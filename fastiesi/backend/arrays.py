"""Array-module dispatch: the module follows the input array (NumPy or CuPy), never a switch."""

from __future__ import annotations

from typing import Any

import numpy as np


def array_module(array: Any) -> Any:
    """``cupy`` for a CuPy array, ``numpy`` otherwise; CuPy is imported only when one is given."""
    if type(array).__module__.split(".")[0] == "cupy":
        import cupy

        return cupy
    return np
