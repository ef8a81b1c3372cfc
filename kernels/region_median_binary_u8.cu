// Region-adaptive median of a binary (0/255) image (paper 4.2.2): the frame is an equal gx x gy
// grid of regions, each with its own odd kernel size k (sizes[region]); a pixel is set when more
// than half of its k x k window is set, which is the median of a two-valued window. Pixels
// outside the image repeat the edge (cv2.medianBlur's BORDER_REPLICATE). A pixel's region is
// row * gy / h, col * gx / w, as fastiesi.stages.morphology.region_grid draws it. Batched:
// blockIdx.z is the image, and each image has its own size table (sizes + z * gx * gy): the
// dense regions differ from frame to frame.
extern "C" __global__ void region_median_binary_u8(const unsigned char* __restrict__ src,
                                                   unsigned char* __restrict__ dst, int h, int w,
                                                   const int* __restrict__ sizes, int gx, int gy) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    const size_t plane = (size_t)blockIdx.z * h * w;
    const unsigned char* s = src + plane;
    const int ry = min((int)((long long)y * gy / h), gy - 1);
    const int rx = min((int)((long long)x * gx / w), gx - 1);
    const int k = sizes[(size_t)blockIdx.z * gx * gy + ry * gx + rx];
    const int r = k / 2;
    int count = 0;
    for (int dy = -r; dy <= r; ++dy) {
        const int yy = min(max(y + dy, 0), h - 1);
        for (int dx = -r; dx <= r; ++dx) {
            const int xx = min(max(x + dx, 0), w - 1);
            count += s[(size_t)yy * w + xx] != 0;
        }
    }
    dst[plane + (size_t)y * w + x] = 2 * count > k * k ? 255 : 0;
}
