import { defaultConfig } from './default-config.js';
import { meanCost, measureErrorName } from './measure-error.js';
import type { Measurer } from './measurer.js';
import type { TuningRecord } from './record.js';
import type { TuningTask } from './task.js';
import { type PlannedTask, type PlanTask, planTrials } from './trial-plan.js';
import { makeRecord, recordsForTask, type TuneProgress, type TuneTaskResult } from './tune-task.js';

/** Each task's latest tuneTask result (its trials, best config, how it ended), by task id. */
export type TaskLedger = Map<string, { task: TuningTask; result: TuneTaskResult }>;

export interface WeightedTune {
  readonly tasks: readonly TuningTask[];
  /** The log's records, this run's appended as they are made. */
  readonly history: readonly TuningRecord[];
  readonly measurer: Measurer;
  /** The most trials a task gets (counting the log's). */
  readonly budget: number;
  readonly batchSize?: number;
  readonly deadline?: number;
  readonly taskUses?: ReadonlyMap<string, number>;
  readonly ledger: TaskLedger;
  append(records: TuningRecord[]): void;
  /** Tune one task up to `nTrial` trials in all, starting no batch after `deadline`. */
  runTask(task: TuningTask, nTrial: number, deadline?: number): Promise<TuneTaskResult>;
  onPlan?: (plan: readonly PlannedTask[], round: number) => void;
  onProgress?: (p: TuneProgress) => void;
  onWarning?: (message: string) => void;
}

/** Rounds of planning at most: a round that ends early (tasks exhausted, estimates too high) leaves time. */
const MAX_ROUNDS = 3;
/** Fewer trials than this are not worth a task's model fit and builds: it keeps its fallback. */
const MIN_TRIALS = 4;
/** Fallback configs built at once before they are measured (compilers run in parallel). */
const PREBUILD_CHUNK = 4;
/** Smallest estimate of one trial's cost (s): a cached build makes the first measurement look free. */
const MIN_TRIAL_S = 0.05;

const usesOf = (w: WeightedTune, t: TuningTask): number => w.taskUses?.get(`${t.workloadKey}|${t.pass}`) ?? 1;

/**
 * The weighted schedule of tuneWorkloads: where the iteration spends its time gets the trials. First the
 * fallback config of every task that runs and has no successful record is measured once (what the
 * untuned iteration spends where, and what one trial of the task costs); then rounds of planTrials over
 * the time left (or, without a time limit, over each task's trial budget), largest share first, each task
 * given its planned share of the time left as its deadline. Tasks given no trials keep their fallback.
 */
