import { gemmFeatures, knobFeaturesOf, taskWorkloadFeatures } from './features.js';
import { type MeasureResult, meanCost, measureErrorName } from './measure-error.js';
import type { Measurer } from './measurer.js';
import { RECORD_VERSION, type RecordProvenance, type TuningRecord, taskKeyOf } from './record.js';
import type { TuningTask } from './task.js';
import type { TransferSample, Tuner, TunerTarget } from './tuner/tuner.js';

export function tunerTarget(task: TuningTask): TunerTarget {
  return { space: task.space, workloadFeatures: taskWorkloadFeatures(task) };
}

export function makeRecord(
  task: TuningTask,
  index: number,
  result: MeasureResult,
  provenance: RecordProvenance,
  tuner?: string,
): TuningRecord {
  const p = task.problem;
  return {
    v: RECORD_VERSION,
    workload: task.workloadKey,
    pass: task.pass,
    precision: task.precision,
    target: task.target,
    template: task.template.name,
    space: task.space.fingerprint,
    gemm: { kind: p.kind, m: p.gemmM, n: p.gemmN, k: p.gemmK },
    config: { index, knobs: task.space.decode(index) },
    costsMs: result.costsMs,
    error: result.error,
    errorName: measureErrorName(result.error),
    ...(result.errorMsg !== undefined ? { errorMsg: result.errorMsg } : {}),
    allCostS: result.allCostS,
    timestamp: result.timestamp,
    device: provenance.device,
    driver: provenance.driver,
    cuda: provenance.cuda,
    commit: provenance.commit,
    ...(provenance.threads !== undefined ? { threads: provenance.threads } : {}),
    ...(tuner ? { tuner } : {}),
    ...(result.registers !== undefined ? { registers: result.registers } : {}),
    ...(result.spillBytes !== undefined ? { spillBytes: result.spillBytes } : {}),
  };
}

/** The task's own earlier measurements in a log, re-encoded into its space (first record per config wins). */
export function recordsForTask(
  task: TuningTask,
  records: readonly TuningRecord[],
): { index: number; result: MeasureResult }[] {
  const out = new Map<number, MeasureResult>();
  for (const r of records) {
    if (taskKeyOf(r) !== task.id || r.template !== task.template.name) continue;
    const index = task.space.encode(r.config.knobs);
    if (index === undefined || out.has(index)) continue;
    out.set(index, {
      costsMs: r.costsMs,
      error: r.error as MeasureResult['error'],
      allCostS: r.allCostS,
      timestamp: r.timestamp,
    });
  }
  return [...out.entries()].map(([index, result]) => ({ index, result }));
}

/**
 * Transfer samples from other workloads' records with the same template and precision: knob + workload
 * features, score = that workload's best cost / this cost (0 for failures).
 */
export function transferSamples(
  task: TuningTask,
  records: readonly TuningRecord[],
  includeSameTask = false,
): TransferSample[] {
  const groups = new Map<string, TuningRecord[]>();
  for (const r of records) {
    if (r.template !== task.template.name || r.precision !== task.precision) continue;
    if (!includeSameTask && taskKeyOf(r) === task.id) continue;
    if (!task.space.knobs.every((k) => typeof r.config.knobs[k.name] === 'number')) continue;
    const k = taskKeyOf(r);
    const g = groups.get(k) ?? [];
    g.push(r);
    groups.set(k, g);
  }
  const out: TransferSample[] = [];
  for (const g of groups.values()) {
    const best = Math.min(...g.map((r) => meanCost(r)));
    if (!Number.isFinite(best)) continue;
    for (const r of g) {
      const c = meanCost(r);
      out.push({
        features: [
          ...knobFeaturesOf(task.space, r.config.knobs),
          ...gemmFeatures(r.gemm.kind, r.gemm.m, r.gemm.n, r.gemm.k),
        ],
        score: Number.isFinite(c) ? best / c : 0,
        ...(taskKeyOf(r) === task.id ? { sameTask: true } : {}),
      });
    }
  }
  return out;
}

export interface TuneTaskOptions {
  /** Trial budget for this task, counting trials replayed from the log. */
  nTrial: number;
  batchSize: number;
  /** Start no batch after this moment (ms since epoch, Date.now()); undefined = no time limit. */
  deadline?: number;
  /** Stop after this many trials without improvement (AutoTVM's early_stopping); undefined = never. */
  earlyStopping?: number;
  /** Earlier records of this and other tasks (resume and transfer). */
  history?: readonly TuningRecord[];
  /**
   * Records of another device (the nearest CPU's log): they seed the cost model, including this task's own
   * records, and this task's best foreign configs that are valid here and not yet measured here are measured
   * first (foreignSeeds). Only what is measured here counts as a trial.
   */
  foreign?: readonly TuningRecord[];
  transfer?: boolean;
  /** Called with each batch's records before the next batch starts (append them to the log here). */
  onRecords?: (records: TuningRecord[]) => void;
  onProgress?: (p: TuneProgress) => void;
}

