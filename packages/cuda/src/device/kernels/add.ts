import { kernelSource } from './kernel-source.js';

/** out = a + b, and target += source. */
export const ADD_KERNELS = kernelSource(
  'add.cu',
  ['add', 'add_into'],
  `
extern "C" __global__ void add(const float* __restrict__ a, const float* __restrict__ b,
                               float* __restrict__ out, long long n) {
  GRID_STRIDE(i, n) { out[i] = a[i] + b[i]; }
}

extern "C" __global__ void add_into(float* __restrict__ target, const float* __restrict__ source, long long n) {
  GRID_STRIDE(i, n) { target[i] += source[i]; }
}
`,
);
