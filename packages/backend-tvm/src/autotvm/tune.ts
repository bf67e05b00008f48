import { createHash } from 'node:crypto';
import { CONV_PASSES, ConfigError, type ConvPass, type ConvWorkload, type MathMode } from '@unet3d/core';
import type { Measurer } from './measurer.js';
import { appendRecords, logProblemsLine, readLog, type TuningRecord } from './record.js';
import type { TargetSpec } from './target.js';
import { createTask, type TuningTask } from './task.js';
import type { PlannedTask } from './trial-plan.js';
import { type TuneProgress, type TuneTaskResult, tunerTarget, tuneTask } from './tune-task.js';
import { type TaskLedger, tuneWeighted } from './tune-weighted.js';
import { GaTuner } from './tuner/ga-tuner.js';
import { ModelTuner } from './tuner/model-tuner.js';
import { RandomTuner } from './tuner/random-tuner.js';
import type { Tuner } from './tuner/tuner.js';

export type TunerName = 'random' | 'ga' | 'model';
export const TUNER_NAMES: readonly TunerName[] = ['random', 'ga', 'model'];

/** How trials are spread over tasks: see TuneWorkloadsOptions.schedule. */
export type TuneSchedule = 'even' | 'weighted';
export const TUNE_SCHEDULES: readonly TuneSchedule[] = ['even', 'weighted'];

export function makeTuner(name: TunerName, task: TuningTask, seed: number): Tuner {
  const target = tunerTarget(task);
  if (name === 'random') return new RandomTuner(target, seed);
  if (name === 'ga') return new GaTuner(target, seed);
  if (name === 'model') return new ModelTuner(target, seed);
  throw new ConfigError(`unknown tuner '${String(name)}'`, `use one of ${TUNER_NAMES.join(', ')}`);
}

/** A per-task seed derived from the run seed, so tasks are independent and reruns identical. */
export function taskSeed(seed: number, task: TuningTask): number {
  return createHash('sha256').update(`${seed}|${task.id}`).digest().readUInt32LE(0) & 0x7fffffff;
}

export interface TuneWorkloadsOptions {
  workloads: readonly ConvWorkload[];
  /** Trials per workload and pass (counting those already in the log); the most any task gets. */
  budget: number;
  precision: MathMode;
  /** JSON-lines log, appended to and resumed from. */
  logPath: string;
  tuner: TunerName;
  seed: number;
  passes?: readonly ConvPass[];
  batchSize?: number;
  earlyStopping?: number;
  /** Seed the cost model with records of other workloads in the log (default true). */
  transfer?: boolean;
  /** Records of another device to start from (transfer), e.g. the nearest CPU's log when this CPU has none. */
  foreign?: readonly TuningRecord[];
  /** Measures configs on the target's device (CpuMeasurer, a CUDA measurer from createGpuMeasurer...). */
  measurer: Measurer;
  /** The target tuned for (default: the measurer's). */
  target?: TargetSpec;
  /** Stop starting new batches after this wall-clock moment (ms since epoch, Date.now()). */
  deadline?: number;
  /**
   * 'even' (default): every task gets `budget` trials, in network order, the time limit shared equally over
   * the tasks left. 'weighted': the fallback config of every task is measured first, then tasks get trials in
   * proportion to their share of the iteration time (planTrials; a time limit is spent that way, and what
   * a round leaves is planned again), largest first, each at most `budget`; tasks too small for a few
   * trials keep their fallback.
   */
  schedule?: TuneSchedule;
  /** Times each task (`workloadKey|pass`) runs per iteration (default 1; 0: never run, so not tuned by 'weighted'). */
  taskUses?: ReadonlyMap<string, number>;
  onProgress?: (p: TuneProgress) => void;
  /** The weighted schedule's plan of each round, largest share first. */
  onPlan?: (plan: readonly PlannedTask[], round: number) => void;
  onWarning?: (message: string) => void;
}

export interface TuneWorkloadsSummary {
  readonly logPath: string;
  readonly tasks: ReadonlyArray<
    { readonly id: string; readonly knobs?: Record<string, number> } & TuneTaskResult
  >;
}

/**
 * Tune every (workload, pass) at one precision: AutoTVM's task loop. Each batch is appended to the log
 * (fsynced) before the next starts, so a killed run resumes where it stopped; records of tasks tuned
 * earlier (this run or before) seed the cost model of later ones. The time limit is checked before any
 * task starts its work.
 */
export async function tuneWorkloads(options: TuneWorkloadsOptions): Promise<TuneWorkloadsSummary> {
  if (!Number.isInteger(options.budget) || options.budget <= 0)
    throw new ConfigError(`budget must be a positive integer, got ${options.budget}`);
  const measurer = options.measurer;
  const log = readLog(options.logPath);
  const problems = logProblemsLine(options.logPath, log);
  if (problems) options.onWarning?.(problems);
  const history: TuningRecord[] = [...log.records];
  const target = options.target ?? measurer.target;
  if (!target) throw new ConfigError('tuneWorkloads: the measurer names no target; pass `target`');
  const passes = options.passes ?? CONV_PASSES;
  const tasks: TuningTask[] = [];
  for (const w of options.workloads)
    for (const pass of passes) tasks.push(createTask(w, pass, options.precision, target));
  const ledger: TaskLedger = new Map();
  const append = (records: TuningRecord[]): void => {
    appendRecords(options.logPath, records);
    history.push(...records);
  };
  const runTask = async (task: TuningTask, nTrial: number, deadline?: number): Promise<TuneTaskResult> => {
    const tuner = makeTuner(options.tuner, task, taskSeed(options.seed, task));
    const result = await tuneTask(task, tuner, measurer, {
      nTrial,
      batchSize: options.batchSize ?? 8,
      ...(options.earlyStopping !== undefined ? { earlyStopping: options.earlyStopping } : {}),
      history,
      transfer: options.transfer ?? true,
      ...(options.foreign ? { foreign: options.foreign } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
      onRecords: append,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const before = ledger.get(task.id);
    ledger.set(task.id, {
      task,
      result: before
        ? { ...result, resumed: before.result.resumed, seeded: before.result.seeded + result.seeded }
        : result,
    });
    return result;
  };
  if (options.schedule === 'weighted') {
    await tuneWeighted({ ...options, tasks, history, measurer, append, runTask, ledger });
  } else {
    let started = 0;
    for (const task of tasks) {
      const left = tasks.length - started++;
      const taskDeadline =
        options.deadline !== undefined
          ? Date.now() + Math.max(0, options.deadline - Date.now()) / left
          : undefined;
      await runTask(task, options.budget, taskDeadline);
    }
  }
  return {
    logPath: options.logPath,
    tasks: tasks.flatMap((task) => {
      const result = ledger.get(task.id)?.result;
      if (!result) return [];
      const knobs =
        result.bestIndex !== undefined ? { knobs: { ...task.space.decode(result.bestIndex) } } : {};
      return [{ id: task.id, ...result, ...knobs }];
    }),
  };
}
