import { defaultConfig } from './default-config.js';
import { meanCost } from './measure-error.js';
import { pickBest, readLog, type TuningRecord, taskKeyOf } from './record.js';
import type { KnobValues } from './space.js';
import type { TuningTask } from './task.js';

/**
 * The config applied to a task and where it came from: 'history' (a record of the logs) or 'default' (the
 * template's fallback: no usable record).
 */
export interface ChosenConfig {
  readonly index: number;
  readonly values: KnobValues;
  readonly source: 'history' | 'default';
  /** The record's mean cost, ms (history only). */
  readonly costMs?: number;
  /** The device the record was measured on: its `device` field, as written by the measurer (history only). */
  readonly measuredOn?: string;
  /** Records of the task in the logs, failures included (history only): 1 is a single measurement, no search. */
  readonly trials?: number;
}

/**
 * AutoTVM's ApplyHistoryBest: the best record per workload|pass|precision from one or more logs, re-encoded
 * into the task's current space. A task with no usable record falls back to the default config, with one
 * warning per workload.
 */
export class ApplyHistoryBest {
  private readonly best: Map<string, TuningRecord[]>;
  private readonly counts = new Map<string, number>();
  private readonly warned = new Set<string>();
  readonly problems: string[] = [];

  constructor(
    records: readonly TuningRecord[],
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {
    // Keep every error-free record per task, best first, so a record that no longer fits the space
    // (changed candidates or limits) falls through to the next best.
    this.best = new Map();
    for (const r of records) {
      this.counts.set(taskKeyOf(r), (this.counts.get(taskKeyOf(r)) ?? 0) + 1);
      if (!Number.isFinite(meanCost(r))) continue;
      const list = this.best.get(taskKeyOf(r)) ?? [];
      list.push(r);
      this.best.set(taskKeyOf(r), list);
    }
    for (const list of this.best.values()) list.sort((a, b) => meanCost(a) - meanCost(b));
  }

  static fromLogs(paths: readonly string[], warn?: (message: string) => void): ApplyHistoryBest {
    const all: TuningRecord[] = [];
    const problems: string[] = [];
    for (const p of paths) {
      const r = readLog(p);
      all.push(...r.records);
      for (const pr of r.problems) problems.push(`${p} line ${pr.line}: ${pr.message}`);
    }
    const h = new ApplyHistoryBest(all, warn);
    h.problems.push(...problems);
    for (const m of problems) h.warn(`tuning log: ${m} (skipped)`);
    return h;
  }

  /** Number of tasks with at least one usable record. */
  get size(): number {
    return this.best.size;
  }

  query(task: TuningTask): ChosenConfig {
    for (const r of this.best.get(task.id) ?? []) {
      if (r.template !== task.template.name) continue;
      const index = task.space.encode(r.config.knobs);
      if (index !== undefined && task.space.isValid(index)) {
        return {
          index,
          values: task.space.decode(index),
          source: 'history',
          costMs: meanCost(r),
          measuredOn: r.device,
          trials: this.counts.get(task.id) ?? 1,
        };
      }
    }
    if (!this.warned.has(task.workloadKey)) {
      this.warned.add(task.workloadKey);
      this.warn(
        `tvm: no tuning record for ${task.workloadKey} (${task.precision}); using the default config — run \`unet3d tune\` for tuned kernels`,
      );
    }
    const d = defaultConfig(task);
    return { ...d, source: 'default' };
  }
}

export { pickBest };
