// Binary morphology with a k x k square (k = 2r + 1), separable: a row pass then a column pass
// (4.2.3's closings are dilations and erosions by squares). Batched: blockIdx.z is the image.
// Borders as the CPU path uses them: dilation sees zeros outside the image (BORDER_CONSTANT 0);
// erosion treats outside as foreground (OpenCV's default for erode), so objects cut by the frame
// edge are not eroded from it.
template <bool DILATE, bool ROWS>
__device__ __forceinline__ void box_pass(const unsigned char* __restrict__ src,
                                         unsigned char* __restrict__ dst, int h, int w, int r) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    const size_t plane = (size_t)blockIdx.z * h * w;
    const unsigned char* s = src + plane;
    bool hit = !DILATE;  // dilation: any set; erosion: all set
    for (int d = -r; d <= r; ++d) {
        const int xx = ROWS ? x + d : x;
        const int yy = ROWS ? y : y + d;
        bool v;
        if (xx < 0 || xx >= w || yy < 0 || yy >= h) {
            v = !DILATE;  // outside: 0 for dilation, foreground for erosion
        } else {
            v = s[(size_t)yy * w + xx] != 0;
        }
        if (DILATE) { if (v) { hit = true; break; } }
        else if (!v) { hit = false; break; }
    }
    dst[plane + (size_t)y * w + x] = hit ? 255 : 0;
}

extern "C" __global__ void dilate_rows_u8(const unsigned char* src, unsigned char* dst, int h, int w, int r) {
    box_pass<true, true>(src, dst, h, w, r);
}
extern "C" __global__ void dilate_cols_u8(const unsigned char* src, unsigned char* dst, int h, int w, int r) {
    box_pass<true, false>(src, dst, h, w, r);
}
extern "C" __global__ void erode_rows_u8(const unsigned char* src, unsigned char* dst, int h, int w, int r) {
    box_pass<false, true>(src, dst, h, w, r);
}
extern "C" __global__ void erode_cols_u8(const unsigned char* src, unsigned char* dst, int h, int w, int r) {
    box_pass<false, false>(src, dst, h, w, r);
}

// Fused: both passes in one kernel over a tile held in shared memory, so the intermediate never
// goes to device memory (half the bytes of the two passes above). A block of 256 threads makes a
// TILE_W x TILE_H tile of output: it loads the tile and its r-wide apron (the border value
// outside the image, which gives the same result as the separable passes' borders), takes the
// row pass into a second shared buffer, then the column pass to device memory. Consecutive
// threads touch consecutive bytes in every phase (coalesced loads and stores, no bank
// conflicts). Shared memory: (TILE_H + 2r) (TILE_W + 2r) + (TILE_H + 2r) TILE_W bytes, passed
// at launch (gpu_ops picks the separable passes when r is too large for it).
#define MORPH_TILE_W 128
#define MORPH_TILE_H 32

template <bool DILATE>
__device__ __forceinline__ void box_tile(const unsigned char* __restrict__ src, unsigned char* __restrict__ dst,
                                         int h, int w, int r) {
    extern __shared__ unsigned char tile[];
    const int iw = MORPH_TILE_W + 2 * r, ih = MORPH_TILE_H + 2 * r;
    unsigned char* in = tile;             // ih x iw: the input with its apron, 0/1
    unsigned char* rows = tile + ih * iw;  // ih x MORPH_TILE_W: after the row pass
    const int x0 = blockIdx.x * MORPH_TILE_W, y0 = blockIdx.y * MORPH_TILE_H;
    const size_t plane = (size_t)blockIdx.z * h * w;
    const unsigned char outside = DILATE ? 0 : 1;
    const int tid = threadIdx.y * blockDim.x + threadIdx.x, nt = blockDim.x * blockDim.y;
    for (int i = tid; i < ih * iw; i += nt) {
        const int yy = y0 - r + i / iw, xx = x0 - r + i % iw;
        in[i] = (yy >= 0 && yy < h && xx >= 0 && xx < w) ? (src[plane + (size_t)yy * w + xx] != 0) : outside;
    }
    __syncthreads();
    for (int i = tid; i < ih * MORPH_TILE_W; i += nt) {
        const unsigned char* p = in + (i / MORPH_TILE_W) * iw + i % MORPH_TILE_W;
        unsigned char v = DILATE ? 0 : 1;
        for (int d = 0; d <= 2 * r; ++d) v = DILATE ? (v | p[d]) : (v & p[d]);
        rows[i] = v;
    }
    __syncthreads();
    for (int i = tid; i < MORPH_TILE_H * MORPH_TILE_W; i += nt) {
        const int ty = i / MORPH_TILE_W, tx = i % MORPH_TILE_W;
        const int y = y0 + ty, x = x0 + tx;
        if (y >= h || x >= w) continue;
        const unsigned char* p = rows + ty * MORPH_TILE_W + tx;
        unsigned char v = DILATE ? 0 : 1;
        for (int d = 0; d <= 2 * r; ++d) v = DILATE ? (v | p[d * MORPH_TILE_W]) : (v & p[d * MORPH_TILE_W]);
        dst[plane + (size_t)y * w + x] = v ? 255 : 0;
    }
}

extern "C" __global__ void dilate_tile_u8(const unsigned char* src, unsigned char* dst, int h, int w, int r) {
    box_tile<true>(src, dst, h, w, r);
}
extern "C" __global__ void erode_tile_u8(const unsigned char* src, unsigned char* dst, int h, int w, int r) {
    box_tile<false>(src, dst, h, w, r);
}
