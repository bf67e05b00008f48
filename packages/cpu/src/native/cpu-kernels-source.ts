/**
 * The C source of every CPU device op (float32 storage), compiled once into one shared object. Batch norm, ELU,
 * add and bias mirror the arithmetic of their JavaScript op in ../ops (double intermediates, the same formulas
 * and rounding points); trilinear upsampling, max pool, the loss's per-voxel terms and Adam compute in float
 * (twice the vector width; a few float32 ulps from the JavaScript op, far inside the 1e-5 the tests demand).
 * Reductions (batch-norm statistics, bias gradients, the loss) accumulate in double per block and combine in a
 * fixed order, so runs are deterministic. Loops are vectorised by the compiler (`-O3 -march=native`,
 * `#pragma omp simd`, restrict) and split over threads with OpenMP: one parallel region per pass, static
 * schedules, one thread below PAR_BYTES (256 KiB) of traffic or on an oversubscribed machine (team() in the
 * source). Layout is NCDHW; S = D·H·W.
 */
export const CPU_KERNELS_SOURCE = String.raw`
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#else
static int omp_get_max_threads(void) { return 1; }
#endif

typedef int64_t i64;
#define CHUNK 16384
/* Traffic (bytes) above which an op is split over threads; below it one thread avoids barrier stalls. */
#define PAR_BYTES 262144

/* Threads for one pass that moves about the given bytes: 1 below PAR_BYTES (a team's start and barriers cost more
   than the pass); 1 while other work occupies a CPU, i.e. the 1-minute load average exceeds the online CPUs
   + 0.5 (our own runnable threads count at most one per CPU): a second thread would then wait for a time slice
   at every barrier, measured 10-40x slower than 1 thread on a 2-CPU machine at load 3-28; else every thread.
   The load average is read at most once a second. UNET3D_CPU_LOAD_GUARD=0 turns the load check off. */
static int team(i64 bytes) {
  int T = omp_get_max_threads();
  if (bytes <= PAR_BYTES || T == 1) return 1;
  static int guard = -1, loaded = 0;
  static double last = -10;
  if (guard < 0) {
    const char *e = getenv("UNET3D_CPU_LOAD_GUARD");
    guard = !(e && e[0] == '0');
  }
  if (!guard) return T;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  double now = ts.tv_sec + 1e-9 * ts.tv_nsec;
  if (now - last >= 1.0) {
    double la[1];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    loaded = getloadavg(la, 1) == 1 && cpus > 0 && la[0] > (double)cpus + 0.5;
    last = now;
  }
  return loaded ? 1 : T;
}

int unet3d_threads(void) { return omp_get_max_threads(); }
/* Threads of later parallel regions started from the calling (Node main) thread. */
void unet3d_set_threads(int n) {
#ifdef _OPENMP
  if (n > 0) omp_set_num_threads(n);
#else
  (void)n;
#endif
}

/* e^r - 1 and e^r for r in [-708, 0]: r = k ln2 + f, |f| <= ln2/2, expm1(f) by its Taylor series to f^11
   (error < 1e-14), 2^k from the exponent bits. Branch-free so loops over it vectorise. */
static inline double em1_neg(double r, double *er) {
  const double MAGIC = 6755399441055744.0;
  double t = r * 1.4426950408889634 + MAGIC;
  double k = t - MAGIC;
  double f = (r - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
  double p = f * (1.0 + f * (1.0 / 2 + f * (1.0 / 6 + f * (1.0 / 24 + f * (1.0 / 120 + f * (1.0 / 720 +
             f * (1.0 / 5040 + f * (1.0 / 40320 + f * (1.0 / 362880 + f * (1.0 / 3628800 + f * (1.0 / 39916800)))))))))));
  i64 tb;
  memcpy(&tb, &t, 8);
  i64 eb = (i64)((uint64_t)(tb + 1023) << 52);
  double two;
  memcpy(&two, &eb, 8);
  *er = two * (p + 1.0);
  return two * p + (two - 1.0);
}

/* ELU in float: e^r - 1 for r in [-30, 0] as 2^k·expm1(f) + (2^k - 1), |f| <= ln2/2, expm1(f) by its Taylor
   series to f^8 (truncation < 3e-10 relative), ln2 split hi/lo. Agrees with the JavaScript op (table exp,
   1e-12) to a few float32 ulps; below -30, e^r - 1 rounds to -1 in float32 as in the JavaScript op. */
static inline float elu1(float v, double alpha) {
  float r = v < 0 ? v : 0.0f;
  r = r > -30.0f ? r : -30.0f;
  const float MAGIC = 12582912.0f;
  float t = r * 1.44269504088896341f + MAGIC;
  float k = t - MAGIC;
  float f = (r - k * 0.693145751953125f) - k * 1.428606765330187e-06f;
  float p = f * (1.0f + f * (1.0f / 2 + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720 +
            f * (1.0f / 5040 + f * (1.0f / 40320))))))));
  int32_t tb;
  memcpy(&tb, &t, 4);
  int32_t eb = (int32_t)((uint32_t)(tb + 127) << 23);
  float two;
  memcpy(&two, &eb, 4);
  float m1 = two * p + (two - 1.0f);
  return (v > 0 || v != v) ? v : (float)alpha * m1;
}

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

/* ---------------- max pool 2x2x2 ---------------- */

/* Per output row: the 8 window values read as stride-2 loads of 4 input rows (2 planes x 2 rows), the running
   max and its window index as branch-free selects (vectorised: vector max/compare and blends). Ties keep the
   first index; a NaN wins over numbers and the last NaN is kept, as in the JavaScript op. */
#define MP_STEP(V, Q)                 \
  {                                   \
    float v_ = (V);                   \
    int c_ = v_ > best || v_ != v_;   \
    best = c_ ? v_ : best;            \
    arg = c_ ? (float)(Q) : arg;      \
  }
void unet3d_maxpool2x(const float *restrict x, float *restrict y, float *restrict am, i64 NC, i64 D, i64 H,
                      i64 W) {
  i64 Do = D / 2, Ho = H / 2, Wo = W / 2, HW = H * W;
#pragma omp parallel for schedule(static) num_threads(team(NC * D * HW * 5))
  for (i64 t = 0; t < NC * Do; t++) {
    i64 nc = t / Do, od = t - nc * Do;
    float *restrict yo = y + t * Ho * Wo;
    float *restrict ao = am + t * Ho * Wo;
    for (i64 oh = 0; oh < Ho; oh++, yo += Wo, ao += Wo) {
      const float *restrict p0 = x + nc * D * HW + 2 * od * HW + 2 * oh * W;
      const float *restrict p1 = p0 + W, *restrict p2 = p0 + HW, *restrict p3 = p2 + W;
#pragma omp simd
      for (i64 ow = 0; ow < Wo; ow++) {
        i64 j = 2 * ow;
        float best = p0[j], arg = 0.0f;
        MP_STEP(p0[j + 1], 1)
        MP_STEP(p1[j], 2)
        MP_STEP(p1[j + 1], 3)
        MP_STEP(p2[j], 4)
        MP_STEP(p2[j + 1], 5)
        MP_STEP(p3[j], 6)
        MP_STEP(p3[j + 1], 7)
        yo[ow] = best;
        ao[ow] = arg;
      }
    }
  }
}

void unet3d_maxpool2x_backward(const float *restrict dy, const float *restrict am, float *restrict dx, i64 NC,
                               i64 D, i64 H, i64 W) {
  i64 Do = D / 2, Ho = H / 2, Wo = W / 2, HW = H * W;
  if (D & 1) {
    /* the odd last plane of each volume gets no gradient */
#pragma omp parallel for schedule(static) num_threads(team(NC * HW * 4))
    for (i64 nc = 0; nc < NC; nc++) memset(dx + nc * D * HW + (D - 1) * HW, 0, sizeof(float) * HW);
  }
  /* Per output plane: zero its two input planes (wide stores), then put each dy at its window's winner. */
#pragma omp parallel for schedule(static) num_threads(team(NC * D * HW * 5))
  for (i64 t = 0; t < NC * Do; t++) {
    i64 nc = t / Do, od = t - nc * Do;
    float *planes = dx + nc * D * HW + 2 * od * HW;
    memset(planes, 0, sizeof(float) * 2 * HW);
    i64 o = t * Ho * Wo;
    for (i64 oh = 0; oh < Ho; oh++, o += Wo) {
      float *p0 = planes + 2 * oh * W;
      for (i64 ow = 0; ow < Wo; ow++) {
        int a = (int)am[o + ow];
        p0[2 * ow + (a & 1) + ((a >> 1) & 1) * W + (a >> 2) * HW] = dy[o + ow];
      }
    }
  }
}

/* ---------------- trilinear x2 upsampling (align_corners=False) ---------------- */

/* x2 upsampling weights along an axis (PyTorch's align_corners=False with a factor of 2): output 0 = x[0];
   output 2k+1 = 3/4 x[k] + 1/4 x[k+1]; output 2k+2 = 1/4 x[k] + 3/4 x[k+1]; output 2n-1 = x[n-1]. With the
   axis clamped at both ends (x[-1] := x[0], x[n] := x[n-1]) every output o reads x[(o-1)>>1] and x[(o+1)>>1]
   with weights 3/4 and 1/4 (odd o) or 1/4 and 3/4 (even o). All weights and their products are exact in float. */
static inline i64 clampi(i64 i, i64 n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

/* Float arithmetic (weights exact, every term non-negative-weighted: float32 rounding of a few steps, far below
   the ops' 1e-5 tolerance against the float64-intermediate JavaScript op). Per output row: the 4 source rows
   blended into one W row (kept in L1 with a clamped border), then the W expansion as two interleaved ¼/¾ blends;
   both loops vectorise. One parallel region over output planes, one thread below PAR_BYTES of traffic. */
/* One output plane (2H x 2W) from its two source planes; W a compile-time constant at the call sites of the
   common widths, so short rows vectorise without remainder loops. First every output row's blend of its 4
   source rows into buf (rows of W + 2 with clamped borders), then the W expansion of every row: reading a row
   long after it was written avoids store-forwarding stalls on the shifted loads. */
static inline __attribute__((always_inline)) void up_plane(const float *xa, const float *xb, float wa,
                                                          float *restrict o, float *restrict buf, i64 H,
                                                          const i64 W) {
  float wb = 1.0f - wa;
  for (i64 oh = 0; oh < 2 * H; oh++) {
    float *restrict row = buf + oh * (W + 2) + 1;
    float ha = (oh & 1) ? 0.75f : 0.25f, hb = 1.0f - ha;
    i64 ra = clampi((oh - 1) >> 1, H) * W, rb = clampi((oh + 1) >> 1, H) * W;
    float caa = wa * ha, cba = wb * ha, cab = wa * hb, cbb = wb * hb;
    const float *restrict a0 = xa + ra, *restrict b0 = xb + ra, *restrict a1 = xa + rb, *restrict b1 = xb + rb;
#pragma omp simd
    for (i64 k = 0; k < W; k++) row[k] = (caa * a0[k] + cba * b0[k]) + (cab * a1[k] + cbb * b1[k]);
    row[-1] = row[0];
    row[W] = row[W - 1];
  }
  for (i64 oh = 0; oh < 2 * H; oh++, o += 2 * W) {
    const float *restrict row = buf + oh * (W + 2) + 1;
#pragma omp simd
    for (i64 k = 0; k < W; k++) {
      float r = 0.75f * row[k];
      o[2 * k] = 0.25f * row[k - 1] + r;
      o[2 * k + 1] = r + 0.25f * row[k + 1];
    }
  }
}

void unet3d_upsample2x(const float *restrict x, float *restrict y, i64 NC, i64 D, i64 H, i64 W) {
  i64 HW = H * W;
#pragma omp parallel num_threads(team(NC * D * HW * 36))
  {
    float *buf = malloc(sizeof(float) * 2 * H * (W + 2));
#pragma omp for schedule(static)
    for (i64 t = 0; t < NC * 2 * D; t++) {
      i64 nc = t / (2 * D), od = t - nc * 2 * D;
      float wa = (od & 1) ? 0.75f : 0.25f;
      const float *xa = x + nc * D * HW + clampi((od - 1) >> 1, D) * HW;
      const float *xb = x + nc * D * HW + clampi((od + 1) >> 1, D) * HW;
      float *o = y + t * 4 * HW;
      switch (W) {
        case 4: up_plane(xa, xb, wa, o, buf, H, 4); break;
        case 8: up_plane(xa, xb, wa, o, buf, H, 8); break;
        case 16: up_plane(xa, xb, wa, o, buf, H, 16); break;
        case 32: up_plane(xa, xb, wa, o, buf, H, 32); break;
        default: up_plane(xa, xb, wa, o, buf, H, W);
      }
    }
    free(buf);
  }
}

/* Exact adjoint of unet3d_upsample2x as a gather: input (d, h, w) receives from outputs 2d-1 .. 2d+2 of each
   axis (clamped to the axis) with weights 1/4, 3/4, 3/4, 1/4 (the clamping folds the border weights exactly:
   1/4 + 3/4 = 1). Per input plane d: the 4 output planes blended into one 2H x 2W plane (L1/L2-resident), then
   per input row the 4 plane rows blended into one 2W row, then the W adjoint with stride-2 loads. Every dx is
   written once; dy planes shared by neighbouring d are re-read from cache (static schedule keeps them on one
   thread). Float arithmetic as in the forward. */
/* Rows of one input plane from its blended 2H x 2W plane q (see below); W as in up_plane. First every input
   row's blend of its 4 q rows into rb (rows of 2W + 2 with clamped borders), then the W adjoint of each. */
static inline __attribute__((always_inline)) void down_rows(const float *restrict qp, float *restrict rb,
                                                           float *restrict out, i64 H, const i64 W) {
  for (i64 h = 0; h < H; h++) {
    float *restrict r = rb + h * (2 * W + 2) + 1;
    const float *restrict q0 = qp + clampi(2 * h - 1, 2 * H) * 2 * W, *restrict q1 = qp + (2 * h) * 2 * W;
    const float *restrict q2 = qp + (2 * h + 1) * 2 * W, *restrict q3 = qp + clampi(2 * h + 2, 2 * H) * 2 * W;
#pragma omp simd
    for (i64 k = 0; k < 2 * W; k++) r[k] = 0.25f * (q0[k] + q3[k]) + 0.75f * (q1[k] + q2[k]);
    r[-1] = r[0];
    r[2 * W] = r[2 * W - 1];
  }
  for (i64 h = 0; h < H; h++, out += W) {
    const float *restrict r = rb + h * (2 * W + 2) + 1;
#pragma omp simd
    for (i64 k = 0; k < W; k++) out[k] = 0.25f * (r[2 * k - 1] + r[2 * k + 2]) + 0.75f * (r[2 * k] + r[2 * k + 1]);
  }
}

void unet3d_upsample2x_backward(const float *restrict dy, float *restrict dx, i64 NC, i64 D, i64 H, i64 W) {
  i64 HW = H * W, W2 = 2 * W, P = 4 * HW;
#pragma omp parallel num_threads(team(NC * D * HW * 36))
  {
    float *q = malloc(sizeof(float) * (P + H * (W2 + 2)));
#pragma omp for schedule(static)
    for (i64 t = 0; t < NC * D; t++) {
      float *restrict qp = q;
      i64 nc = t / D, d = t - nc * D;
      const float *vol = dy + nc * 8 * D * HW;
      const float *restrict p0 = vol + clampi(2 * d - 1, 2 * D) * P, *restrict p1 = vol + (2 * d) * P;
      const float *restrict p2 = vol + (2 * d + 1) * P, *restrict p3 = vol + clampi(2 * d + 2, 2 * D) * P;
#pragma omp simd
      for (i64 k = 0; k < P; k++) qp[k] = 0.25f * (p0[k] + p3[k]) + 0.75f * (p1[k] + p2[k]);
      float *out = dx + t * HW, *r = q + P;
      switch (W) {
        case 4: down_rows(qp, r, out, H, 4); break;
        case 8: down_rows(qp, r, out, H, 8); break;
        case 16: down_rows(qp, r, out, H, 16); break;
        case 32: down_rows(qp, r, out, H, 32); break;
        default: down_rows(qp, r, out, H, W);
      }
    }
    free(q);
  }
}

/* ---------------- loss ---------------- */

/* e^r for r in [-87, 0] in float: r = k ln2 + f, |f| <= ln2/2, e^f by its Taylor series to f^8 (truncation
   < 6e-9 relative), 2^k from the exponent bits. Branch-free so loops over it vectorise. */
static inline float exp_negf(float r) {
  r = r < -87.0f ? -87.0f : r; /* NaN stays NaN */
  const float MAGIC = 12582912.0f;
  float t = r * 1.44269504088896341f + MAGIC;
  float k = t - MAGIC;
  float f = (r - k * 0.693145751953125f) - k * 1.428606765330187e-06f;
  float p = 1.0f + f * (1.0f + f * (1.0f / 2 + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720 +
            f * (1.0f / 5040 + f * (1.0f / 40320))))))));
  int32_t tb;
  memcpy(&tb, &t, 4);
  int32_t eb = (int32_t)((uint32_t)(tb + 127) << 23);
  float two;
  memcpy(&two, &eb, 4);
  return two * p;
}

/* Masked mean sigmoid + BCE with logits; writes dlogits, returns sum of m·loss (caller multiplies by 1/sum m).
   msum_out gets the sum of the mask; when it is 0, dlogits is zeroed and 0 returned. The mask sum must precede
   the gradient (dlogits is scaled by 1/sum m), so the mask is read twice: a sum pass (one stream), then one pass
   reading logits, target and mask once each and writing dlogits. Per voxel in float (e = e^-|x|,
   log(1 + e) = 2 atanh(e / (2 + e)) by its series to s^13, truncation < 2e-8), summed in double. */
double unet3d_sigmoid_bce(const float *restrict x, const float *restrict tg, const float *restrict mk,
                          float *restrict g, i64 n, double *msum_out) {
  /* Sums per fixed block of CHUNK values, combined in order: the same result on any number of threads. */
  i64 NB = (n + CHUNK - 1) / CHUNK;
  double *part = malloc(sizeof(double) * (NB > 0 ? NB : 1));
#pragma omp parallel for schedule(static) num_threads(team(n * 4))
  for (i64 b = 0; b < NB; b++) {
    i64 hi = (b + 1) * CHUNK < n ? (b + 1) * CHUNK : n;
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (i64 i = b * CHUNK; i < hi; i++) s += mk[i];
    part[b] = s;
  }
  double msum = 0;
  for (i64 b = 0; b < NB; b++) msum += part[b];
  *msum_out = msum;
  if (msum == 0) {
    memset(g, 0, sizeof(float) * n);
    free(part);
    return 0;
  }
  float inv = (float)(1 / msum);
#pragma omp parallel for schedule(static) num_threads(team(n * 16))
  for (i64 b = 0; b < NB; b++) {
    i64 hi = (b + 1) * CHUNK < n ? (b + 1) * CHUNK : n;
    double acc = 0;
#pragma omp simd reduction(+ : acc)
    for (i64 i = b * CHUNK; i < hi; i++) {
      float xv = x[i], t = tg[i], m = mk[i];
      float a = xv < 0 ? -xv : xv;
      float e = exp_negf(-a);
      float s = e / (2.0f + e), s2 = s * s;
      float l1p = 2.0f * s * (1.0f + s2 * (1.0f / 3 + s2 * (1.0f / 5 + s2 * (1.0f / 7 + s2 * (1.0f / 9 +
                  s2 * (1.0f / 11 + s2 * (1.0f / 13)))))));
      float sig = 1.0f / (1.0f + e);
      acc += (double)(m * ((xv > 0 ? xv : 0.0f) - xv * t + l1p));
      g[i] = m * inv * ((xv >= 0 ? 1.0f : e) * sig - t);
    }
    part[b] = acc;
  }
  double loss = 0;
  for (i64 b = 0; b < NB; b++) loss += part[b];
  free(part);
  return loss;
}

/* ---------------- Adam ---------------- */

/* One Adam step on n values in float (m, v rounded to float as stored; the update's quotient in float: a few
   ulps of the step, far below the 1e-5 tolerance against the double-intermediate JavaScript op). */
static inline void adam_run(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                            i64 a, i64 b, float b1, float b2, float c1, float c2, float eps, float ss, float ibc) {
#pragma omp simd
  for (i64 i = a; i < b; i++) {
    float gi = g[i];
    float mi = b1 * m[i] + c1 * gi;
    float vi = b2 * v[i] + c2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (ss * mi) / (sqrtf(vi) * ibc + eps);
  }
}

void unet3d_adam(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, i64 n,
                 double beta1, double beta2, double eps, double step_size, double sqrt_bc2) {
  float b1 = (float)beta1, b2 = (float)beta2, c1 = (float)(1 - beta1), c2 = (float)(1 - beta2);
  float ep = (float)eps, ss = (float)step_size, ibc = (float)(1 / sqrt_bc2);
#pragma omp parallel num_threads(team(n * 28))
  {
#ifdef _OPENMP
    i64 T = omp_get_num_threads(), id = omp_get_thread_num();
#else
    i64 T = 1, id = 0;
#endif
    /* static split at multiples of 16 values (whole cache lines) */
    i64 per = ((n + T - 1) / T + 15) & ~(i64)15;
    i64 a = id * per < n ? id * per : n, b = a + per < n ? a + per : n;
    adam_run(p, g, m, v, a, b, b1, b2, c1, c2, ep, ss, ibc);
  }
}

/* Adam over many tensors in one call and one parallel region: the concatenation of all tensors is split into
   one contiguous static range per thread (one thread below PAR_BYTES of traffic). */
void unet3d_adam_all(float **p, float **g, float **m, float **v, const i64 *sizes, int count, double beta1,
                     double beta2, double eps, double step_size, double sqrt_bc2) {
  float b1 = (float)beta1, b2 = (float)beta2, c1 = (float)(1 - beta1), c2 = (float)(1 - beta2);
  float ep = (float)eps, ss = (float)step_size, ibc = (float)(1 / sqrt_bc2);
  i64 total = 0;
  for (int j = 0; j < count; j++) total += sizes[j];
#pragma omp parallel num_threads(team(total * 28))
  {
#ifdef _OPENMP
    i64 T = omp_get_num_threads(), id = omp_get_thread_num();
#else
    i64 T = 1, id = 0;
#endif
    i64 per = ((total + T - 1) / T + 15) & ~(i64)15;
    i64 lo = id * per < total ? id * per : total, hi = lo + per < total ? lo + per : total, off = 0;
    for (int j = 0; j < count && off < hi; off += sizes[j], j++) {
      i64 a = lo > off ? lo - off : 0, b = hi - off < sizes[j] ? hi - off : sizes[j];
      if (a < b) adam_run(p[j], g[j], m[j], v[j], a, b, b1, b2, c1, c2, ep, ss, ibc);
    }
  }
}
`;