export async function tuneWeighted(w: WeightedTune): Promise<void> {
  const past = (): boolean => w.deadline !== undefined && Date.now() >= w.deadline;
  const run = w.tasks.filter((t) => usesOf(w, t) > 0);
  const before = new Map(w.tasks.map((t) => [t.id, recordsForTask(t, w.history).length]));
  // Seconds a trial of a task costs: estimated from its fallback's build and run, then measured once tuned.
  const estimatedTrialS = new Map<string, number>();
  const measuredTrialS = new Map<string, number>();
  // The fallbacks to time: tasks that run and have neither a success nor a measurement of their fallback.
  const todo = run.flatMap((task) => {
    const mine = recordsForTask(task, w.history);
    const index = defaultConfig(task).index;
    return mine.some((p) => Number.isFinite(meanCost(p.result)) || p.index === index)
      ? []
      : [{ task, index }];
  });
  for (let at = 0; at < todo.length && !past(); at += PREBUILD_CHUNK) {
    // Built a few at a time in parallel (the time limit is checked between chunks), then measured one by one;
    // a task's trial cost is its share of the chunk's build time plus its own measurement.
    const chunk = todo.slice(at, at + PREBUILD_CHUNK);
    const t0 = performance.now();
    await w.measurer.prebuild?.(chunk);
    const buildS = (performance.now() - t0) / 1000 / chunk.length;
    for (const { task, index } of chunk) {
      if (past()) break;
      const t1 = performance.now();
      const [result] = await w.measurer.measureBatch(task, [index]);
      estimatedTrialS.set(task.id, buildS + (performance.now() - t1) / 1000);
      w.append([makeRecord(task, index, result!, w.measurer.provenance, 'fallback')]);
      const cost = meanCost(result!);
      w.onProgress?.({
        task,
        trials: 1,
        nTrial: 1,
        bestCostMs: cost,
        bestIndex: index,
        errors: result!.error !== 0 ? 1 : 0,
      });
      if (!Number.isFinite(cost))
        w.onWarning?.(
          `the fallback config of ${task.id} failed (${measureErrorName(result!.error)}${result!.errorMsg ? `: ${result!.errorMsg}` : ''}); it gets no trials`,
        );
    }
  }
  const done = new Set<string>();
  const byId = new Map(run.map((t) => [t.id, t]));
  // Measured ÷ estimated trial cost of the tasks tuned so far: corrects the estimates of those not yet tuned
  // (a fallback found built in the cache looks cheaper than a trial that compiles).
  let spentS = 0;
  let estimatedS = 0;
  const planFor = (ids: ReadonlySet<string>): PlannedTask[] => {
    const ratio = estimatedS > 0 ? spentS / estimatedS : 1;
    const tasks: PlanTask[] = run
      .filter((task) => ids.has(task.id))
      .map((task) => {
        const mine = recordsForTask(task, w.history);
        // The fastest repeat, not the mean: one round preempted on a shared machine must not move the trials.
        const best = Math.min(
          ...mine.map((p) =>
            Number.isFinite(meanCost(p.result)) ? Math.min(...p.result.costsMs) : Infinity,
          ),
        );
        const logged = mine.length > 0 ? mine.reduce((s, p) => s + p.result.allCostS, 0) / mine.length : 0;
        return {
          id: task.id,
          shareMs: Number.isFinite(best) ? best * usesOf(w, task) : 0,
          trialS: Math.max(
            MIN_TRIAL_S,
            measuredTrialS.get(task.id) ?? (estimatedTrialS.get(task.id) ?? logged) * ratio,
          ),
          maxTrials: done.has(task.id) ? 0 : Math.max(0, w.budget - mine.length),
        };
      });
    const budget =
      w.deadline !== undefined
        ? { seconds: Math.max(0, (w.deadline - Date.now()) / 1000) }
        : { trials: tasks.reduce((s, t) => s + t.maxTrials, 0) };
    return planTrials(tasks, budget, Math.min(MIN_TRIALS, w.batchSize ?? 8));
  };
  for (let round = 1; round <= MAX_ROUNDS && !past(); round++) {
    const plan = planFor(new Set(run.map((t) => t.id)));
    if (round === 1 || plan.some((p) => p.trials > 0)) w.onPlan?.(plan, round);
    // The round's tasks, largest share first; after each, the rest are planned again over the time left.
    const queue = new Set(plan.filter((p) => p.trials > 0).map((p) => p.id));
    let measured = 0;
    let go = plan.filter((p) => p.trials > 0);
    while (go.length > 0 && !past()) {
      const p = go[0]!;
      queue.delete(p.id);
      const task = byId.get(p.id)!;
      const had = recordsForTask(task, w.history).length;
      // This task's planned part of the time left.
      const rest = go.reduce((s, q) => s + q.seconds, 0);
      const taskDeadline =
        w.deadline !== undefined
          ? Date.now() + Math.max(0, w.deadline - Date.now()) * (rest > 0 ? p.seconds / rest : 1)
          : undefined;
      const t0 = performance.now();
      const r = await w.runTask(task, had + p.trials, taskDeadline);
      const n = r.trials - had;
      if (n > 0) {
        const perTrial = (performance.now() - t0) / 1000 / n;
        spentS += perTrial * n;
        estimatedS += (p.trials > 0 ? p.seconds / p.trials : perTrial) * n;
        measuredTrialS.set(p.id, perTrial);
      }
      measured += n;
      if (r.exhausted || r.stoppedEarly) done.add(p.id);
      go = planFor(queue).filter((q) => q.trials > 0);
    }
    if (w.deadline === undefined || measured === 0) break;
  }
  // Every task in the summary: those given no trials with what the log holds for them.
  for (const task of w.tasks) {
    const mine = recordsForTask(task, w.history);
    const had = before.get(task.id) ?? 0;
    const entry = w.ledger.get(task.id);
    if (entry) {
      w.ledger.set(task.id, { task, result: { ...entry.result, resumed: had } });
      continue;
    }
    let bestIndex: number | undefined;
    let bestCostMs = Number.POSITIVE_INFINITY;
    for (const p of mine)
      if (meanCost(p.result) < bestCostMs) {
        bestCostMs = meanCost(p.result);
        bestIndex = p.index;
      }
    w.ledger.set(task.id, {
      task,
      result: {
        bestIndex,
        bestCostMs,
        trials: mine.length,
        resumed: had,
        seeded: 0,
        stoppedEarly: false,
        exhausted: false,
        // Given no trials by the plan it kept its fallback; not even that measured: the limit came first.
        timedOut: mine.length === 0 && past(),
      },
    });
  }
}
