/** C source of the CPU device: Element-wise ops: add, addInto, ELU and its backward, per-channel bias add and bias gradient (the gradient a per-block double reduction). Part of CPU_KERNELS_SOURCE (../cpu-kernels-source.ts). */
export const ELEMENTWISE_SOURCE = String.raw`
/* ---------------- element-wise ---------------- */

void unet3d_add(const float *restrict a, const float *restrict b, float *restrict out, i64 n) {
#pragma omp parallel for simd schedule(static) num_threads(team(n * 8))
  for (i64 i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void unet3d_add_into(float *restrict t, const float *restrict s, i64 n) {
#pragma omp parallel for simd schedule(static) num_threads(team(n * 8))
  for (i64 i = 0; i < n; i++) t[i] += s[i];
}

void unet3d_elu(const float *restrict x, float *restrict y, i64 n, double alpha) {
#pragma omp parallel for simd schedule(static) num_threads(team(n * 8))
  for (i64 i = 0; i < n; i++) y[i] = elu1(x[i], alpha);
}

static inline float elu_grad1(float dy, float v, double alpha) {
  double f = v > 0 ? 1.0 : (double)v + alpha;
  return (float)((double)dy * f);
}

void unet3d_elu_backward(const float *restrict dy, const float *restrict y, float *restrict dx, i64 n, double alpha) {
#pragma omp parallel for simd schedule(static) num_threads(team(n * 8))
  for (i64 i = 0; i < n; i++) dx[i] = elu_grad1(dy[i], y[i], alpha);
}

/* Per-channel element-wise work: tasks are (row = n·C + c) × chunks of S. */
#define PER_CHANNEL_BEGIN(N, C, S)                                            \
  i64 K_ = ((S) + CHUNK - 1) / CHUNK;                                         \
  _Pragma("omp parallel for schedule(static) num_threads(team((N) * (C) * (S) * 8))") \
  for (i64 t_ = 0; t_ < (N) * (C) * K_; t_++) {                              \
    i64 row = t_ / K_, k_ = t_ - row * K_;                                    \
    i64 c = row % (C);                                                        \
    i64 s0 = k_ * CHUNK, s1 = s0 + CHUNK < (S) ? s0 + CHUNK : (S);            \
    i64 base = row * (S);
#define PER_CHANNEL_END }

void unet3d_bias_add_into(float *restrict x, const float *restrict bias, i64 N, i64 C, i64 S) {
  PER_CHANNEL_BEGIN(N, C, S)
  float b = bias[c];
  float *restrict xr = x + base;
#pragma omp simd
  for (i64 s = s0; s < s1; s++) xr[s] += b;
  PER_CHANNEL_END
}

/* Blocks per channel for reductions: enough tasks for every thread, none smaller than 8192 values. */
static i64 blocks_for(i64 C, i64 M) {
  i64 T = omp_get_max_threads();
  i64 B = (4 * T + C - 1) / C;
  if (B > M / 8192) B = M / 8192;
  return B < 1 ? 1 : B;
}

/* Iterate the values of channel c with channel index j in [j0, j1) as contiguous runs (base, len). */
#define RUNS_BEGIN(j0, j1)                                                       \
  for (i64 j_ = (j0); j_ < (j1);) {                                              \
    i64 n_ = j_ / S, s_ = j_ - n_ * S;                                           \
    i64 len = S - s_ < (j1) - j_ ? S - s_ : (j1) - j_;                           \
    i64 base = n_ * C * S + c * S + s_;
#define RUNS_END \
  j_ += len;     \
  }

void unet3d_bias_grad(const float *restrict dy, float *restrict out, i64 N, i64 C, i64 S) {
  i64 M = N * S, B = blocks_for(C, M);
  double *part = malloc(sizeof(double) * C * B);
#pragma omp parallel for schedule(static) num_threads(team(N * C * S * 8))
  for (i64 t = 0; t < C * B; t++) {
    i64 c = t / B, b = t - c * B;
    double acc = 0;
    RUNS_BEGIN(M * b / B, M * (b + 1) / B)
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (i64 i = 0; i < len; i++) s += dy[base + i];
    acc += s;
    RUNS_END
    part[t] = acc;
  }
  for (i64 c = 0; c < C; c++) {
    double acc = 0;
    for (i64 b = 0; b < B; b++) acc += part[c * B + b];
    out[c] = (float)acc;
  }
  free(part);
}
`;
