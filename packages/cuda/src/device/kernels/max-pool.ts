import { kernelSource } from './kernel-source.js';

/**
 * 2×2×2 max pool, stride 2, floor mode (PyTorch MaxPool3d(2)). argmax (stored as float) is the offset
 * (dz·4 + dy·2 + dx) of the winner; ties keep the first, NaN wins (PyTorch's `val > max || isnan(val)`).
 * Backward scatters without atomics: every input voxel reads its own window's argmax.
 */
export const MAX_POOL_KERNELS = kernelSource(
  'max_pool.cu',
  ['max_pool2x_forward', 'max_pool2x_backward'],
  `
extern "C" __global__ void max_pool2x_forward(const float* __restrict__ x, float* __restrict__ y,
                                              float* __restrict__ argmax, int d, int h, int w,
                                              int od, int oh, int ow, long long n) {
  GRID_STRIDE(i, n) {
    const int ox = (int)(i % ow);
    const int oy = (int)((i / ow) % oh);
    const int oz = (int)((i / ((long long)ow * oh)) % od);
    const long long nc = i / ((long long)ow * oh * od);
    const float* base = x + nc * d * h * w;
    float best = __int_as_float(0xff800000);  /* -inf */
    int best_k = 0;
    for (int k = 0; k < 8; k++) {
      const int z = 2 * oz + (k >> 2), yy = 2 * oy + ((k >> 1) & 1), xx = 2 * ox + (k & 1);
      const float v = base[((long long)z * h + yy) * w + xx];
      if (v > best || isnan(v)) {
        best = v;
        best_k = k;
      }
    }
    y[i] = best;
    argmax[i] = (float)best_k;
  }
}

extern "C" __global__ void max_pool2x_backward(const float* __restrict__ dy, const float* __restrict__ argmax,
                                               float* __restrict__ dx, int d, int h, int w,
                                               int od, int oh, int ow, long long n) {
  GRID_STRIDE(i, n) {
    const int xx = (int)(i % w);
    const int yy = (int)((i / w) % h);
    const int z = (int)((i / ((long long)w * h)) % d);
    const long long nc = i / ((long long)w * h * d);
    const int ox = xx >> 1, oy = yy >> 1, oz = z >> 1;
    float g = 0.0f;
    if (ox < ow && oy < oh && oz < od) {
      const long long o = ((nc * od + oz) * oh + oy) * (long long)ow + ox;
      const int k = ((z & 1) << 2) | ((yy & 1) << 1) | (xx & 1);
      if ((int)argmax[o] == k) g = dy[o];
    }
    dx[i] = g;
  }
}
`,
);
