"""GPU connected-component labelling (Numba CUDA) against OpenCV, run under Numba's CUDA
simulator on tiny images when there is no GPU (CI), and on the device where there is one."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

if shutil.which("nvidia-smi") is None:  # no GPU: the simulator (numba reads this when imported)
    os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")
pytest.importorskip("numba")

from fastiesi.backend.ccl_cuda import label_components_cuda  # noqa: E402
from fastiesi.stages.components import label_components  # noqa: E402


def _same_partition(ours: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Assert both labellings cut the image into the same components (numbering may differ:
    ours follows each component's first pixel in raster order, OpenCV's its block scan) and
    return the map from our labels to OpenCV's."""
    assert ((ours > 0) == (ref > 0)).all()
    pairs = np.unique(np.stack([ours.ravel(), ref.ravel()], axis=1), axis=0)
    assert len(np.unique(pairs[:, 0])) == len(pairs) == len(np.unique(pairs[:, 1]))  # a bijection
    to_ref = np.zeros(ours.max() + 1, np.int64)
    to_ref[pairs[:, 0]] = pairs[:, 1]
    return to_ref


def _ref(m: np.ndarray):
    c = label_components(m)
    return c.labels, c.areas, c.boxes, c.centroids


@pytest.mark.parametrize("seed", range(3))
def test_matches_opencv_on_random_masks(seed):
    rng = np.random.default_rng(seed)
    masks = ((rng.random((2, 12, 17)) < 0.45) * 255).astype(np.uint8)
    for m, (labels, areas, boxes, cents) in zip(masks, label_components_cuda(masks)):
        r_labels, r_areas, r_boxes, r_cents = _ref(m)
        to_ref = _same_partition(labels, r_labels)
        ours = np.arange(1, len(areas))
        np.testing.assert_array_equal(areas[ours], r_areas[to_ref[ours]])
        np.testing.assert_array_equal(boxes[ours], r_boxes[to_ref[ours]])
        np.testing.assert_allclose(cents[ours], r_cents[to_ref[ours]], atol=1e-9)


def test_spiral_needs_many_merges():
    # A spiral is one component whose pixels meet their root only through long chains.
    m = np.zeros((15, 15), np.uint8)
    m[1, 1:14] = m[1:14, 13] = m[13, 1:14] = m[3:14, 1] = m[3, 1:12] = m[3:12, 11] = m[11, 3:12] = 255
    m[5:12, 3] = m[5, 3:10] = m[5:10, 9] = m[9, 5:10] = 255
    labels, areas, *_ = label_components_cuda(m)[0]
    r_labels, r_areas, *_ = _ref(m)
    _same_partition(labels, r_labels)
    assert labels.max() == 1 and areas[1] == r_areas[1]


def test_empty_and_full():
    (lab0, a0, *_), (lab1, a1, *_) = label_components_cuda(np.stack([np.zeros((5, 6), np.uint8),
                                                                     np.full((5, 6), 255, np.uint8)]))
    assert not lab0.any() and len(a0) == 1
    assert (lab1 == 1).all() and a1[1] == 30


@pytest.mark.parametrize("shape", [(7, 9), (8, 8), (1, 5), (5, 1), (3, 3)])
@pytest.mark.parametrize("density", [0.3, 0.6])
def test_odd_sizes_and_densities(shape, density):
    # Odd sides leave half blocks at the right and bottom edges.
    rng = np.random.default_rng(hash((shape, density)) % 2**32)
    masks = ((rng.random((3, *shape)) < density) * 255).astype(np.uint8)
    for m, (labels, areas, boxes, _) in zip(masks, label_components_cuda(masks)):
        r_labels, r_areas, r_boxes, _ = _ref(m)
        to_ref = _same_partition(labels, r_labels)
        ours = np.arange(1, len(areas))
        assert sorted(np.unique(labels[labels > 0])) == list(ours)  # consecutive from 1
        np.testing.assert_array_equal(areas[ours], r_areas[to_ref[ours]])
        np.testing.assert_array_equal(boxes[ours], r_boxes[to_ref[ours]])


@pytest.mark.parametrize("pattern", ["nw", "ne", "checker"])
def test_diagonal_links_across_block_corners(pattern):
    # Pixels that touch only at a corner, across the corner of two 2x2 blocks.
    m = np.zeros((6, 6), np.uint8)
    if pattern == "nw":
        m[1, 1] = m[2, 2] = 255  # block (0,0)'s bottom-right and block (1,1)'s top-left
    elif pattern == "ne":
        m[1, 2] = m[2, 1] = 255  # block (1,0)'s bottom-left and block (0,1)'s top-right
    else:
        m[(np.add.outer(np.arange(6), np.arange(6)) % 2) == 0] = 255
    labels, areas, *_ = label_components_cuda(m)[0]
    r_labels, *_ = _ref(m)
    _same_partition(labels, r_labels)
    assert labels.max() == 1 and areas[1] == (m > 0).sum()


def test_device_labels_stay_on_the_device():
    from numba import cuda

    from fastiesi.backend.ccl_cuda import label_components_device
    rng = np.random.default_rng(9)
    masks = ((rng.random((2, 10, 13)) < 0.5) * 255).astype(np.uint8)
    res = label_components_device(cuda.to_device(masks))
    assert hasattr(res.labels, "copy_to_host") and res.labels.shape == (2, 10, 13)
    for z in range(2):
        r_labels, r_areas, *_ = _ref(masks[z])
        assert len(res.areas[z]) == len(r_areas) and res.areas[z][0] == 0
        _same_partition(res.labels.copy_to_host()[z], r_labels)


def test_numpy_that_numba_cuda_cannot_launch_under_is_named(monkeypatch):
    # numba-cuda registers np.row_stack when its first kernel launches, and NumPy 2.5 removed it:
    # the labelling fails up front with the cause and the fix, not deep inside Numba.
    import importlib

    from fastiesi.backend import ccl_cuda
    from fastiesi.errors import DeviceUnavailableError

    real = importlib.import_module

    def broken(name, *a, **k):
        if name == "numba.cuda.cudaimpl":
            raise AttributeError("module 'numpy' has no attribute 'row_stack'")
        return real(name, *a, **k)

    monkeypatch.setenv("NUMBA_ENABLE_CUDASIM", "0")
    monkeypatch.setattr(ccl_cuda.importlib, "import_module", broken)
    ccl_cuda._check_numba_cuda_compiles.cache_clear()
    try:
        with pytest.raises(DeviceUnavailableError, match=r"numpy<2\.5"):
            label_components_cuda(np.zeros((4, 4), np.uint8))
    finally:
        ccl_cuda._check_numba_cuda_compiles.cache_clear()
