"""GPU kernels against the CPU path on random inputs (exact: the outputs are integers).
Marked ``gpu``: skipped cleanly where there is no CUDA device or no CuPy."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fastiesi.stages.edges import edge_density
from fastiesi.stages.morphology import region_adaptive_median

pytestmark = pytest.mark.gpu
cp = pytest.importorskip("cupy")
try:
    if cp.cuda.runtime.getDeviceCount() < 1:
        pytest.skip("no CUDA device", allow_module_level=True)
except Exception:  # noqa: BLE001 - any CUDA runtime failure means no usable device
    pytest.skip("no usable CUDA device", allow_module_level=True)

from fastiesi.backend.gpu_ops import (  # noqa: E402
    absdiff_threshold_gpu,
    box_morph_gpu,
    edge_density_gpu,
    region_median_gpu,
    saliency_gpu,
)


def _binary(rng, shape, p):
    return ((rng.random(shape) < p) * 255).astype(np.uint8)


@pytest.mark.parametrize("shape", [(1, 7, 9), (3, 60, 80), (2, 600, 800)])
def test_edge_density(shape):
    rng = np.random.default_rng(0)
    x = _binary(rng, shape, 0.2)
    got = cp.asnumpy(edge_density_gpu(cp.asarray(x)))
    for i in range(shape[0]):
        np.testing.assert_array_equal(got[i], edge_density(x[i]))


def test_absdiff_threshold():
    rng = np.random.default_rng(1)
    a, b = (rng.integers(0, 256, (4, 120, 160), dtype=np.uint8) for _ in range(2))
    got = cp.asnumpy(absdiff_threshold_gpu(cp.asarray(a), cp.asarray(b), 25))
    for i in range(4):
        np.testing.assert_array_equal(got[i], cv2.threshold(cv2.absdiff(a[i], b[i]), 25, 255, cv2.THRESH_BINARY)[1])


# 121 is too large for the fused tile (the separable passes run); (2, 75, 301) spans several
# tiles of 128 x 32 with ragged last ones.
@pytest.mark.parametrize("shape", [(3, 90, 130), (2, 75, 301)])
@pytest.mark.parametrize("k", [3, 7, 13, 31, 121])
def test_dilate_and_erode(k, shape):
    rng = np.random.default_rng(k)
    n, h, w = shape
    specks = _binary(rng, shape, 0.3)
    # Blobs of 6-pixel cells, so that erosion by a large square leaves something.
    blobs = np.stack([cv2.resize(_binary(rng, (h // 6 + 1, w // 6 + 1), 0.7), (w, h), interpolation=cv2.INTER_NEAREST)
                      for _ in range(n)])
    square = np.ones((k, k), np.uint8)
    for x in (specks, blobs):
        dil = cp.asnumpy(box_morph_gpu(cp.asarray(x), k, "dilate"))
        ero = cp.asnumpy(box_morph_gpu(cp.asarray(x), k, "erode"))
        for i in range(n):
            np.testing.assert_array_equal(dil[i], cv2.dilate(x[i], square, borderType=cv2.BORDER_CONSTANT,
                                                             borderValue=0))
            np.testing.assert_array_equal(ero[i], cv2.erode(x[i], square))


def test_region_median():
    rng = np.random.default_rng(2)
    x = _binary(rng, (2, 600, 800), 0.4)
    sizes = np.array([[3, 5, 3], [5, 5, 3], [3, 3, 5]])
    got = cp.asnumpy(region_median_gpu(cp.asarray(x), sizes))
    for i in range(2):
        np.testing.assert_array_equal(got[i], region_adaptive_median(x[i], sizes))


def test_region_median_a_grid_per_image():
    rng = np.random.default_rng(4)
    x = _binary(rng, (3, 120, 160), 0.4)
    base = np.array([[3, 5, 3], [5, 5, 3], [3, 3, 5]])
    sizes = np.stack([base, base.T, np.full_like(base, 5)])
    got = cp.asnumpy(region_median_gpu(cp.asarray(x), sizes))
    for i in range(3):
        np.testing.assert_array_equal(got[i], region_adaptive_median(x[i], sizes[i]))


def test_region_median_grid_count_must_match():
    from fastiesi.errors import InputError

    with pytest.raises(InputError, match="size grids"):
        region_median_gpu(cp.zeros((2, 30, 30), cp.uint8), np.full((3, 3, 3), 3))


def test_saliency_within_one_grey_level():
    from fastiesi.config import DEFAULT_CONFIG
    from fastiesi.stages.preprocess import saliency

    c = DEFAULT_CONFIG.enhance
    rng = np.random.default_rng(3)
    x = cv2.GaussianBlur(rng.integers(0, 256, (2, 240, 320), dtype=np.uint8).transpose(1, 2, 0), (0, 0), 2)
    x = np.ascontiguousarray(x.transpose(2, 0, 1))
    got = cp.asnumpy(saliency_gpu(cp.asarray(x), centre_sigma=c.saliency_center_sigma,
                                  surround_sigma=c.saliency_surround_sigma))
    for i in range(2):
        assert np.abs(got[i].astype(int) - saliency(x[i]).astype(int)).max() <= 1


def test_single_image_keeps_its_shape():
    x = cp.zeros((50, 60), cp.uint8)
    assert edge_density_gpu(x).shape == (50, 60)
