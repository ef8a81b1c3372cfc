// Edge density (paper 4.3): for each pixel, the number of non-zero pixels in its 3x3
// neighbourhood (0..9), pixels outside the image counting as zero (cv2.boxFilter with
// BORDER_CONSTANT, unnormalised). Batched: blockIdx.z is the image; images are contiguous
// h x w uint8 planes.
extern "C" __global__ void edge_density_u8(const unsigned char* __restrict__ edges,
                                           unsigned char* __restrict__ out, int h, int w) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    const size_t plane = (size_t)blockIdx.z * h * w;
    const unsigned char* e = edges + plane;
    int count = 0;
    #pragma unroll
    for (int dy = -1; dy <= 1; ++dy) {
        const int yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        #pragma unroll
        for (int dx = -1; dx <= 1; ++dx) {
            const int xx = x + dx;
            if (xx >= 0 && xx < w) count += e[(size_t)yy * w + xx] != 0;
        }
    }
    out[plane + (size_t)y * w + x] = (unsigned char)count;
}
