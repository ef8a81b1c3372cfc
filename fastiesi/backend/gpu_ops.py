"""GPU versions of the hot operators, on CuPy arrays, batched over images.

Each takes an (H, W) or (N, H, W) uint8 CuPy array (a batch of frames of one size) and returns
the same shape; nothing leaves the device. The CPU equivalents they are tested against:
``edges.edge_density``, ``cv2.absdiff`` + ``cv2.threshold``, ``cv2.dilate`` / ``cv2.erode`` with
square kernels (the CPU path's border rules), ``morphology.region_adaptive_median``,
``preprocess.saliency``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ..errors import InputError
from .kernels import cupy, get_kernel

_BLOCK = (32, 8, 1)
_GAUSS_MAX_TAPS = 257  # gaussian_blur_f32.cu's GAUSS_MAX_TAPS (its shared tap buffer)


def _batch(x: Any, name: str) -> tuple[Any, bool]:
    cp = cupy()
    if not isinstance(x, cp.ndarray):
        raise InputError(f"{name} must be a CuPy array on the GPU, got {type(x).__name__}")
    if x.dtype != cp.uint8 or x.ndim not in (2, 3):
        raise InputError(f"{name} must be (H, W) or (N, H, W) uint8, got {x.shape} {x.dtype}")
    single = x.ndim == 2
    return cp.ascontiguousarray(x[None] if single else x), single


def _grid(batch: Any) -> tuple[int, int, int]:
    n, h, w = batch.shape
    return ((w + _BLOCK[0] - 1) // _BLOCK[0], (h + _BLOCK[1] - 1) // _BLOCK[1], n)


def edge_density_gpu(edges: Any) -> Any:
    """Edge pixels in each 3x3 neighbourhood, 0..9 (4.3)."""
    b, single = _batch(edges, "edges")
    out = cupy().empty_like(b)
    _, h, w = b.shape
    get_kernel("edge_density_u8", "edge_density_u8")(_grid(b), _BLOCK, (b, out, np.int32(h), np.int32(w)))
    return out[0] if single else out


def absdiff_threshold_gpu(a: Any, b: Any, threshold: int) -> Any:
    """255 where |a - b| > threshold, else 0 (4.3)."""
    ba, single = _batch(a, "a")
    bb, _ = _batch(b, "b")
    if ba.shape != bb.shape:
        raise InputError(f"a and b differ in shape: {ba.shape} vs {bb.shape}")
    out = cupy().empty_like(ba)
    n = ba.size
    blocks = min((n + 255) // 256, 65535)
    get_kernel("absdiff_threshold_u8", "absdiff_threshold_u8")((blocks,), (256,),
                                                              (ba, bb, out, np.int64(n), np.int32(threshold)))
    return out[0] if single else out


_MORPH_TILE = (128, 32)  # box_morph_u8.cu's MORPH_TILE_W, MORPH_TILE_H
_SHARED_LIMIT = 48 * 1024  # what a block may take without opting in to more


def _tile_bytes(r: int) -> int:
    """Shared memory of the fused morphology kernel: the tile with its apron, and its row pass."""
    tw, th = _MORPH_TILE
    return (th + 2 * r) * (tw + 2 * r) + (th + 2 * r) * tw


def box_morph_gpu(mask: Any, kernel: int, op: Literal["dilate", "erode"]) -> Any:
    """Binary dilation or erosion by a ``kernel`` x ``kernel`` square (odd): both passes fused over
    a tile in shared memory, or, for a square too large for that, a row pass then a column pass."""
    if kernel < 1 or kernel % 2 == 0:
        raise InputError(f"square kernel size must be odd and positive, got {kernel}")
    if op not in ("dilate", "erode"):
        raise InputError(f"op must be 'dilate' or 'erode', got {op!r}")
    b, single = _batch(mask, "mask")
    n, h, w = b.shape
    cp = cupy()
    out = cp.empty_like(b)
    r = kernel // 2
    args = (np.int32(h), np.int32(w), np.int32(r))
    if _tile_bytes(r) <= _SHARED_LIMIT:
        tw, th = _MORPH_TILE
        grid = ((w + tw - 1) // tw, (h + th - 1) // th, n)
        get_kernel("box_morph_u8", f"{op}_tile_u8")(grid, _BLOCK, (b, out) + args, shared_mem=_tile_bytes(r))
    else:
        tmp = cp.empty_like(b)
        get_kernel("box_morph_u8", f"{op}_rows_u8")(_grid(b), _BLOCK, (b, tmp) + args)
        get_kernel("box_morph_u8", f"{op}_cols_u8")(_grid(b), _BLOCK, (tmp, out) + args)
    return out[0] if single else out


def _gaussian_f32(batch: Any, sigma: float) -> Any:
    """OpenCV's GaussianBlur(ksize=(0, 0), sigma) for float32 planes: same taps, same border."""
    import cv2

    cp = cupy()
    ksize = int(round(sigma * 4 * 2 + 1)) | 1  # OpenCV's automatic size for float images
    if ksize > _GAUSS_MAX_TAPS:
        raise InputError(f"Gaussian sigma {sigma} needs {ksize} taps; the GPU blur takes at most {_GAUSS_MAX_TAPS}")
    taps = cp.asarray(cv2.getGaussianKernel(ksize, sigma, cv2.CV_32F).ravel())
    _, h, w = batch.shape
    tmp, out = cp.empty_like(batch), cp.empty_like(batch)
    args = (np.int32(h), np.int32(w), taps, np.int32(ksize // 2))
    get_kernel("gaussian_blur_f32", "gaussian_rows_f32")(_grid(batch), _BLOCK, (batch, tmp) + args)
    get_kernel("gaussian_blur_f32", "gaussian_cols_f32")(_grid(batch), _BLOCK, (tmp, out) + args)
    return out


def saliency_gpu(gray: Any, *, centre_sigma: float, surround_sigma: float) -> Any:
    """Centre-surround saliency (2.1.4) of each image, rescaled to 0..255 per image, as
    ``stages.preprocess.saliency`` computes it (to within one grey level: float rounding)."""
    b, single = _batch(gray, "gray")
    cp = cupy()
    g = b.astype(cp.float32)
    s = cp.abs(_gaussian_f32(g, centre_sigma) - _gaussian_f32(g, surround_sigma))
    peak = cp.maximum(s.reshape(len(s), -1).max(axis=1), 1.0)[:, None, None]
    out = (s * (255.0 / peak) + 0.5).astype(cp.uint8)
    return out[0] if single else out


def region_median_gpu(mask: Any, kernel_sizes: np.ndarray) -> Any:
    """Median of a binary image with one odd kernel size per region of a (gy, gx) grid (4.2.2).

    ``kernel_sizes`` is (gy, gx), shared by every image of the batch, or (N, gy, gx), one grid
    per image."""
    sizes = np.asarray(kernel_sizes)
    if sizes.ndim not in (2, 3) or (sizes < 1).any() or (sizes % 2 == 0).any():
        raise InputError(f"kernel sizes must be a (gy, gx) or (N, gy, gx) grid of odd positive sizes, "
                         f"got {sizes.tolist()}")
    b, single = _batch(mask, "mask")
    n, h, w = b.shape
    if sizes.ndim == 3 and sizes.shape[0] != n:
        raise InputError(f"{sizes.shape[0]} size grids for a batch of {n} images")
    sizes = np.broadcast_to(sizes, (n,) + sizes.shape[-2:])
    cp = cupy()
    out = cp.empty_like(b)
    gy, gx = sizes.shape[1:]
    table = cp.asarray(np.ascontiguousarray(sizes, dtype=np.int32).ravel())
    get_kernel("region_median_binary_u8", "region_median_binary_u8")(
        _grid(b), _BLOCK, (b, out, np.int32(h), np.int32(w), table, np.int32(gx), np.int32(gy)))
    return out[0] if single else out