export interface TuneProgress {
  readonly task: TuningTask;
  readonly trials: number;
  readonly nTrial: number;
  readonly bestCostMs: number;
  readonly bestIndex: number | undefined;
  readonly errors: number;
}

export interface TuneTaskResult {
  readonly bestIndex: number | undefined;
  readonly bestCostMs: number;
  readonly trials: number;
  readonly resumed: number;
  /** Configs of another device's log re-measured first (transfer). */
  readonly seeded: number;
  readonly stoppedEarly: boolean;
  readonly exhausted: boolean;
  /** The time limit ended this task before its trial budget. */
  readonly timedOut: boolean;
}

/** The best of a task's measurements (index and mean cost), or undefined index when none succeeded. */
function bestOf(measured: readonly { index: number; result: MeasureResult }[]): {
  index: number | undefined;
  cost: number;
} {
  let index: number | undefined;
  let cost = Number.POSITIVE_INFINITY;
  for (const p of measured) {
    const c = meanCost(p.result);
    if (c < cost) {
      cost = c;
      index = p.index;
    }
  }
  return { index, cost };
}

/**
 * This task's best configs in another device's records (AutoTVM's transfer: re-measured here before any
 * other trial): only configs that exist and are valid in this device's space (a 16-wide vector config of an
 * AVX-512 log is not a config of an AVX2 space), not measured here yet, fastest first, at most `n`.
 */
export function foreignSeeds(
  task: TuningTask,
  foreign: readonly TuningRecord[],
  measured: ReadonlySet<number>,
  n: number,
): number[] {
  return recordsForTask(task, foreign)
    .filter(
      (p) => Number.isFinite(meanCost(p.result)) && task.space.isValid(p.index) && !measured.has(p.index),
    )
    .sort((a, b) => meanCost(a.result) - meanCost(b.result))
    .slice(0, n)
    .map((p) => p.index);
}

/**
 * AutoTVM's tuner.tune(): the loop of propose → measure → record → update, with resume and early stop.
 * The time limit is checked before anything else (a task reached after it costs no model fit), and before
 * every batch; a batch already started finishes.
 */
export async function tuneTask(
  task: TuningTask,
  tuner: Tuner,
  measurer: Measurer,
  options: TuneTaskOptions,
): Promise<TuneTaskResult> {
  const history = options.history ?? [];
  const foreign = options.foreign ?? [];
  const previous = recordsForTask(task, history);
  const pastDeadline = (): boolean => options.deadline !== undefined && Date.now() >= options.deadline;
  if (pastDeadline()) {
    const b = bestOf(previous);
    return {
      bestIndex: b.index,
      bestCostMs: b.cost,
      trials: previous.length,
      resumed: previous.length,
      seeded: 0,
      stoppedEarly: false,
      exhausted: false,
      timedOut: previous.length < options.nTrial,
    };
  }
  if (options.transfer !== false)
    tuner.loadTransfer([...transferSamples(task, history), ...transferSamples(task, foreign, true)]);
  // Warm start from the other device: its best configs of this task that were not measured here yet.
  let seeds = foreignSeeds(
    task,
    foreign,
    new Set(previous.map((p) => p.index)),
    Math.min(options.batchSize, 4),
  );
  if (previous.length > 0) {
    tuner.update(
      previous.map((p) => p.index),
      previous.map((p) => p.result),
    );
  }
  let trials = previous.length;
  let errors = previous.filter((p) => p.result.error !== 0).length;
  let bestAt = 0;
  let best = tuner.bestCost;
  let stoppedEarly = false;
  let exhausted = false;
  const progress = (): void =>
    options.onProgress?.({
      task,
      trials,
      nTrial: options.nTrial,
      bestCostMs: tuner.bestCost,
      bestIndex: tuner.bestIndex,
      errors,
    });
  progress();
  let timedOut = false;
  let seeded = 0;
  while (trials < options.nTrial) {
    if (pastDeadline()) {
      timedOut = true;
      break;
    }
    const want = Math.min(options.batchSize, options.nTrial - trials);
    const batch = seeds.length > 0 ? seeds.slice(0, want) : tuner.nextBatch(want);
    if (seeds.length > 0) seeded = batch.length;
    seeds = [];
    if (batch.length === 0) {
      exhausted = true;
      break;
    }
    const results = await measurer.measureBatch(task, batch);
    options.onRecords?.(
      batch.map((index, i) => makeRecord(task, index, results[i]!, measurer.provenance, tuner.name)),
    );
    tuner.update(batch, results);
    for (const r of results) {
      trials++;
      if (r.error !== 0) errors++;
      const c = meanCost(r);
      if (c < best) {
        best = c;
        bestAt = trials;
      }
    }
    progress();
    if (options.earlyStopping !== undefined && trials - bestAt >= options.earlyStopping) {
      stoppedEarly = true;
      break;
    }
  }
  return {
    bestIndex: tuner.bestIndex,
    bestCostMs: tuner.bestCost,
    trials,
    resumed: previous.length,
    seeded,
    stoppedEarly,
    exhausted,
    timedOut,
  };
}
