/** C source of the CPU device: Masked mean sigmoid + BCE with logits (gradient written in the same pass) and Adam, per tensor and over all parameters in one parallel region. Part of CPU_KERNELS_SOURCE (../cpu-kernels-source.ts). */
export const LOSS_ADAM_SOURCE = String.raw`
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
