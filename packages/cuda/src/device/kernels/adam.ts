import { kernelSource } from './kernel-source.js';

/**
 * One Adam step in place, as torch.optim.Adam (no weight decay, no amsgrad):
 *   m ← m + (1−β1)(g − m);  v ← β2·v + (1−β2)·g²;  p ← p − step_size · m / (√v / √bc2 + eps)
 * with step_size = lr / (1 − β1^t) and bc2 = 1 − β2^t computed on the host in double.
 */
export const ADAM_KERNELS = kernelSource(
  'adam.cu',
  ['adam_step'],
  `
extern "C" __global__ void adam_step(float* __restrict__ param, const float* __restrict__ grad,
                                     float* __restrict__ m, float* __restrict__ v, float beta1, float beta2,
                                     float eps, float step_size, float bc2_sqrt, long long n) {
  GRID_STRIDE(i, n) {
    const float g = grad[i];
    const float mi = m[i] + (1.0f - beta1) * (g - m[i]);
    const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= step_size * (mi / (sqrtf(vi) / bc2_sqrt + eps));
  }
}
`,
);
