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

// The taps go to shared memory once a block; pixels whose window lies inside the image take a
// loop without the reflection (all but r pixels at each end), a few instructions a tap.
#define GAUSS_MAX_TAPS 257

extern "C" __global__ void gaussian_rows_f32(const float* __restrict__ src, float* __restrict__ dst,
                                             int h, int w, const float* __restrict__ taps, int r) {
    __shared__ float t[GAUSS_MAX_TAPS];
    const int tid = threadIdx.y * blockDim.x + threadIdx.x;
    for (int i = tid; i <= 2 * r; i += blockDim.x * blockDim.y) t[i] = taps[i];
    __syncthreads();
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    const size_t plane = (size_t)blockIdx.z * h * w;
    const float* row = src + plane + (size_t)y * w;
    float acc = 0.f;
    if (x - r >= 0 && x + r < w) {
        const float* p = row + x - r;
        for (int d = 0; d <= 2 * r; ++d) acc += t[d] * p[d];
    } else {
        for (int d = -r; d <= r; ++d) acc += t[d + r] * row[reflect101(x + d, w)];
    }
    dst[plane + (size_t)y * w + x] = acc;
}

extern "C" __global__ void gaussian_cols_f32(const float* __restrict__ src, float* __restrict__ dst,
                                             int h, int w, const float* __restrict__ taps, int r) {
    __shared__ float t[GAUSS_MAX_TAPS];
    const int tid = threadIdx.y * blockDim.x + threadIdx.x;
    for (int i = tid; i <= 2 * r; i += blockDim.x * blockDim.y) t[i] = taps[i];
    __syncthreads();
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    const size_t plane = (size_t)blockIdx.z * h * w;
    const float* col = src + plane + x;
    float acc = 0.f;
    if (y - r >= 0 && y + r < h) {
        const float* p = col + (size_t)(y - r) * w;
        for (int d = 0; d <= 2 * r; ++d) acc += t[d] * p[(size_t)d * w];
    } else {
        for (int d = -r; d <= r; ++d) acc += t[d + r] * col[(size_t)reflect101(y + d, h) * w];
    }
    dst[plane + (size_t)y * w + x] = acc;
}
