"""The two-thread helper: results in order, no deadlock when nested, in turn on one thread."""

from __future__ import annotations

import threading

import cv2
import pytest

from fastiesi._threads import side_by_side


def test_results_in_order():
    assert side_by_side(lambda: 1, lambda: "two") == (1, "two")


def test_nested_from_the_helper_thread_runs_in_turn():
    def inner():
        return side_by_side(lambda: threading.current_thread().name, lambda: 3)

    (name, three), outer = side_by_side(inner, lambda: "g")
    assert three == 3 and outer == "g"
    if cv2.getNumThreads() > 1:
        assert name.startswith("fastiesi-side")  # ran on the helper, in turn, without waiting on itself


def test_one_opencv_thread_means_one_thread(monkeypatch):
    monkeypatch.setattr(cv2, "getNumThreads", lambda: 1)
    here = threading.current_thread().name
    names = side_by_side(lambda: threading.current_thread().name, lambda: threading.current_thread().name)
    assert names == (here, here)


def test_an_error_in_either_reaches_the_caller():
    def boom():
        raise ValueError("f failed")

    with pytest.raises(ValueError, match="f failed"):
        side_by_side(boom, lambda: 1)
