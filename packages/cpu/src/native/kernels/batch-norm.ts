/** C source of the CPU device: Batch norm (train, infer, backward) and the fused chains built on its statistics: (bias →) (+ residual →) BN → ELU forward, BN ← ELU backward, bias → ELU and its backward with the bias gradient. Part of CPU_KERNELS_SOURCE (../cpu-kernels-source.ts). */
export const BATCH_NORM_SOURCE = String.raw`
/* ---------------- batch norm ---------------- */

/* Value of the batch-norm input z at flat index i: x (+ bias[c]) (+ residual), rounded as the unfused ops. */
#define Z_AT(i, c) (res ? (float)(x[i] + (bias ? bias[c] : 0.0f)) + res[i] : (bias ? x[i] + bias[c] : x[i]))

/* Per-channel statistics of z (shifted by z's first value of the channel, in double), running-stat update,
   and the per-channel scale/shift (double) the apply pass uses. When bias or res is given, z is written to
   zout (which may be x itself when there is no residual). */
static void bn_stats(const float *restrict x, const float *restrict bias, const float *restrict res,
                     float *restrict zout, i64 N, i64 C, i64 S, const float *gamma, const float *beta,
                     float *rm, float *rv, float *mean, float *invstd, double momentum, double eps,
                     double *mu_out, double *scale_out, double *shift_out) {
  i64 M = N * S, B = blocks_for(C, M);
  double *part = malloc(sizeof(double) * 3 * C * B + sizeof(double) * C);
  /* The shift: the channel's first value of z, taken before any block writes z in place. */
  double *kz = part + 2 * C * B;
  for (i64 c = 0; c < C; c++) kz[c] = Z_AT(c * S, c);
#pragma omp parallel for schedule(static) num_threads(team(N * C * S * 8))
  for (i64 t = 0; t < C * B; t++) {
    i64 c = t / B, b = t - c * B;
    double k = kz[c];
    double s1 = 0, s2 = 0;
    RUNS_BEGIN(M * b / B, M * (b + 1) / B)
    double a1 = 0, a2 = 0;
    float bv = bias ? bias[c] : 0.0f;
    if (res) {
#pragma omp simd reduction(+ : a1, a2)
      for (i64 i = base; i < base + len; i++) {
        float z = (x[i] + bv) + res[i];
        zout[i] = z;
        double d = z - k;
        a1 += d;
        a2 += d * d;
      }
    } else if (zout) {
#pragma omp simd reduction(+ : a1, a2)
      for (i64 i = base; i < base + len; i++) {
        float z = x[i] + bv;
        zout[i] = z;
        double d = z - k;
        a1 += d;
        a2 += d * d;
      }
    } else {
#pragma omp simd reduction(+ : a1, a2)
      for (i64 i = base; i < base + len; i++) {
        double d = x[i] - k;
        a1 += d;
        a2 += d * d;
      }
    }
    s1 += a1;
    s2 += a2;
    RUNS_END
    part[2 * t] = s1;
    part[2 * t + 1] = s2;
  }
  for (i64 c = 0; c < C; c++) {
    double s1 = 0, s2 = 0;
    for (i64 b = 0; b < B; b++) {
      s1 += part[2 * (c * B + b)];
      s2 += part[2 * (c * B + b) + 1];
    }
    double k = kz[c];
    double dm = s1 / M;
    double mu = k + dm;
    double varb = s2 / M - dm * dm;
    if (varb < 0) varb = 0;
    double is = 1.0 / sqrt(varb + eps);
    mean[c] = (float)mu;
    invstd[c] = (float)is;
    rm[c] = (float)((1 - momentum) * rm[c] + momentum * mu);
    rv[c] = (float)((1 - momentum) * rv[c] + (momentum * varb * M) / (M - 1));
    mu_out[c] = mu;
    scale_out[c] = gamma[c] * is;
    shift_out[c] = beta[c];
  }
  free(part);
}

void unet3d_bn_train(const float *restrict x, float *restrict y, i64 N, i64 C, i64 S, const float *gamma,
                     const float *beta, float *rm, float *rv, float *mean, float *invstd, double momentum,
                     double eps) {
  double *cst = malloc(sizeof(double) * 3 * C);
  bn_stats(x, 0, 0, 0, N, C, S, gamma, beta, rm, rv, mean, invstd, momentum, eps, cst, cst + C, cst + 2 * C);
  PER_CHANNEL_BEGIN(N, C, S)
  double mu = cst[c], sc = cst[C + c], sh = cst[2 * C + c];
  const float *restrict xr = x + base;
  float *restrict yr = y + base;
#pragma omp simd
  for (i64 s = s0; s < s1; s++) yr[s] = (float)((xr[s] - mu) * sc + sh);
  PER_CHANNEL_END
  free(cst);
}

void unet3d_bn_infer(const float *restrict x, float *restrict y, i64 N, i64 C, i64 S, const float *gamma,
                     const float *beta, const float *rm, const float *rv, double eps) {
  PER_CHANNEL_BEGIN(N, C, S)
  double mu = rm[c], sc = gamma[c] / sqrt((double)rv[c] + eps), sh = beta[c];
  const float *restrict xr = x + base;
  float *restrict yr = y + base;
#pragma omp simd
  for (i64 s = s0; s < s1; s++) yr[s] = (float)((xr[s] - mu) * sc + sh);
  PER_CHANNEL_END
}

/* Sums of g and g·(z - mean) per channel, where g = dy, or the ELU gradient from (dy, y) when y is given. */
static void bn_backward_sums(const float *restrict dy, const float *restrict y, double alpha,
                             const float *restrict z, i64 N, i64 C, i64 S, const float *mean,
                             double *sdy_out, double *sdyx_out) {
  i64 M = N * S, B = blocks_for(C, M);
  double *part = malloc(sizeof(double) * 2 * C * B);
#pragma omp parallel for schedule(static) num_threads(team(N * C * S * 8))
  for (i64 t = 0; t < C * B; t++) {
    i64 c = t / B, b = t - c * B;
    double mu = mean[c];
    double s1 = 0, s2 = 0;
    RUNS_BEGIN(M * b / B, M * (b + 1) / B)
    double a1 = 0, a2 = 0;
    if (y) {
#pragma omp simd reduction(+ : a1, a2)
      for (i64 i = base; i < base + len; i++) {
        double g = elu_grad1(dy[i], y[i], alpha);
        a1 += g;
        a2 += g * (z[i] - mu);
      }
    } else {
#pragma omp simd reduction(+ : a1, a2)
      for (i64 i = base; i < base + len; i++) {
        double g = dy[i];
        a1 += g;
        a2 += g * (z[i] - mu);
      }
    }
    s1 += a1;
    s2 += a2;
    RUNS_END
    part[2 * t] = s1;
    part[2 * t + 1] = s2;
  }
  for (i64 c = 0; c < C; c++) {
    double s1 = 0, s2 = 0;
    for (i64 b = 0; b < B; b++) {
      s1 += part[2 * (c * B + b)];
      s2 += part[2 * (c * B + b) + 1];
    }
    sdy_out[c] = s1;
    sdyx_out[c] = s2;
  }
  free(part);
}

static void bn_backward_impl(const float *restrict dy, const float *restrict y, double alpha,
                             const float *restrict z, float *restrict dz, i64 N, i64 C, i64 S,
                             const float *gamma, const float *mean, const float *invstd, float *dgamma,
                             float *dbeta) {
  double *cst = malloc(sizeof(double) * 5 * C);
  double *sdy = cst, *sdyx = cst + C, *ca = cst + 2 * C, *cb = cst + 3 * C, *cc = cst + 4 * C;
  bn_backward_sums(dy, y, alpha, z, N, C, S, mean, sdy, sdyx);
  double M = (double)(N * S);
  for (i64 c = 0; c < C; c++) {
    double is = invstd[c], mu = mean[c];
    double dg = sdyx[c] * is;
    dbeta[c] = (float)sdy[c];
    dgamma[c] = (float)dg;
    double a = gamma[c] * is;
    double mdb = sdy[c] / M;
    double k = (dg * is) / M;
    ca[c] = a;
    cb[c] = -a * k;
    cc[c] = a * (mu * k - mdb);
  }
  PER_CHANNEL_BEGIN(N, C, S)
  double a = ca[c], bx = cb[c], c0 = cc[c];
  if (y) {
#pragma omp simd
    for (i64 i = base + s0; i < base + s1; i++)
      dz[i] = (float)(a * (double)elu_grad1(dy[i], y[i], alpha) + bx * z[i] + c0);
  } else {
#pragma omp simd
    for (i64 i = base + s0; i < base + s1; i++) dz[i] = (float)(a * (double)dy[i] + bx * z[i] + c0);
  }
  PER_CHANNEL_END
  free(cst);
}

void unet3d_bn_backward(const float *restrict dy, const float *restrict x, float *restrict dx, i64 N, i64 C,
                        i64 S, const float *gamma, const float *mean, const float *invstd, float *dgamma,
                        float *dbeta) {
  bn_backward_impl(dy, 0, 0, x, dx, N, C, S, gamma, mean, invstd, dgamma, dbeta);
}

/* ---------------- fused batch norm chains ---------------- */

/* x (+bias, in place) (+res into zout) -> batch norm (train) -> ELU into y. Two passes over memory. */
void unet3d_bias_bn_elu_train(float *restrict x, const float *restrict bias, const float *restrict res,
                              float *restrict zout, float *restrict y, i64 N, i64 C, i64 S,
                              const float *gamma, const float *beta, float *rm, float *rv, float *mean,
                              float *invstd, double momentum, double eps, double alpha) {
  double *cst = malloc(sizeof(double) * 3 * C);
  float *zw = res ? zout : (bias ? x : 0);
  bn_stats(x, bias, res, zw, N, C, S, gamma, beta, rm, rv, mean, invstd, momentum, eps, cst, cst + C, cst + 2 * C);
  const float *z = zw ? zw : x;
  PER_CHANNEL_BEGIN(N, C, S)
  double mu = cst[c], sc = cst[C + c], sh = cst[2 * C + c];
#pragma omp simd
  for (i64 i = base + s0; i < base + s1; i++) {
    float b = (float)((z[i] - mu) * sc + sh);
    y[i] = elu1(b, alpha);
  }
  PER_CHANNEL_END
  free(cst);
}

/* dy at the ELU output y -> ELU backward -> batch-norm backward with input z: dz, dgamma, dbeta. */
void unet3d_bn_elu_backward(const float *restrict dy, const float *restrict y, const float *restrict z,
                            float *restrict dz, i64 N, i64 C, i64 S, const float *gamma, const float *mean,
                            const float *invstd, float *dgamma, float *dbeta, double alpha) {
  bn_backward_impl(dy, y, alpha, z, dz, N, C, S, gamma, mean, invstd, dgamma, dbeta);
}

/* y = ELU(x + bias[c]); x is left unchanged. */
void unet3d_bias_elu(const float *restrict x, const float *restrict bias, float *restrict y, i64 N, i64 C,
                     i64 S, double alpha) {
  PER_CHANNEL_BEGIN(N, C, S)
  float b = bias[c];
#pragma omp simd
  for (i64 i = base + s0; i < base + s1; i++) y[i] = elu1(x[i] + b, alpha);
  PER_CHANNEL_END
}

/* dx = ELU backward(dy, y); dbias[c] = sum of dx over N, D, H, W (double). */
void unet3d_elu_backward_bias_grad(const float *restrict dy, const float *restrict y, float *restrict dx,
                                   float *restrict dbias, i64 N, i64 C, i64 S, double alpha) {
  i64 M = N * S, B = blocks_for(C, M);
  double *part = malloc(sizeof(double) * C * B);
#pragma omp parallel for schedule(static) num_threads(team(N * C * S * 8))
  for (i64 t = 0; t < C * B; t++) {
    i64 c = t / B, b = t - c * B;
    double acc = 0;
    RUNS_BEGIN(M * b / B, M * (b + 1) / B)
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (i64 i = base; i < base + len; i++) {
      float g = elu_grad1(dy[i], y[i], alpha);
      dx[i] = g;
      s += g;
    }
    acc += s;
    RUNS_END
    part[t] = acc;
  }
  for (i64 c = 0; c < C; c++) {
    double acc = 0;
    for (i64 b = 0; b < B; b++) acc += part[c * B + b];
    dbias[c] = (float)acc;
  }
  free(part);
}
`;
