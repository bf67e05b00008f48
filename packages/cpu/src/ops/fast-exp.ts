/**
 * Tables for an inline, branch-free e^r on r ≤ 0 (float32 mode only; float64 mode keeps Math.exp/expm1).
 *
 * r = −(j/32)·ln2 + f with j = round(−r·32/ln2) and |f| ≤ ln2/64, so e^r = 2^(−j/32)·e^f. e^f − 1 is a
 * degree-4 Taylor polynomial q(f) (relative error ≤ |f|⁵/120 ≈ 1.2e-12), and
 *   e^r     = POW2_NEG[j] + POW2_NEG[j]·q
 *   e^r − 1 = POW2_NEG_M1[j] + POW2_NEG[j]·q      (exact-relative near r = 0, where j = 0 and the table is 0)
 * Both are far below float32 rounding. Callers inline the few lines (no per-element calls) and keep
 * −r ≤ EXP_TABLE_MAX_ARG so that j < EXP_TABLE_SIZE; they handle larger −r with Math.exp/expm1.
 *
 *   const k = r * EXP_K + EXP_ROUND - EXP_ROUND;  // round(r·32/ln2), ≤ 0
 *   const f = r - k * EXP_LN2_32;
 *   const j = -k | 0;
 *   const q = f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24))));
 */
export const EXP_TABLE_MAX_ARG = 40;
export const EXP_TABLE_SIZE = 2048; // > 40·32/ln2 + 1 ≈ 1848
/** 32/ln2, ln2/32, and 1.5·2^52 (adding and subtracting it rounds a double to an integer, ties to even). */
export const EXP_K = 32 / Math.LN2;
export const EXP_LN2_32 = Math.LN2 / 32;
export const EXP_ROUND = 6755399441055744;

/** 2^(−j/32) and 2^(−j/32) − 1, j = 0 … EXP_TABLE_SIZE − 1. */
export const POW2_NEG = new Float64Array(EXP_TABLE_SIZE);
export const POW2_NEG_M1 = new Float64Array(EXP_TABLE_SIZE);
for (let j = 0; j < EXP_TABLE_SIZE; j++) {
  POW2_NEG_M1[j] = Math.expm1((-j * Math.LN2) / 32);
  POW2_NEG[j] = 2 ** (-j / 32);
}

/**
 * For softplus: per j, c = 2^(−j/32), log(1 + c) and 1/(1 + c), interleaved with stride 4 (one bounds check
 * and one cache line per lookup). With e = c·(1 + q): log(1 + e) = log(1 + c) + log1p(u), u = c·q/(1 + c),
 * |u| ≤ 0.011, where a degree-5 series is exact to ~1e-11 relative to log(1 + e).
 */
export const SOFTPLUS_TABLE = new Float64Array(4 * EXP_TABLE_SIZE);
for (let j = 0; j < EXP_TABLE_SIZE; j++) {
  const c = 2 ** (-j / 32);
  SOFTPLUS_TABLE[4 * j] = c;
  SOFTPLUS_TABLE[4 * j + 1] = Math.log1p(c);
  SOFTPLUS_TABLE[4 * j + 2] = 1 / (1 + c);
}
