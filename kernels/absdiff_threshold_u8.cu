// Difference and binarisation (paper 4.3): out = 255 where |a - b| > threshold, else 0, as
// cv2.threshold(cv2.absdiff(a, b), threshold, 255, THRESH_BINARY). Flat over a batch of
// contiguous planes: n is the total number of pixels.
extern "C" __global__ void absdiff_threshold_u8(const unsigned char* __restrict__ a,
                                                const unsigned char* __restrict__ b,
                                                unsigned char* __restrict__ out, long long n,
                                                int threshold) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        const int d = abs((int)a[i] - (int)b[i]);
        out[i] = d > threshold ? 255 : 0;
    }
}
