/**
 * Mann–Whitney U test (Wilcoxon rank-sum), one-sided: is `x` stochastically greater than `y`?
 * Exact null distribution for small samples without ties; otherwise the normal approximation with tie
 * and continuity corrections. Timing samples are skewed and have outliers, so a rank test suits them.
 */
export interface MannWhitneyResult {
  /** U statistic of x: the number of (x, y) pairs with x > y, ties counting one half. */
  readonly u: number;
  /** One-sided p-value for H1: x tends to be greater than y. */
  readonly pGreater: number;
  readonly method: 'exact' | 'normal';
  /** Smallest one-sided p-value these sample sizes can give (exact method); 0 for the normal method. */
  readonly minAttainableP: number;
}

const EXACT_MAX = 25;

/** Average ranks (1-based) of the pooled sample, and the tie-correction term Σ(t³ − t). */
function pooledRanks(x: readonly number[], y: readonly number[]): { rx: number; ties: number } {
  const pooled = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))].sort(
    (a, b) => a.v - b.v,
  );
  let rx = 0;
  let ties = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1]!.v === pooled[i]!.v) j++;
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    if (t > 1) ties += t ** 3 - t;
    for (let k = i; k <= j; k++) if (pooled[k]!.fromX) rx += rank;
    i = j + 1;
  }
  return { rx, ties };
}

/** counts[u] = number of arrangements of m x's and n y's with U = u (U of x). */
function exactCounts(m: number, n: number): number[] {
  // f[i][j] is the count vector for i x's and j y's; built up over i and j.
  let prev: number[][] = [];
  for (let i = 0; i <= m; i++) {
    const cur: number[][] = [];
    for (let j = 0; j <= n; j++) {
      if (i === 0 || j === 0) {
        cur.push([1]);
        continue;
      }
      // The largest element is an x (adds j to U) or a y (adds 0).
      const withX = prev[j]!;
      const withY = cur[j - 1]!;
      const out = new Array<number>(i * j + 1).fill(0);
      withX.forEach((c, u) => {
        out[u + j]! += c;
      });
      withY.forEach((c, u) => {
        out[u]! += c;
      });
      cur.push(out);
    }
    prev = cur;
  }
  return prev[n]!;
}

function normalSf(z: number): number {
  // Survival function of N(0,1) via erfc (Abramowitz–Stegun 7.1.26 is too coarse; use a continued form).
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes erfcc, relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('Mann–Whitney U needs two non-empty samples');
  const { rx, ties } = pooledRanks(x, y);
  const u = rx - (m * (m + 1)) / 2;
  if (ties === 0 && m <= EXACT_MAX && n <= EXACT_MAX) {
    const counts = exactCounts(m, n);
    const total = counts.reduce((s, c) => s + c, 0);
    let tail = 0;
    for (let k = Math.ceil(u); k < counts.length; k++) tail += counts[k]!;
    return { u, pGreater: tail / total, method: 'exact', minAttainableP: 1 / total };
  }
  const N = m + n;
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (N + 1 - ties / (N * (N - 1)));
  if (variance <= 0) return { u, pGreater: 1, method: 'normal', minAttainableP: 0 };
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, pGreater: Math.min(1, normalSf(z)), method: 'normal', minAttainableP: 0 };
}
