import { ConfigError, seededRng } from '@unet3d/core';
import type { BenchRow, BenchRun, PassKind } from '@unet3d/results';
import { quantile } from '@unet3d/results';
import { bootstrapMedianRatio } from '../stats/bootstrap.js';
import { holmAdjust } from '../stats/holm.js';
import { mannWhitneyGreater } from '../stats/mann-whitney.js';

export interface GateOptions {
  /** A slowdown counts only when the median ratio exceeds 1 + maxSlowdown (0.05 = 5%). */
  readonly maxSlowdown: number;
  /** Significance level of the one-sided Mann–Whitney test; the bootstrap interval is [q(α), q(1−α)]. */
  readonly alpha: number;
  readonly seed: number;
  readonly resamples: number;
  /** Adjust the p-values for the number of comparisons (Holm) or not. */
  readonly correction: 'holm' | 'none';
}

export const DEFAULT_GATE_OPTIONS: GateOptions = {
  maxSlowdown: 0.05,
  alpha: 0.01,
  seed: 1,
  resamples: 2000,
  correction: 'holm',
};

/**
 * slower: significantly slower (Mann–Whitney p < α and bootstrap lower bound > 1) by more than the threshold;
 * faster: the mirror image; unchanged: neither; inconclusive: too few samples to test;
 * broken: ran in the baseline but not now; new: runs now but did not in the baseline.
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
  /** The same after the multiple-comparison correction (what the verdict uses). */
  readonly pSlowerAdjusted: number | null;
  readonly pFasterAdjusted: number | null;
  readonly minAttainableP: number | null;
  readonly verdict: Verdict;
  readonly note: string | null;
}

export interface GateResult {
  readonly options: GateOptions;
  readonly comparisons: readonly Comparison[];
  /** Comparisons that fail the gate (slower or broken). */
  readonly failures: readonly Comparison[];
  readonly failed: boolean;
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

/** Compare two samples of times (ms): one-sided rank tests both ways plus a bootstrap interval of the ratio. */
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
      ratio: null,
      lower: null,
      upper: null,
      pSlower: null,
      pFaster: null,
      pSlowerAdjusted: null,
      pFasterAdjusted: null,
      minAttainableP: null,
      verdict: 'inconclusive',
      note: `needs at least ${MIN_SAMPLES} samples on each side`,
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
      verdict: 'unchanged',
      note: null,
    },
    options,
  );
}

/**
 * The verdict from the (adjusted) p-values, the bootstrap interval and the threshold: slower needs the rank
 * test significant, the interval above 1 and the median ratio above 1 + maxSlowdown (faster: the mirror).
 */
export function decide(c: Comparison, options: GateOptions): Comparison {
  if (c.ratio === null || c.lower === null || c.upper === null) return c;
  const { alpha, maxSlowdown } = options;
  const pSlower = c.pSlowerAdjusted ?? 1;
  const pFaster = c.pFasterAdjusted ?? 1;
  let verdict: Verdict = 'unchanged';
  let note: string | null = null;
  if (pSlower < alpha && c.lower > 1) {
    if (c.ratio > 1 + maxSlowdown) verdict = 'slower';
    else note = 'significantly slower, within the threshold';
  } else if (pFaster < alpha && c.upper < 1) {
    if (c.ratio < 1 - maxSlowdown) verdict = 'faster';
    else note = 'significantly faster, within the threshold';
  } else if (c.minAttainableP !== null && c.minAttainableP >= alpha) {
    verdict = 'inconclusive';
    note = `too few samples for α = ${alpha} (smallest attainable p = ${c.minAttainableP.toPrecision(2)})`;
  }
  return { ...c, verdict, note };
}

/** Apply the multiple-comparison correction across every tested comparison, then re-decide. */
function adjust(comparisons: Comparison[], options: GateOptions): Comparison[] {
  if (options.correction === 'none') return comparisons;
  const tested = comparisons
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.pSlower !== null && c.pFaster !== null);
  const slower = holmAdjust(tested.map(({ c }) => c.pSlower!));
  const faster = holmAdjust(tested.map(({ c }) => c.pFaster!));
  const out = [...comparisons];
  tested.forEach(({ c, i }, k) => {
    out[i] = decide({ ...c, pSlowerAdjusted: slower[k]!, pFasterAdjusted: faster[k]! }, options);
  });
  return out;
}

function statusOnly(key: Key, verdict: 'broken' | 'new', note: string): Comparison {
  return {
    ...key,
    baselineMedianMs: null,
    currentMedianMs: null,
    nBaseline: 0,
    nCurrent: 0,
    ratio: null,
    lower: null,
    upper: null,
    pSlower: null,
    pFaster: null,
    pSlowerAdjusted: null,
    pFasterAdjusted: null,
    minAttainableP: null,
    verdict,
    note,
  };
}

function checkComparable(baseline: BenchRun, current: BenchRun): string[] {
  const b = baseline.provenance;
  const c = current.provenance;
  const differences: string[] = [];
  if (b.patch.join('×') !== c.patch.join('×'))
    differences.push(`patch ${b.patch.join('×')} vs ${c.patch.join('×')}`);
  if (b.batch !== c.batch) differences.push(`batch ${b.batch} vs ${c.batch}`);
  if (b.precision !== c.precision) differences.push(`precision ${b.precision} vs ${c.precision}`);
  if (differences.length) {
    throw new ConfigError(
      `baseline and current runs measure different workloads (${differences.join(', ')})`,
      'compare runs made with the same --patch, --batch and --precision',
    );
  }
  const warnings: string[] = [];
  if (b.device.name !== c.device.name) {
    warnings.push(
      `runs are from different devices (${b.device.name} vs ${c.device.name}); differences may be the hardware`,
    );
  }
  return warnings;
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

/** Compare every row (whole-iteration samples) and every per-layer entry of two runs. */
export function compareRuns(
  baseline: BenchRun,
  current: BenchRun,
  options: GateOptions = DEFAULT_GATE_OPTIONS,
): GateResult {
  const warnings = checkComparable(baseline, current);
  const comparisons: Comparison[] = [];
  const currentRows = new Map(current.rows.map((r) => [r.id, r]));
  for (const b of baseline.rows) {
    const key: Key = { scope: 'row', rowId: b.id, layer: null, pass: null };
    const c = currentRows.get(b.id);
    if (!c) {
      if (b.status === 'ok') comparisons.push(statusOnly(key, 'broken', 'row missing from the current run'));
      continue;
    }
    if (b.status === 'ok' && c.status !== 'ok') {
      comparisons.push(
        statusOnly(key, 'broken', `current row ${c.status}: ${c.reason ?? 'no reason given'}`),
      );
      continue;
    }
    if (b.status !== 'ok' && c.status === 'ok') {
      comparisons.push(statusOnly(key, 'new', `baseline row ${b.status}`));
      continue;
    }
    if (b.status !== 'ok') continue;
    comparisons.push(compareSamples(key, b.samplesMs, c.samplesMs, options));
    comparisons.push(...compareLayers(b, c, options, warnings));
  }
  for (const c of current.rows) {
    if (!baseline.rows.some((b) => b.id === c.id) && c.status === 'ok') {
      comparisons.push(
        statusOnly({ scope: 'row', rowId: c.id, layer: null, pass: null }, 'new', 'not in the baseline'),
      );
    }
  }
  const decided = adjust(comparisons, options);
  const failures = decided.filter((c) => c.verdict === 'slower' || c.verdict === 'broken');
  return { options, comparisons: decided, failures, failed: failures.length > 0, warnings };
}
