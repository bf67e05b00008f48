import { kernelSource } from './kernel-source.js';

/**
 * Batch norm over NC(S), PyTorch semantics: training normalises with the biased batch variance and moves
 * the running variance towards the unbiased one. Reductions go per (channel, chunk) in double, then one
 * block per channel finalises. partial layout: [C][chunks][2].
 */
export const BATCH_NORM_KERNELS = kernelSource(
  'batch_norm.cu',
  [
    'bn_stats_partial',
    'bn_stats_finalize',
    'bn_apply',
    'bn_infer',
    'bn_backward_partial',
    'bn_backward_finalize',
    'bn_backward_dx',
  ],
  `
extern "C" __global__ void bn_stats_partial(const float* __restrict__ x, double* __restrict__ partial,
                                            int batch, int channels, long long spatial) {
  __shared__ double scratch[32];
  const int c = blockIdx.y;
  double sum = 0.0, sumsq = 0.0;
  for (int n = 0; n < batch; n++) {
    const float* p = x + ((long long)n * channels + c) * spatial;
    for (long long s = (long long)blockIdx.x * blockDim.x + threadIdx.x; s < spatial;
         s += (long long)gridDim.x * blockDim.x) {
      const double v = p[s];
      sum += v;
      sumsq += v * v;
    }
  }
  sum = block_sum(sum, scratch);
  sumsq = block_sum(sumsq, scratch);
  if (threadIdx.x == 0) {
    const long long o = ((long long)c * gridDim.x + blockIdx.x) * 2;
    partial[o] = sum;
    partial[o + 1] = sumsq;
  }
}

extern "C" __global__ void bn_stats_finalize(const double* __restrict__ partial, int chunks, double count,
                                             float eps, float momentum, float* __restrict__ mean,
                                             float* __restrict__ invstd, float* __restrict__ running_mean,
                                             float* __restrict__ running_var) {
  __shared__ double scratch[32];
  const int c = blockIdx.x;
  double sum = 0.0, sumsq = 0.0;
  for (int k = threadIdx.x; k < chunks; k += blockDim.x) {
    const long long o = ((long long)c * chunks + k) * 2;
    sum += partial[o];
    sumsq += partial[o + 1];
  }
  sum = block_sum(sum, scratch);
  sumsq = block_sum(sumsq, scratch);
  if (threadIdx.x == 0) {
    const double mu = sum / count;
    double var = sumsq / count - mu * mu;
    if (var < 0.0) var = 0.0;
    mean[c] = (float)mu;
    invstd[c] = (float)(1.0 / sqrt(var + (double)eps));
    const double unbiased = count > 1.0 ? var * count / (count - 1.0) : var;
    running_mean[c] = (float)((1.0 - momentum) * running_mean[c] + momentum * mu);
    running_var[c] = (float)((1.0 - momentum) * running_var[c] + momentum * unbiased);
  }
}

extern "C" __global__ void bn_apply(const float* __restrict__ x, float* __restrict__ y,
                                    const float* __restrict__ mean, const float* __restrict__ invstd,
                                    const float* __restrict__ gamma, const float* __restrict__ beta,
                                    int channels, long long spatial, long long n) {
  GRID_STRIDE(i, n) {
    const int c = (int)((i / spatial) % channels);
    y[i] = (x[i] - mean[c]) * invstd[c] * gamma[c] + beta[c];
  }
}

extern "C" __global__ void bn_infer(const float* __restrict__ x, float* __restrict__ y,
                                    const float* __restrict__ running_mean, const float* __restrict__ running_var,
                                    const float* __restrict__ gamma, const float* __restrict__ beta, float eps,
                                    int channels, long long spatial, long long n) {
  GRID_STRIDE(i, n) {
    const int c = (int)((i / spatial) % channels);
    y[i] = (x[i] - running_mean[c]) * rsqrtf(running_var[c] + eps) * gamma[c] + beta[c];
  }
}

/* Per (channel, chunk): sum(dy) and sum(dy * (x - mean)). */
extern "C" __global__ void bn_backward_partial(const float* __restrict__ dy, const float* __restrict__ x,
                                               const float* __restrict__ mean, double* __restrict__ partial,
                                               int batch, int channels, long long spatial) {
  __shared__ double scratch[32];
  const int c = blockIdx.y;
  const float mu = mean[c];
  double sdy = 0.0, sdyx = 0.0;
  for (int n = 0; n < batch; n++) {
    const long long base = ((long long)n * channels + c) * spatial;
    for (long long s = (long long)blockIdx.x * blockDim.x + threadIdx.x; s < spatial;
         s += (long long)gridDim.x * blockDim.x) {
      const double g = dy[base + s];
      sdy += g;
      sdyx += g * (double)(x[base + s] - mu);
    }
  }
  sdy = block_sum(sdy, scratch);
  sdyx = block_sum(sdyx, scratch);
  if (threadIdx.x == 0) {
    const long long o = ((long long)c * gridDim.x + blockIdx.x) * 2;
    partial[o] = sdy;
    partial[o + 1] = sdyx;
  }
}

/* dbeta = sum(dy); dgamma = invstd * sum(dy * (x - mean)). */
extern "C" __global__ void bn_backward_finalize(const double* __restrict__ partial, int chunks,
                                                const float* __restrict__ invstd, float* __restrict__ dgamma,
                                                float* __restrict__ dbeta) {
  __shared__ double scratch[32];
  const int c = blockIdx.x;
  double sdy = 0.0, sdyx = 0.0;
  for (int k = threadIdx.x; k < chunks; k += blockDim.x) {
    const long long o = ((long long)c * chunks + k) * 2;
    sdy += partial[o];
    sdyx += partial[o + 1];
  }
  sdy = block_sum(sdy, scratch);
  sdyx = block_sum(sdyx, scratch);
  if (threadIdx.x == 0) {
    dbeta[c] = (float)sdy;
    dgamma[c] = (float)(sdyx * (double)invstd[c]);
  }
}

/* dx = gamma * invstd * (dy - dbeta / M - xhat * dgamma / M), xhat = (x - mean) * invstd. */
extern "C" __global__ void bn_backward_dx(const float* __restrict__ dy, const float* __restrict__ x,
                                          const float* __restrict__ mean, const float* __restrict__ invstd,
                                          const float* __restrict__ gamma, const float* __restrict__ dgamma,
                                          const float* __restrict__ dbeta, float inv_count,
                                          float* __restrict__ dx, int channels, long long spatial, long long n) {
  GRID_STRIDE(i, n) {
    const int c = (int)((i / spatial) % channels);
    const float is = invstd[c];
    const float xhat = (x[i] - mean[c]) * is;
    dx[i] = gamma[c] * is * (dy[i] - dbeta[c] * inv_count - xhat * dgamma[c] * inv_count);
  }
}
`,
);
