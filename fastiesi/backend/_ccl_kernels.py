"""Numba CUDA kernels of :mod:`fastiesi.backend.ccl_cuda` (imported only when used: Numba is
optional). Module-level, so Numba's CUDA simulator can run them too."""

from numba import cuda


@cuda.jit(device=True)
def find(lab, i):
    while lab[i] != i:
        i = lab[i]
    return i


@cuda.jit(device=True)
def union(lab, a, b):
    done = False
    while not done:
        a = find(lab, a)
        b = find(lab, b)
        if a < b:
            old = cuda.atomic.min(lab, b, a)
            done = old == b
            b = old
        elif b < a:
            old = cuda.atomic.min(lab, a, b)
            done = old == a
            a = old
        else:
            done = True


@cuda.jit
def init(mask, lab, h, w):
    x, y = cuda.grid(2)
    z = cuda.blockIdx.z
    if x < w and y < h:
        i = z * h * w + y * w + x
        lab[i] = i if mask[i] != 0 else -1


@cuda.jit
def merge(mask, lab, h, w):
    x, y = cuda.grid(2)
    z = cuda.blockIdx.z
    if x >= w or y >= h:
        return
    base = z * h * w
    i = base + y * w + x
    if mask[i] == 0:
        return
    if x > 0 and mask[i - 1] != 0:
        union(lab, i, i - 1)
    if y > 0:
        up = i - w
        if mask[up] != 0:
            union(lab, i, up)
        if x > 0 and mask[up - 1] != 0:
            union(lab, i, up - 1)
        if x < w - 1 and mask[up + 1] != 0:
            union(lab, i, up + 1)


@cuda.jit
def flatten(lab, h, w):
    x, y = cuda.grid(2)
    z = cuda.blockIdx.z
    if x < w and y < h:
        i = z * h * w + y * w + x
        if lab[i] >= 0:
            lab[i] = find(lab, i)


@cuda.jit
def statistics(lab, area, x0, y0, x1, y1, sx, sy, h, w):
    x, y = cuda.grid(2)
    z = cuda.blockIdx.z
    if x < w and y < h:
        i = z * h * w + y * w + x
        r = lab[i]
        if r >= 0:
            cuda.atomic.add(area, r, 1)
            cuda.atomic.min(x0, r, x)
            cuda.atomic.min(y0, r, y)
            cuda.atomic.max(x1, r, x)
            cuda.atomic.max(y1, r, y)
            cuda.atomic.add(sx, r, x)
            cuda.atomic.add(sy, r, y)

