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
