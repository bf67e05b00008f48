import { kernelSource } from './kernel-source.js';

/**
 * Masked mean of sigmoid + binary cross-entropy on logits (PyTorch BCEWithLogits, the stable form
 * max(x,0) − x·t + log1p(e^−|x|)), and its gradient mask·(σ(x) − t)/Σmask. Step 1 writes per-block partial
 * (loss, mask) sums in double, which the host adds; step 2 writes the gradient with scale = 1/Σmask.
 */
export const SIGMOID_BCE_KERNELS = kernelSource(
  'sigmoid_bce.cu',
  ['bce_partial', 'bce_grad'],
  `
extern "C" __global__ void bce_partial(const float* __restrict__ logits, const float* __restrict__ target,
                                       const float* __restrict__ mask, double* __restrict__ partial,
                                       long long n) {
  __shared__ double scratch[32];
  double loss = 0.0, count = 0.0;
  GRID_STRIDE(i, n) {
    const float m = mask[i];
    if (m != 0.0f) {
      const float x = logits[i];
      const float l = fmaxf(x, 0.0f) - x * target[i] + log1pf(expf(-fabsf(x)));
      loss += (double)m * (double)l;
      count += (double)m;
    }
  }
  loss = block_sum(loss, scratch);
  count = block_sum(count, scratch);
  if (threadIdx.x == 0) {
    partial[2 * blockIdx.x] = loss;
    partial[2 * blockIdx.x + 1] = count;
  }
}

extern "C" __global__ void bce_grad(const float* __restrict__ logits, const float* __restrict__ target,
                                    const float* __restrict__ mask, float* __restrict__ dlogits, float scale,
                                    long long n) {
  GRID_STRIDE(i, n) {
    const float s = 1.0f / (1.0f + expf(-logits[i]));
    dlogits[i] = mask[i] * (s - target[i]) * scale;
  }
}
`,
);
