"""Two pieces of work side by side on a 2-thread budget (the pipeline's pre and post frames).

OpenCV, NumPy and the Numba kernels release the GIL, so a second thread uses a second core for
work that is mostly single-threaded calls into them. Where OpenCV was told to use one thread (a
batch worker per core, see :mod:`fastiesi.benchmark`), or from the second thread itself (no
nesting: the one helper thread would wait for itself), both run in turn.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

import cv2

A = TypeVar("A")
B = TypeVar("B")
_PREFIX = "fastiesi-side"
_POOL: ThreadPoolExecutor | None = None


def _forget_pool() -> None:
    global _POOL
    _POOL = None  # a forked child has none of the parent's threads: start afresh


os.register_at_fork(after_in_child=_forget_pool)


def side_by_side(f: Callable[[], A], g: Callable[[], B]) -> tuple[A, B]:
    """``(f(), g())``, with ``f`` on the helper thread while ``g`` runs on this one."""
    global _POOL
    if (cv2.getNumThreads() <= 1 or (os.cpu_count() or 1) <= 1
            or threading.current_thread().name.startswith(_PREFIX)):
        return f(), g()
    if _POOL is None:
        _POOL = ThreadPoolExecutor(1, thread_name_prefix=_PREFIX)
    pending = _POOL.submit(f)
    second = g()
    return pending.result(), second
