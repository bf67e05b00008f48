import { createHash } from 'node:crypto';
import { CONV_PASSES, ConfigError, type ConvPass, type ConvWorkload, type MathMode } from '@unet3d/core';
import type { Measurer } from './measurer.js';
import { appendRecords, logProblemsLine, readLog, type TuningRecord, writeBestRecords } from './record.js';
import type { TargetSpec } from './target.js';
import { createTask, type TuningTask } from './task.js';
import { type TuneProgress, type TuneTaskResult, tunerTarget, tuneTask } from './tune-task.js';
import { GaTuner } from './tuner/ga-tuner.js';
import { ModelTuner } from './tuner/model-tuner.js';
import { RandomTuner } from './tuner/random-tuner.js';
import type { Tuner } from './tuner/tuner.js';

export type TunerName = 'random' | 'ga' | 'model';
export const TUNER_NAMES: readonly TunerName[] = ['random', 'ga', 'model'];

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
  /** Trials per workload and pass (counting those already in the log). */
  budget: number;
  precision: MathMode;
  /** JSON-lines log, appended to and resumed from. */
  logPath: string;
  tuner: TunerName;
  seed: number;
  /** Where the best records go (default: `<logPath without .jsonl>.best.jsonl`). */
  bestPath?: string;
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
  /** Stop starting new batches after this wall-clock moment (ms since epoch, Date.now()); each remaining task gets an equal share of what is left. */
  deadline?: number;
  onProgress?: (p: TuneProgress) => void;
  onWarning?: (message: string) => void;
}

export interface TuneWorkloadsSummary {
  readonly logPath: string;
  readonly bestPath: string;
  readonly tasks: ReadonlyArray<
    { readonly id: string; readonly knobs?: Record<string, number> } & TuneTaskResult
  >;
}

export function defaultBestPath(logPath: string): string {
  return `${logPath.replace(/\.jsonl$/, '')}.best.jsonl`;
}

/**
 * Tune every (workload, pass) at one precision: AutoTVM's task loop. Each batch is appended to the log
 * (fsynced) before the next starts, so a killed run resumes where it stopped; records of tasks tuned
 * earlier (this run or before) seed the cost model of later ones.
 */
export async function tuneWorkloads(options: TuneWorkloadsOptions): Promise<TuneWorkloadsSummary> {
  if (!Number.isInteger(options.budget) || options.budget <= 0)
    throw new ConfigError(`budget must be a positive integer, got ${options.budget}`);
  const measurer = options.measurer;
  try {
    const log = readLog(options.logPath);
    const problems = logProblemsLine(options.logPath, log);
    if (problems) options.onWarning?.(problems);
    const history: TuningRecord[] = [...log.records];
    const target = options.target ?? measurer.target;
    if (!target) throw new ConfigError('tuneWorkloads: the measurer names no target; pass `target`');
    const tasks: TuneWorkloadsSummary['tasks'][number][] = [];
    const passes = options.passes ?? CONV_PASSES;
    const total = options.workloads.length * passes.length;
    let started = 0;
    for (const w of options.workloads) {
      for (const pass of passes) {
        const task = createTask(w, pass, options.precision, target);
        const left = total - started++;
        const taskDeadline =
          options.deadline !== undefined
            ? Date.now() + Math.max(0, options.deadline - Date.now()) / left
            : undefined;
        const tuner = makeTuner(options.tuner, task, taskSeed(options.seed, task));
        const result = await tuneTask(task, tuner, measurer, {
          nTrial: options.budget,
          batchSize: options.batchSize ?? 8,
          ...(options.earlyStopping !== undefined ? { earlyStopping: options.earlyStopping } : {}),
          history,
          transfer: options.transfer ?? true,
          ...(options.foreign ? { foreign: options.foreign } : {}),
          ...(taskDeadline !== undefined ? { deadline: taskDeadline } : {}),
          onRecords: (records) => {
            appendRecords(options.logPath, records);
            history.push(...records);
          },
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
        tasks.push({
          id: task.id,
          ...result,
          ...(result.bestIndex !== undefined ? { knobs: { ...task.space.decode(result.bestIndex) } } : {}),
        });
      }
    }
    const bestPath = options.bestPath ?? defaultBestPath(options.logPath);
    writeBestRecords(bestPath, history);
    return { logPath: options.logPath, bestPath, tasks };
  } finally {
    // The caller owns the measurer (and disposes it).
  }
}
