import { kernelSource } from './kernel-source.js';

/**
 * ×2 trilinear upsampling, align_corners=false (PyTorch nn.Upsample(scale_factor=2, mode='trilinear')):
 * source coordinate s = (o + 0.5)/2 − 0.5 clamped at 0, i0 = ⌊s⌋, i1 = min(i0 + 1, in − 1), λ = s − i0.
 * Backward gathers (no atomics): along each axis input i receives from outputs 2i−1 … 2i+2.
 */
export const UPSAMPLE_KERNELS = kernelSource(
  'upsample.cu',
  ['upsample_trilinear2x_forward', 'upsample_trilinear2x_backward'],
  `
__device__ __forceinline__ void src_taps(int o, int in, int* i0, int* i1, float* l1) {
  float s = 0.5f * ((float)o + 0.5f) - 0.5f;
  if (s < 0.0f) s = 0.0f;
  int a = (int)s;
  if (a > in - 1) a = in - 1;
  *i0 = a;
  *i1 = a + (a < in - 1 ? 1 : 0);
  *l1 = s - (float)a;
}

extern "C" __global__ void upsample_trilinear2x_forward(const float* __restrict__ x, float* __restrict__ y,
                                                        int d, int h, int w, long long n) {
  const int od = 2 * d, oh = 2 * h, ow = 2 * w;
  GRID_STRIDE(i, n) {
    const int ox = (int)(i % ow);
    const int oy = (int)((i / ow) % oh);
    const int oz = (int)((i / ((long long)ow * oh)) % od);
    const long long nc = i / ((long long)ow * oh * od);
    int z0, z1, y0, y1, x0, x1;
    float lz, ly, lx;
    src_taps(oz, d, &z0, &z1, &lz);
    src_taps(oy, h, &y0, &y1, &ly);
    src_taps(ox, w, &x0, &x1, &lx);
    const float* b = x + nc * d * h * w;
    const long long r00 = ((long long)z0 * h + y0) * w, r01 = ((long long)z0 * h + y1) * w;
    const long long r10 = ((long long)z1 * h + y0) * w, r11 = ((long long)z1 * h + y1) * w;
    const float mx = 1.0f - lx, my = 1.0f - ly, mz = 1.0f - lz;
    y[i] = mz * (my * (mx * b[r00 + x0] + lx * b[r00 + x1]) + ly * (mx * b[r01 + x0] + lx * b[r01 + x1])) +
           lz * (my * (mx * b[r10 + x0] + lx * b[r10 + x1]) + ly * (mx * b[r11 + x0] + lx * b[r11 + x1]));
  }
}

/* Along one axis, input i is fed by outputs 2i-1 .. 2i+2 (4 fixed slots; weight 0 where none). */
__device__ __forceinline__ void taps_into(int i, int in, int* outs, float* weights) {
  const int out_len = 2 * in;
#pragma unroll
  for (int k = 0; k < 4; k++) {
    const int o = 2 * i - 1 + k;
    float wgt = 0.0f;
    if (o >= 0 && o < out_len) {
      int a, b;
      float l;
      src_taps(o, in, &a, &b, &l);
      if (a == i) wgt += 1.0f - l;
      if (b == i) wgt += l;
    }
    outs[k] = o < 0 ? 0 : (o >= out_len ? out_len - 1 : o);
    weights[k] = wgt;
  }
}

extern "C" __global__ void upsample_trilinear2x_backward(const float* __restrict__ dy, float* __restrict__ dx,
                                                         int d, int h, int w, long long n) {
  const int od = 2 * d, oh = 2 * h, ow = 2 * w;
  GRID_STRIDE(i, n) {
    const int ix = (int)(i % w);
    const int iy = (int)((i / w) % h);
    const int iz = (int)((i / ((long long)w * h)) % d);
    const long long nc = i / ((long long)w * h * d);
    int zo[4], yo[4], xo[4];
    float zw[4], yw[4], xw[4];
    taps_into(iz, d, zo, zw);
    taps_into(iy, h, yo, yw);
    taps_into(ix, w, xo, xw);
    const float* g = dy + nc * od * oh * ow;
    float acc = 0.0f;
#pragma unroll
    for (int a = 0; a < 4; a++) {
      if (zw[a] == 0.0f) continue;
#pragma unroll
      for (int b = 0; b < 4; b++) {
        if (yw[b] == 0.0f) continue;
        const long long row = ((long long)zo[a] * oh + yo[b]) * ow;
        float racc = 0.0f;
#pragma unroll
        for (int c = 0; c < 4; c++) {
          if (xw[c] != 0.0f) racc += xw[c] * g[row + xo[c]];
        }
        acc += zw[a] * yw[b] * racc;
      }
    }
    dx[i] = acc;
  }
}
`,
);
