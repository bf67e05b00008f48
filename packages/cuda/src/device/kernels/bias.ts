import { kernelSource } from './kernel-source.js';

/**
 * Per-channel bias on NC(S): x += bias[c]; and its gradient, the sum of dy over N and S, in two steps:
 * partial sums per (channel, chunk) in double, then one block per channel adds its chunks.
 */
export const BIAS_KERNELS = kernelSource(
  'bias.cu',
  ['bias_add_into', 'bias_grad_partial', 'bias_grad_finalize'],
  `
extern "C" __global__ void bias_add_into(float* __restrict__ x, const float* __restrict__ bias, int channels,
                                         long long spatial, long long n) {
  GRID_STRIDE(i, n) { x[i] += bias[(i / spatial) % channels]; }
}

/* grid (chunks, C): block (chunk, c) sums dy[n, c, s] over every n and its slice of s. */
extern "C" __global__ void bias_grad_partial(const float* __restrict__ dy, double* __restrict__ partial,
                                             int batch, int channels, long long spatial) {
  __shared__ double scratch[32];
  const int c = blockIdx.y;
  double acc = 0.0;
  for (int n = 0; n < batch; n++) {
    const float* p = dy + ((long long)n * channels + c) * spatial;
    for (long long s = (long long)blockIdx.x * blockDim.x + threadIdx.x; s < spatial;
         s += (long long)gridDim.x * blockDim.x) {
      acc += p[s];
    }
  }
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) partial[(long long)c * gridDim.x + blockIdx.x] = acc;
}

/* grid (C): out[c] = sum of the chunks' partials. */
extern "C" __global__ void bias_grad_finalize(const double* __restrict__ partial, float* __restrict__ out,
                                              int chunks) {
  __shared__ double scratch[32];
  const int c = blockIdx.x;
  double acc = 0.0;
  for (int k = threadIdx.x; k < chunks; k += blockDim.x) acc += partial[(long long)c * chunks + k];
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) out[c] = (float)acc;
}
`,
);
