import { seededRng } from '@unet3d/core';
import type { PassKind } from '@unet3d/results';
import { quantile } from '@unet3d/results';
import { bootstrapMedianRatio } from './stats/bootstrap.js';
import { mannWhitneyGreater } from './stats/mann-whitney.js';

export interface GateOptions {
  /** A slowdown counts only when the median ratio exceeds 1 + maxSlowdown (0.05 = 5%). */
  readonly maxSlowdown: number;
  /** Family-wise significance level of the one-sided Mann–Whitney tests; the bootstrap interval is [q(α), q(1−α)]. */
  readonly alpha: number;
  /**
   * Absolute floor, ms: a change of the median smaller than this never counts, whatever the ratio (a layer
   * that goes from 0.000 to 0.003 ms is timer noise, not a regression).
   */
  readonly minDeltaMs: number;
  readonly seed: number;
  readonly resamples: number;
  /** Adjust the p-values within each family (rows; per-layer entries) by Holm's method, or not. */
  readonly correction: 'holm' | 'none';
  /**
   * Compare runs of two different device identities (`identityDifferences` non-empty) anyway; the result
   * then names both identities. Off: such a pair is not comparable.
   */
  readonly crossDevice: boolean;
  /** Compare runs with rows (or measured roofs) marked noisy anyway; the result names them. Off: refused. */
  readonly allowNoisy: boolean;
}

/**
 * Defaults chosen from packages/gate/scripts/power-simulation.ts (table in packages/gate/README.md): at
 * α = 0.01 with Holm over the 4 rows, false alarms on identical distributions stay ≤ 1%, and at the committed
 * runs' median noise (CV 4%) 10 samples per side catch a 10% slowdown 96% of the time and a 20% one always;
 * 5 samples per side cannot reach significance at all (the gate says "inconclusive").
 */
export const DEFAULT_GATE_OPTIONS: GateOptions = {
  maxSlowdown: 0.05,
  alpha: 0.01,
  minDeltaMs: 0.005,
  seed: 1,
  resamples: 2000,
  correction: 'holm',
  crossDevice: false,
  allowNoisy: false,
};

/**
 * slower: significantly slower (adjusted Mann–Whitney p ≤ α, bootstrap lower bound > 1) by more than the
 * threshold and the absolute floor; faster: the mirror image; unchanged: neither although the samples could
 * have shown it; inconclusive: the samples cannot show a slowdown of any size (too few of them, after the
 * correction); broken: ran in the baseline but not now; new: runs now but did not in the baseline;
 * not-comparable: ran in both but not alike (another backend), so not compared (the note says why).
 */
export type Verdict =
  | 'slower'
  | 'faster'
  | 'unchanged'
  | 'inconclusive'
  | 'broken'
  | 'new'
  | 'not-comparable';

/** The verdicts of a comparison that was actually made (samples against samples). */
export const COMPARED_VERDICTS: ReadonlySet<Verdict> = new Set([
  'slower',
  'faster',
  'unchanged',
  'inconclusive',
]);

export interface Comparison {
  readonly scope: 'row' | 'layer';
  readonly rowId: string;
  readonly layer: string | null;
  readonly pass: PassKind | null;
  readonly baselineMedianMs: number | null;
  readonly currentMedianMs: number | null;
  readonly nBaseline: number;
  readonly nCurrent: number;
  /** median(current) / median(baseline). */
  readonly ratio: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  /** One-sided p-values: current slower, current faster. */
  readonly pSlower: number | null;
  readonly pFaster: number | null;
  /** The same after the correction within the comparison's family (what the verdict uses). */
  readonly pSlowerAdjusted: number | null;
  readonly pFasterAdjusted: number | null;
  /** Smallest p these samples could give (before the correction). */
  readonly minAttainableP: number | null;
  /** Smallest p they could give after the correction: the family size × minAttainableP (Holm's first step). */
  readonly minAttainablePAdjusted: number | null;
  readonly verdict: Verdict;
  readonly note: string | null;
}

