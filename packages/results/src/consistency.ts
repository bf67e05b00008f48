import type { BenchRun } from './run-schema.js';
import { median, summarizeSamples } from './samples.js';
import { throughputFromMacs } from './throughput.js';

/** Relative tolerance of a recomputed figure: JSON round-trips doubles exactly, so only re-association error. */
const REL_TOL = 1e-9;

function close(stored: number, recomputed: number): boolean {
  return Math.abs(stored - recomputed) <= REL_TOL * Math.max(Math.abs(stored), Math.abs(recomputed)) + 1e-12;
}

/**
 * The first derived figure of a run that disagrees with what its raw samples and counts give, as
 * "`path` is X but Y gives Z", or null when the run is self-consistent. Checked, for every row with samples:
 * medianMs and spread (min, p25, p75, max, iqr, mad: R type-7 quantiles, as `summarizeSamples`), the
 * GFLOP/s in both conventions (iterationMacs / median), and for an 'ok' row the number of samples against
 * provenance.timing.iterations; a peer's medianMs against its samplesMs; for every per-layer entry its medianMs (null exactly when it has no
 * samples); and the harness overhead's medianMs. (The schema has no stored speedups: reports derive them.)
 */
export function firstInconsistency(run: BenchRun): string | null {
  const overhead = run.provenance.harnessOverhead;
  const overheadMedian = median(overhead.samplesMs);
  if (!close(overhead.medianMs, overheadMedian)) {
    return `provenance.harnessOverhead.medianMs is ${overhead.medianMs} but the median of its samplesMs is ${overheadMedian}`;
  }
  for (const [i, row] of run.rows.entries()) {
    const at = `rows[${i}] (${row.id})`;
    if (row.status === 'ok' && row.samplesMs.length !== run.provenance.timing.iterations) {
      return `${at}.samplesMs has ${row.samplesMs.length} samples but provenance.timing.iterations is ${run.provenance.timing.iterations}`;
    }
    if (row.samplesMs.length > 0) {
      const { medianMs, spread } = summarizeSamples(row.samplesMs);
      if (row.medianMs !== null && !close(row.medianMs, medianMs)) {
        return `${at}.medianMs is ${row.medianMs} but the median of its samplesMs is ${medianMs}`;
      }
      if (row.spread !== null) {
        for (const key of ['min', 'p25', 'p75', 'max', 'iqr', 'mad'] as const) {
          if (!close(row.spread[key], spread[key])) {
            return `${at}.spread.${key} is ${row.spread[key]} but its samplesMs give ${spread[key]}`;
          }
        }
      }
      if (row.gflopPerSecond !== null && medianMs > 0) {
        const rate = throughputFromMacs(row.iterationMacs, medianMs);
        for (const key of ['macAsOneOp', 'macAsTwoFlop'] as const) {
          if (!close(row.gflopPerSecond[key], rate[key])) {
            return `${at}.gflopPerSecond.${key} is ${row.gflopPerSecond[key]} but iterationMacs / median gives ${rate[key]}`;
          }
        }
      }
    }
    if (row.peer) {
      const m = median(row.peer.samplesMs);
      if (!close(row.peer.medianMs, m)) {
        return `${at}.peer.medianMs is ${row.peer.medianMs} but the median of its samplesMs is ${m}`;
      }
    }
    for (const [j, e] of row.perLayer.entries()) {
      const where = `${at}.perLayer[${j}] (${e.layer} ${e.pass}).medianMs`;
      if (e.samplesMs.length === 0) {
        if (e.medianMs !== null) return `${where} is ${e.medianMs} but the entry has no samples`;
        continue;
      }
      const m = median(e.samplesMs);
      if (e.medianMs === null || !close(e.medianMs, m)) {
        return `${where} is ${e.medianMs} but the median of its samplesMs is ${m}`;
      }
    }
  }
  return null;
}
