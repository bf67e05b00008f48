import { networkCost } from '@unet3d/flops';
import { buildNetwork, MODEL_PRESETS } from '@unet3d/model';
import { type BenchRowInput, type Quietness, rowMetrics } from '@unet3d/results';
import { BACKEND_DEVICE_KINDS } from '../../backends.js';
import type { RowJob, RowOutcome } from './row-job.js';
import type { RowProcessResult } from './row-process.js';
import type { Table1Row } from './table1-rows.js';

/** Conv MACs of one training iteration of a row's network (the paper's GFLOP column × 1e9). */
export function iterationMacs(row: Table1Row, patch: RowJob['patch'], batch: number): number {
  const t = networkCost(buildNetwork({ model: row.model, input: patch, batch })).totals;
  return t.forwardMacs + t.backwardDataMacs + t.backwardFilterMacs;
}

/** Why a row has no measurement yet: not reached ('pending'), or stopped by a signal ('interrupted'). */
export type MissingReason = 'pending' | 'interrupted';

/** The reasons that mark a row `bench --resume` measures (the rows a stopped run did not get to). */
export const MISSING_REASONS: readonly string[] = ['pending', 'interrupted'] satisfies MissingReason[];

/**
 * A 'not-run' row for a job without a measurement: under the backend the child had resolved, if it got that
 * far, else its first candidate (on that backend's device kind).
 */
export function missingRow(
  job: RowJob,
  reason: MissingReason,
  resolved: { backend: string; backendDevice: 'cpu' | 'cuda' } | null = null,
): BenchRowInput {
  const preset = MODEL_PRESETS[job.row.model];
  const first = job.candidates[0] ?? 'none';
  return {
    id: job.row.id,
    paperRow: job.row.paperRow,
    model: job.row.model,
    channels: [...preset.channels],
    strided: preset.strided,
    paperImplementation: job.row.paperImplementation,
    ...(resolved ?? { backend: first, backendDevice: BACKEND_DEVICE_KINDS[first] ?? 'cpu' }),
    status: 'not-run',
    reason,
    warmupIterations: 0,
    iterationMacs: iterationMacs(job.row, job.patch, job.batch),
    samplesMs: [],
    medianMs: null,
    spread: null,
    gflopPerSecond: null,
    perLayer: [],
    peakHostRssBytes: null,
    peakDeviceBytes: null,
  };
}

/** The device's thread policy from its describe() (CPU device: threads, loadGuard, ops), for the row's details. */
function deviceThreads(outcome: RowOutcome): Record<string, string | number> {
  const d = outcome.device?.details ?? {};
  const out: Record<string, string | number> = {};
  for (const [from, to] of [
    ['threads', 'deviceThreads'],
    ['loadGuard', 'deviceLoadGuard'],
    ['ops', 'deviceOps'],
  ] as const) {
    if (d[from] !== undefined) out[to] = d[from];
  }
  return out;
}

/**
 * A results row from what the child reported (or how it died). The backend and its device are the ones the
 * child resolved; a child that died before resolving one is recorded under its first candidate, on the
 * host ('cpu': no backend device was opened). `quietness`: how busy the machine was while the row ran,
 * recorded on measured and failed rows (a row not run measured nothing).
 */
export function toResultsRow(
  job: RowJob,
  result: Exclude<RowProcessResult, { kind: 'interrupted' }>,
  quietness: Quietness | null = null,
): BenchRowInput {
  const preset = MODEL_PRESETS[job.row.model];
  const macs = iterationMacs(job.row, job.patch, job.batch);
  const resolved =
    result.kind === 'outcome'
      ? { backend: result.outcome.backend, backendDevice: result.outcome.backendDevice }
      : (result.resolved ?? { backend: job.candidates[0] ?? 'none', backendDevice: 'cpu' as const });
  const base = {
    id: job.row.id,
    paperRow: job.row.paperRow,
    model: job.row.model,
    channels: [...preset.channels],
    strided: preset.strided,
    paperImplementation: job.row.paperImplementation,
    ...resolved,
    warmupIterations: result.kind === 'outcome' ? result.outcome.counts.warmupIterations : 0,
    iterationMacs: macs,
  };
  const empty = {
    samplesMs: [],
    medianMs: null,
    spread: null,
    gflopPerSecond: null,
    perLayer: [],
    peakHostRssBytes: null,
    peakDeviceBytes: null,
  };
  const quiet = quietness ? { quietness } : {};
  if (result.kind === 'crashed')
    return { ...base, ...empty, status: 'failed', reason: result.reason, ...quiet };
  const o: RowOutcome = result.outcome;
  if (o.status === 'not-run') return { ...base, ...empty, status: 'not-run', reason: o.reason ?? 'not run' };
  return {
    ...base,
    backendDetails: {
      ...o.backendDetails,
      finalLoss: o.finalLoss,
      harnessOverheadMs: o.harnessOverheadMs,
      ...deviceThreads(o),
      ...(o.resolutionFailures.length ? { resolutionFailures: o.resolutionFailures } : {}),
    },
    status: 'ok',
    samplesMs: o.samplesMs,
    ...rowMetrics(o.samplesMs, macs),
    perLayer: o.perLayer,
    peakHostRssBytes: o.peakHostRssBytes,
    peakDeviceBytes: o.peakDeviceBytes,
    ...quiet,
  };
}
