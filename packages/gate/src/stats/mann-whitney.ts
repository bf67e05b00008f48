import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

/**
 * Mann–Whitney U test (Wilcoxon rank-sum), one-sided: is `x` stochastically greater than `y`?
 *
 * Small samples (pooled size ≤ EXACT_MAX_POOLED) use the exact conditional (permutation) distribution of the
 * rank sum given the observed tie pattern: every way of choosing which m of the N pooled values are the x's is
 * equally likely under H0, and ties keep their mid-ranks (Hollander, Wolfe & Chicken, "Nonparametric
 * Statistical Methods", 3rd ed., §4.1, "exact conditional distribution" with ties). Without ties this is the
 * classical exact distribution, e.g. P(U = mn) = 1 / C(m+n, m). Larger samples use the normal approximation
 * with the tie correction and a continuity correction. Timing samples are skewed and have outliers, so a
 * rank test suits them.
 */
export interface MannWhitneyResult {
  /** U statistic of x: the number of (x, y) pairs with x > y, ties counting one half. */
  readonly u: number;
  /** One-sided p-value for H1: x tends to be greater than y. */
  readonly pGreater: number;
  readonly method: 'exact' | 'normal';
  /**
   * Smallest one-sided p-value these sample sizes (and, for the exact method, this tie pattern) can give:
   * P(U = its largest possible value). For the normal method, the approximation's tail at U = mn.
   */
  readonly minAttainableP: number;
}

/** Pooled sizes up to this use the exact conditional distribution (cost ~ N · m · N², a few ms at 60). */
export const EXACT_MAX_POOLED = 60;

/** Twice the mid-rank (1-based) of each pooled value, as integers; x's first, then y's. */
function doubledMidRanks(x: readonly number[], y: readonly number[]): { ranks2: number[]; ties: number } {
  const pooled = [...x, ...y].map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks2 = new Array<number>(pooled.length).fill(0);
  let ties = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1]!.v === pooled[i]!.v) j++;
    const t = j - i + 1;
    if (t > 1) ties += t ** 3 - t;
    for (let k = i; k <= j; k++) ranks2[pooled[k]!.i] = i + j + 2; // 2 × (i + j + 2) / 2
    i = j + 1;
  }
  return { ranks2, ties };
}

/**
 * counts[s] = number of m-subsets of `ranks2` whose sum is s (a subset-sum count, by dynamic programming over
 * the pooled values). Counts are doubles: C(60, 30) ≈ 1.2e17 is past 2^53, but only ratios are used.
 */
function subsetSumCounts(ranks2: readonly number[], m: number): number[] {
  const maxSum = ranks2.reduce((s, r) => s + r, 0);
  // f[k][s]: k values chosen so far, sum s.
  const f: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(maxSum + 1));
  f[0]![0] = 1;
  let reach = 0;
  for (const r of ranks2) {
    reach += r;
    for (let k = m; k >= 1; k--) {
      const to = f[k]!;
      const from = f[k - 1]!;
      for (let s = reach; s >= r; s--) if (from[s - r]! !== 0) to[s]! += from[s - r]!;
    }
  }
  return Array.from(f[m]!);
}

function tail(counts: readonly number[], from: number): number {
  let total = 0;
  let upper = 0;
  counts.forEach((c, s) => {
    total += c;
    if (s >= from) upper += c;
  });
  return upper / total;
}

export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('Mann–Whitney U needs two non-empty samples');
  const { ranks2, ties } = doubledMidRanks(x, y);
  const w2 = ranks2.slice(0, m).reduce((s, r) => s + r, 0);
  const u = w2 / 2 - (m * (m + 1)) / 2;
  const N = m + n;
  if (N <= EXACT_MAX_POOLED) {
    const counts = subsetSumCounts(ranks2, m);
    const largest = [...ranks2]
      .sort((a, b) => b - a)
      .slice(0, m)
      .reduce((s, r) => s + r, 0);
    return { u, pGreater: tail(counts, w2), method: 'exact', minAttainableP: tail(counts, largest) };
  }
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (N + 1 - ties / (N * (N - 1)));
  const sf = (value: number) =>
    variance <= 0 ? 1 : Math.min(1, 1 - normalCdf(value - mean - 0.5, 0, Math.sqrt(variance)));
  return { u, pGreater: sf(u), method: 'normal', minAttainableP: sf(m * n) };
}
