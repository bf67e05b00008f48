/** C source of the CPU device: 2×2×2 max pool (argmax as a float offset) and ×2 trilinear upsampling (align_corners=False) with its adjoint as a gather. Part of CPU_KERNELS_SOURCE (../cpu-kernels-source.ts). */
export const SPATIAL_SOURCE = String.raw`
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
`;
