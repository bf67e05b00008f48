import { type BenchRow, type BenchRun, noisyReasons } from '@unet3d/results';
import {
  compareDevices,
  type DeviceComparison,
  rowIncomparability,
  workloadDifferences,
} from './comparable.js';
import {
  COMPARED_VERDICTS,
  type Comparison,
  compareSamples,
  DEFAULT_GATE_OPTIONS,
  decide,
  type GateOptions,
  type Key,
  statusOnly,
} from './compare-samples.js';
import { holmAdjust } from './stats/holm.js';
import { samplesNeeded } from './stats/samples-needed.js';

export * from './compare-samples.js';

/**
 * pass → exit 0, regression → 1; inconclusive (too few samples in every compared row), not-comparable
 * (workload or device differ, or no row could be compared) and noisy (a file measured on a busy machine,
 * without `allowNoisy`) → 3.
 */
export type GateOutcome = 'pass' | 'regression' | 'inconclusive' | 'not-comparable' | 'noisy';

/** Why a results file may be wrong because its machine was busy (`noisyReasons`), per side. */
export interface NoisyRuns {
  readonly baseline: readonly string[];
  readonly current: readonly string[];
}

export interface GateResult {
  readonly options: GateOptions;
  readonly outcome: GateOutcome;
  /** Rows first (the not-comparable ones included, with why), then per-layer entries. */
  readonly comparisons: readonly Comparison[];
  /** Comparisons that fail the gate (slower or broken). */
  readonly failures: readonly Comparison[];
  /**
   * Differences that make the whole pair not comparable, one phrase each (workload; device identity unless
   * `crossDevice`). Non-empty exactly when the gate refused before comparing any row.
   */
  readonly incomparable: readonly string[];
  /** The workload part of `incomparable` (patch, batch, math mode). */
  readonly workload: readonly string[];
  /** Both device identities and what differs (a difference is compared only under `crossDevice`). */
  readonly devices: DeviceComparison;
  /** Noisy rows and roofs of each file; a non-empty side refuses the pair unless `allowNoisy`. */
  readonly noisy: NoisyRuns;
  /** Rows that ran in both runs but not alike (another backend): listed, not compared. */
  readonly notComparable: readonly Comparison[];
  /** Rows compared sample against sample (whatever their verdict). */
  readonly comparedRows: number;
  /**
   * Samples per side each compared row needs for a slowdown to be detectable at all (its family: the rows
   * actually compared, at α); null when no row was compared.
   */
  readonly samplesNeededPerRow: number | null;
  /**
   * Whether the gate saw everything: same device identity, nothing noisy, every row that ran in both runs
   * compared, none of them inconclusive. A pass that is not complete is no clean baseline.
   */
  readonly complete: boolean;
  readonly warnings: readonly string[];
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

/** A result that compared nothing: the pair was refused before any row was looked at. */
function refused(
  outcome: 'not-comparable' | 'noisy',
  parts: Pick<GateResult, 'options' | 'incomparable' | 'workload' | 'devices' | 'noisy'>,
): GateResult {
  return {
    ...parts,
    outcome,
    comparisons: [],
    failures: [],
    notComparable: [],
    comparedRows: 0,
    samplesNeededPerRow: null,
    complete: false,
    warnings: [],
  };
}

/** Row comparisons of two runs (per-layer entries go to `layers`): every row that can be compared is. */
function compareRows(
  baseline: BenchRun,
  current: BenchRun,
  options: GateOptions,
  layers: Comparison[],
  warnings: string[],
): Comparison[] {
  const rows: Comparison[] = [];
  const currentRows = new Map(current.rows.map((r) => [r.id, r]));
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
    // One row that ran another backend (a fallback) says nothing about the others: leave it out, go on.
    const why = rowIncomparability(b, c);
    if (why) {
      rows.push(statusOnly(key, 'not-comparable', why));
      continue;
    }
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
  return rows;
}

/**
 * Compare every comparable row (whole-iteration samples) and its per-layer entries of two runs. Rows and
 * per-layer entries are two separate families for the correction, so the many per-layer entries (often 1–3
 * samples) do not dilute the rows'.
 *
 * Refused before any row (outcome not-comparable, `incomparable` non-empty): another workload (patch,
 * batch, math mode) or, unless `options.crossDevice`, another device identity. Refused as noisy: a file with
 * a noisy row or noisy measured roofs, unless `options.allowNoisy`. Otherwise a row that ran another backend
 * is listed as not comparable and the others are compared. The outcome: regression when a compared row or
 * entry is significantly slower beyond the threshold or a row no longer runs; not-comparable when no row
 * could be compared; inconclusive when every compared row's samples are too few to show a slowdown of any
 * size; else pass. Per-layer entries that cannot be tested are reported but never decide the outcome.
 */
export function compareRuns(
  baseline: BenchRun,
  current: BenchRun,
  options: GateOptions = DEFAULT_GATE_OPTIONS,
): GateResult {
  const workload = workloadDifferences(baseline, current);
  const devices = compareDevices(baseline, current);
  const noisy: NoisyRuns = { baseline: noisyReasons(baseline), current: noisyReasons(current) };
  const incomparable = [...workload, ...(options.crossDevice ? [] : devices.differences)];
  const parts = { options, incomparable, workload, devices, noisy };
  if (incomparable.length) return refused('not-comparable', parts);
  const anyNoisy = noisy.baseline.length > 0 || noisy.current.length > 0;
  if (anyNoisy && !options.allowNoisy) return refused('noisy', parts);

  const warnings: string[] = [];
  const layers: Comparison[] = [];
  const rows = adjustFamily(compareRows(baseline, current, options, layers, warnings), options);
  const comparisons = [...rows, ...adjustFamily(layers, options)];
  const failures = comparisons.filter((c) => c.verdict === 'slower' || c.verdict === 'broken');
  const compared = rows.filter((c) => COMPARED_VERDICTS.has(c.verdict));
  const untestable = compared.filter((c) => c.verdict === 'inconclusive');
  const notComparable = rows.filter((c) => c.verdict === 'not-comparable');
  const family = options.correction === 'holm' ? compared.length : 1;
  const samplesNeededPerRow = compared.length ? samplesNeeded(family, options.alpha) : null;
  if (untestable.length && untestable.length < compared.length) {
    for (const c of untestable)
      warnings.push(
        `row ${c.rowId} not gated: too few samples (needs ≥ ${samplesNeededPerRow} per side to show a slowdown)`,
      );
  }
  const outcome: GateOutcome = failures.length
    ? 'regression'
    : compared.length === 0
      ? 'not-comparable'
      : untestable.length === compared.length
        ? 'inconclusive'
        : 'pass';
  const complete =
    devices.differences.length === 0 && !anyNoisy && notComparable.length === 0 && untestable.length === 0;
  return {
    ...parts,
    outcome,
    comparisons,
    failures,
    notComparable,
    comparedRows: compared.length,
    samplesNeededPerRow,
    complete,
    warnings,
  };
}
