/** Binomial coefficient C(n, k) as a double (exact up to 2^53). */
export function binomial(n: number, k: number): number {
  let out = 1;
  for (let i = 1; i <= k; i++) out = (out * (n - k + i)) / i;
  return Math.round(out);
}

/**
 * The smallest n (samples per side, both sides equal) at which a one-sided exact Mann–Whitney test can reach
 * significance after Holm's correction over `family` tests: the smallest attainable p is 1 / C(2n, n) (no
 * ties), and Holm's first step multiplies it by the family size, so n is the least with family / C(2n, n) ≤ α.
 * Example: 4 rows at α = 0.01 need 4 / C(2n, n) ≤ 0.01, C(2n, n) ≥ 400: C(10,5) = 252, C(12,6) = 924, so n = 6.
 */
export function samplesNeeded(family: number, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const m = Math.max(1, family);
  for (let n = 1; ; n++) if (m / binomial(2 * n, n) <= alpha) return n;
}
