"""Numba CUDA kernels of :mod:`fastiesi.backend.ccl_cuda` (imported only when used: Numba is
optional). Module-level, so Numba's CUDA simulator can run them too.

Block-based union-find (2x2 blocks): one thread per block; a block's union-find node is the
flat index of its top-left pixel. Within a 2x2 block every foreground pixel touches every other
(8-connectivity), so only block-to-block links are tested, a quarter of the pixel-level work.
Indices are flat over the batch (image z starts at z * h * w), so roots never cross images.
"""

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


@cuda.jit(device=True)
def fg(mask, base, x, y, h, w):
    """Whether pixel (x, y) of the image at ``base`` is foreground (False outside it)."""
    return 0 <= x < w and 0 <= y < h and mask[base + y * w + x] != 0


@cuda.jit
def block_init_u8(mask, lab, h, w):
    bx, by = cuda.grid(2)
    z = cuda.blockIdx.z
    x, y = 2 * bx, 2 * by
    if x < w and y < h:
        base = z * h * w
        i = base + y * w + x
        any_fg = fg(mask, base, x, y, h, w) or fg(mask, base, x + 1, y, h, w) \
            or fg(mask, base, x, y + 1, h, w) or fg(mask, base, x + 1, y + 1, h, w)
        lab[i] = i if any_fg else -1


@cuda.jit
def block_merge_u8(mask, lab, h, w):
    """Link each block with its already-scanned neighbour blocks (W, NW, N, NE) where a
    foreground pixel of one touches one of the other."""
    bx, by = cuda.grid(2)
    z = cuda.blockIdx.z
    x, y = 2 * bx, 2 * by
    if x >= w or y >= h:
        return
    base = z * h * w
    i = base + y * w + x
    if lab[i] < 0:
        return
    a = fg(mask, base, x, y, h, w)
    b = fg(mask, base, x + 1, y, h, w)
    c = fg(mask, base, x, y + 1, h, w)
    if x > 0 and (a or c) and (fg(mask, base, x - 1, y, h, w) or fg(mask, base, x - 1, y + 1, h, w)):
        union(lab, i, i - 2)
    if y > 0:
        up = i - 2 * w
        if (a or b) and (fg(mask, base, x, y - 1, h, w) or fg(mask, base, x + 1, y - 1, h, w)):
            union(lab, i, up)
        if x > 0 and a and fg(mask, base, x - 1, y - 1, h, w):
            union(lab, i, up - 2)
        if b and fg(mask, base, x + 2, y - 1, h, w):
            union(lab, i, up + 2)


@cuda.jit
def block_flatten(lab, h, w):
    bx, by = cuda.grid(2)
    z = cuda.blockIdx.z
    x, y = 2 * bx, 2 * by
    if x < w and y < h:
        i = z * h * w + y * w + x
        if lab[i] >= 0:
            lab[i] = find(lab, i)


@cuda.jit
def compact_roots(lab, h, w, count, roots, cap):
    """Each root block takes the next slot of its image's list (order arbitrary; the host sorts
    the short lists)."""
    bx, by = cuda.grid(2)
    z = cuda.blockIdx.z
    x, y = 2 * bx, 2 * by
    if x < w and y < h:
        i = z * h * w + y * w + x
        if lab[i] == i:
            slot = cuda.atomic.add(count, z, 1)
            roots[z * cap + slot] = i


@cuda.jit
def scatter_ids(roots, ids, idmap):
    """idmap[root] = its consecutive label (1-based within its image)."""
    k = cuda.grid(1)
    if k < roots.shape[0]:
        idmap[roots[k]] = ids[k]


@cuda.jit
def label_statistics_u8(mask, lab, idmap, offsets, labels, area, x0, y0, x1, y1, sx, sy, h, w):
    """Per pixel: its consecutive label, written to ``labels``, and its share of the label's
    area, box and coordinate sums (statistics rows offset per image by ``offsets[z]``)."""
    x, y = cuda.grid(2)
    z = cuda.blockIdx.z
    if x >= w or y >= h:
        return
    base = z * h * w
    p = base + y * w + x
    if mask[p] == 0:
        labels[p] = 0
        return
    k = idmap[lab[base + (y - y % 2) * w + (x - x % 2)]]
    labels[p] = k
    r = offsets[z] + k
    cuda.atomic.add(area, r, 1)
    cuda.atomic.min(x0, r, x)
    cuda.atomic.min(y0, r, y)
    cuda.atomic.max(x1, r, x)
    cuda.atomic.max(y1, r, y)
    cuda.atomic.add(sx, r, x)
    cuda.atomic.add(sy, r, y)
