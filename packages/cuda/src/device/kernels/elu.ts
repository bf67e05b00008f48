import { kernelSource } from './kernel-source.js';

/** ELU forward, and its gradient from the forward output y (dy where y > 0, dy·(y + alpha) elsewhere). */
export const ELU_KERNELS = kernelSource(
  'elu.cu',
  ['elu_forward', 'elu_backward'],
  `
extern "C" __global__ void elu_forward(const float* __restrict__ x, float* __restrict__ y, float alpha,
                                       long long n) {
  GRID_STRIDE(i, n) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : alpha * expm1f(v);
  }
}

extern "C" __global__ void elu_backward(const float* __restrict__ dy, const float* __restrict__ y,
                                        float* __restrict__ dx, float alpha, long long n) {
  GRID_STRIDE(i, n) {
    const float v = y[i];
    dx[i] = v > 0.0f ? dy[i] : dy[i] * (v + alpha);
  }
}
`,
);