/** FNV-1a hash, to give every comparison its own seeded stream independent of order. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export const MIN_SAMPLES = 2;

export type Key = Pick<Comparison, 'scope' | 'rowId' | 'layer' | 'pass'>;

export const UNTESTED = {
  ratio: null,
  lower: null,
  upper: null,
  pSlower: null,
  pFaster: null,
  pSlowerAdjusted: null,
  pFasterAdjusted: null,
  minAttainableP: null,
  minAttainablePAdjusted: null,
} as const;

/**
 * Compare two samples of times (ms): one-sided rank tests both ways plus a bootstrap interval of the median
 * ratio. The verdict here is before any correction (`family` = 1); compareRuns re-decides within families.
 */
export function compareSamples(
  key: Key,
  baseline: readonly number[],
  current: readonly number[],
  options: GateOptions,
): Comparison {
  const base = {
    ...key,
    baselineMedianMs: baseline.length ? quantile(baseline, 0.5) : null,
    currentMedianMs: current.length ? quantile(current, 0.5) : null,
    nBaseline: baseline.length,
    nCurrent: current.length,
  };
  if (baseline.length < MIN_SAMPLES || current.length < MIN_SAMPLES) {
    return {
      ...base,
      ...UNTESTED,
      verdict: 'inconclusive',
      note: `too few samples: needs at least ${MIN_SAMPLES} on each side to test`,
    };
  }
  const slower = mannWhitneyGreater(current, baseline);
  const faster = mannWhitneyGreater(baseline, current);
  const rng = seededRng(options.seed ^ hash(`${key.rowId}|${key.layer}|${key.pass}`));
  const ci = bootstrapMedianRatio(baseline, current, rng, options.alpha, options.resamples);
  return decide(
    {
      ...base,
      ratio: ci.ratio,
      lower: ci.lower,
      upper: ci.upper,
      pSlower: slower.pGreater,
      pFaster: faster.pGreater,
      pSlowerAdjusted: slower.pGreater,
      pFasterAdjusted: faster.pGreater,
      minAttainableP: slower.minAttainableP,
      minAttainablePAdjusted: slower.minAttainableP,
      verdict: 'unchanged',
      note: null,
    },
    options,
  );
}

/**
 * The verdict from the adjusted p-values, the bootstrap interval, the relative threshold and the absolute
 * floor. The power check comes first and uses the adjusted smallest attainable p: when even a complete
 * separation of the samples could not reach α after the correction, the verdict is inconclusive, never
 * unchanged.
 */
export function decide(c: Comparison, options: GateOptions): Comparison {
  if (c.ratio === null || c.lower === null || c.upper === null) return c;
  const { alpha, maxSlowdown, minDeltaMs } = options;
  const pSlower = c.pSlowerAdjusted ?? 1;
  const pFaster = c.pFasterAdjusted ?? 1;
  const delta = (c.currentMedianMs ?? 0) - (c.baselineMedianMs ?? 0);
  let verdict: Verdict = 'unchanged';
  let note: string | null = null;
  if (c.minAttainablePAdjusted !== null && c.minAttainablePAdjusted > alpha) {
    verdict = 'inconclusive';
    note = `too few samples: smallest attainable p after the correction is ${c.minAttainablePAdjusted.toPrecision(2)} > α = ${alpha}`;
  } else if (pSlower <= alpha && c.lower > 1) {
    if (c.ratio > 1 + maxSlowdown && delta > minDeltaMs) verdict = 'slower';
    else note = 'significantly slower, within the threshold';
  } else if (pFaster <= alpha && c.upper < 1) {
    if (c.ratio < 1 - maxSlowdown && -delta > minDeltaMs) verdict = 'faster';
    else note = 'significantly faster, within the threshold';
  }
  return { ...c, verdict, note };
}

/** A row that was not compared sample against sample: broken, new, or not comparable (the note says why). */
export function statusOnly(key: Key, verdict: 'broken' | 'new' | 'not-comparable', note: string): Comparison {
  return {
    ...key,
    baselineMedianMs: null,
    currentMedianMs: null,
    nBaseline: 0,
    nCurrent: 0,
    ...UNTESTED,
    verdict,
    note,
  };
}
