// Separable Gaussian blur of float32 planes (the saliency's centre and surround, paper 2.1.4),
// one pass per axis with the taps given (OpenCV's getGaussianKernel), borders reflected without
// repeating the edge pixel (OpenCV's default BORDER_REFLECT_101). Batched: blockIdx.z is the image.
__device__ __forceinline__ int reflect101(int i, int n) {
    if (n == 1) return 0;
    while (i < 0 || i >= n) {
        if (i < 0) i = -i;
        if (i >= n) i = 2 * n - 2 - i;
    }
    return i;
}

extern "C" __global__ void gaussian_rows_f32(const float* __restrict__ src, float* __restrict__ dst,
                                             int h, int w, const float* __restrict__ taps, int r) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    const size_t plane = (size_t)blockIdx.z * h * w;
    const float* row = src + plane + (size_t)y * w;
    float acc = 0.f;
    for (int d = -r; d <= r; ++d) acc += taps[d + r] * row[reflect101(x + d, w)];
    dst[plane + (size_t)y * w + x] = acc;
}

extern "C" __global__ void gaussian_cols_f32(const float* __restrict__ src, float* __restrict__ dst,
                                             int h, int w, const float* __restrict__ taps, int r) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    const size_t plane = (size_t)blockIdx.z * h * w;
    const float* col = src + plane + x;
    float acc = 0.f;
    for (int d = -r; d <= r; ++d) acc += taps[d + r] * col[(size_t)reflect101(y + d, h) * w];
    dst[plane + (size_t)y * w + x] = acc;
}
