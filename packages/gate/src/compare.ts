import { seededRng } from '@unet3d/core';
import type { BenchRow, BenchRun, PassKind } from '@unet3d/results';
import { quantile } from '@unet3d/results';
import { incomparabilities } from './comparable.js';
import { bootstrapMedianRatio } from './stats/bootstrap.js';
import { holmAdjust } from './stats/holm.js';
import { mannWhitneyGreater } from './stats/mann-whitney.js';
import { samplesNeeded } from './stats/samples-needed.js';

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
};

/**
 * slower: significantly slower (adjusted Mann–Whitney p ≤ α, bootstrap lower bound > 1) by more than the
 * threshold and the absolute floor; faster: the mirror image; unchanged: neither although the samples could
 * have shown it; inconclusive: the samples cannot show a slowdown of any size (too few of them, after the
 * correction); broken: ran in the baseline but not now; new: runs now but did not in the baseline.
 */
export type Verdict = 'slower' | 'faster' | 'unchanged' | 'inconclusive' | 'broken' | 'new';

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

/** pass → exit 0, regression → 1, inconclusive (too few samples) and not-comparable → 3. */
export type GateOutcome = 'pass' | 'regression' | 'inconclusive' | 'not-comparable';

export interface GateResult {
  readonly options: GateOptions;
  readonly outcome: GateOutcome;
  readonly comparisons: readonly Comparison[];
  /** Comparisons that fail the gate (slower or broken). */
  readonly failures: readonly Comparison[];
  /** Differences that make the runs incomparable (outcome 'not-comparable'). */
  readonly incomparable: readonly string[];
  /** Samples per side each row needs for a slowdown to be detectable at all (rows' family, α). */
  readonly samplesNeededPerRow: number;
  readonly warnings: readonly string[];
}

/** FNV-1a hash, to give every comparison its own seeded stream independent of order. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const MIN_SAMPLES = 2;

type Key = Pick<Comparison, 'scope' | 'rowId' | 'layer' | 'pass'>;

const UNTESTED = {
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

/** Holm within one family (the rows, or the per-layer entries), then re-decide each member. */
function adjustFamily(family: Comparison[], options: GateOptions): Comparison[] {
  const tested = family.filter((c) => c.pSlower !== null && c.pFaster !== null);
  if (options.correction === 'none') return family;
  const m = tested.length;
  const slower = holmAdjust(tested.map((c) => c.pSlower!));
  const faster = holmAdjust(tested.map((c) => c.pFaster!));
  let k = 0;
  return family.map((c) => {
    if (c.pSlower === null || c.pFaster === null) return c;
    const i = k++;
    return decide(
      {
        ...c,
        pSlowerAdjusted: slower[i]!,
        pFasterAdjusted: faster[i]!,
        minAttainablePAdjusted: Math.min(1, m * c.minAttainableP!),
      },
      options,
    );
  });
}

function statusOnly(key: Key, verdict: 'broken' | 'new', note: string): Comparison {
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

function compareLayers(b: BenchRow, c: BenchRow, options: GateOptions, warnings: string[]): Comparison[] {
  const current = new Map(c.perLayer.map((e) => [`${e.layer}|${e.pass}`, e]));
  const out: Comparison[] = [];
  let unmatched = 0;
  for (const e of b.perLayer) {
    const other = current.get(`${e.layer}|${e.pass}`);
    if (!other) {
      unmatched++;
      continue;
    }
    out.push(
      compareSamples(
        { scope: 'layer', rowId: b.id, layer: e.layer, pass: e.pass },
        e.samplesMs,
        other.samplesMs,
        options,
      ),
    );
  }
  if (unmatched)
    warnings.push(
      `row ${b.id}: ${unmatched} per-layer entries of the baseline have no match in the current run`,
    );
  return out;
}

/**
 * Compare every row (whole-iteration samples) and every per-layer entry of two runs. Rows and per-layer
 * entries are two separate families for the correction, so the many per-layer entries (often 1–3 samples)
 * do not dilute the rows'. The outcome: not-comparable when the runs differ in workload, device or backend;
 * regression when a row or entry is significantly slower beyond the threshold or a row no longer runs;
 * inconclusive when some row's samples cannot show a slowdown of any size; else pass. Per-layer entries that
 * cannot be tested are reported but never make the outcome inconclusive.
 */
export function compareRuns(
  baseline: BenchRun,
  current: BenchRun,
  options: GateOptions = DEFAULT_GATE_OPTIONS,
): GateResult {
  const warnings: string[] = [];
  const incomparable = incomparabilities(baseline, current);
  const rows: Comparison[] = [];
  const layers: Comparison[] = [];
  const currentRows = new Map(current.rows.map((r) => [r.id, r]));
  if (incomparable.length === 0) {
    for (const b of baseline.rows) {
      const key: Key = { scope: 'row', rowId: b.id, layer: null, pass: null };
      const c = currentRows.get(b.id);
      if (!c) {
        if (b.status === 'ok') rows.push(statusOnly(key, 'broken', 'row missing from the current run'));
        continue;
      }
      if (b.status === 'ok' && c.status !== 'ok') {
        rows.push(statusOnly(key, 'broken', `current row ${c.status}: ${c.reason ?? 'no reason given'}`));
        continue;
      }
      if (b.status !== 'ok' && c.status === 'ok') {
        rows.push(statusOnly(key, 'new', `baseline row ${b.status}`));
        continue;
      }
      if (b.status !== 'ok') continue;
      rows.push(compareSamples(key, b.samplesMs, c.samplesMs, options));
      layers.push(...compareLayers(b, c, options, warnings));
    }
    for (const c of current.rows) {
      if (!baseline.rows.some((b) => b.id === c.id) && c.status === 'ok') {
        rows.push(
          statusOnly({ scope: 'row', rowId: c.id, layer: null, pass: null }, 'new', 'not in the baseline'),
        );
      }
    }
  }
  const comparisons = [...adjustFamily(rows, options), ...adjustFamily(layers, options)];
  const failures = comparisons.filter((c) => c.verdict === 'slower' || c.verdict === 'broken');
  const rowFamily = rows.filter((c) => c.verdict !== 'broken' && c.verdict !== 'new').length;
  const family = options.correction === 'holm' ? rowFamily : 1;
  const underpowered = comparisons.some((c) => c.scope === 'row' && c.verdict === 'inconclusive');
  const outcome: GateOutcome = incomparable.length
    ? 'not-comparable'
    : failures.length
      ? 'regression'
      : underpowered
        ? 'inconclusive'
        : 'pass';
  return {
    options,
    outcome,
    comparisons,
    failures,
    incomparable,
    samplesNeededPerRow: samplesNeeded(family, options.alpha),
    warnings,
  };
}
