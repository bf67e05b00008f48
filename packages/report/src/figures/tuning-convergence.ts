import type { TopLevelSpec } from 'vega-lite';
import { messageFigure } from './placeholder.js';
import { PASS_COLORS, topLevel } from './theme.js';

/** The fields of a tuning record (backend-tvm's JSON-lines log) this figure needs. */
export interface TuningTrial {
  readonly workload: string;
  readonly pass: string;
  readonly precision: string;
  /** GEMM view of the problem: FLOP = 2·m·n·k. */
  readonly gemm: { readonly m: number; readonly n: number; readonly k: number };
  readonly costsMs: readonly number[];
  /** 0 = measured correctly (AutoTVM's MeasureErrorNo.NO_ERROR). */
  readonly error: number;
  readonly timestamp: string;
}

export interface ConvergencePoint {
  readonly task: string;
  readonly workload: string;
  readonly pass: string;
  readonly trial: number;
  /** Best GFLOP/s found up to and including this trial (1 MAC = 2 FLOP). */
  readonly bestGflops: number;
}

export interface ConvergenceSummary {
  readonly points: ConvergencePoint[];
  readonly tasks: number;
  readonly trials: number;
  /** Wall time from the first to the last record, seconds. */
  readonly tuningSeconds: number;
}

/** Best-so-far GFLOP/s against trial number, per (workload, pass), in log order. Failed trials count as trials. */
export function convergence(records: readonly TuningTrial[]): ConvergenceSummary {
  const byTask = new Map<string, { pass: string; trial: number; best: number }>();
  const points: ConvergencePoint[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    const t = Date.parse(r.timestamp);
    if (Number.isFinite(t)) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    const task = `${r.workload} ${r.pass} ${r.precision}`;
    const state = byTask.get(task) ?? { pass: r.pass, trial: 0, best: 0 };
    state.trial += 1;
    const cost = r.costsMs.length ? r.costsMs.reduce((a, b) => a + b, 0) / r.costsMs.length : Number.NaN;
    if (r.error === 0 && cost > 0) {
      const gflops = (2 * r.gemm.m * r.gemm.n * r.gemm.k) / (cost * 1e6);
      state.best = Math.max(state.best, gflops);
    }
    byTask.set(task, state);
    if (state.best > 0)
      points.push({ task, workload: r.workload, pass: r.pass, trial: state.trial, bestGflops: state.best });
  }
  const trials = [...byTask.values()].reduce((s, v) => s + v.trial, 0);
  return {
    points,
    tasks: byTask.size,
    trials,
    tuningSeconds: Number.isFinite(first) && last >= first ? (last - first) / 1000 : 0,
  };
}

/** The search's convergence: one line per tuned (workload, pass), one panel per pass. */
export function tuningConvergenceSpec(summary: ConvergenceSummary, subtitle: string): TopLevelSpec {
  if (summary.points.length === 0) {
    return messageFigure('Tuning convergence', 'the tuning logs hold no successful trial');
  }
  const passes = Object.keys(PASS_COLORS).filter((p) => summary.points.some((d) => d.pass === p));
  return topLevel({
    title: {
      text: 'Tuning convergence — best GFLOP/s found vs trials, per conv workload',
      subtitle: `${subtitle}; ${summary.tasks} tasks, ${summary.trials} trials, ${(summary.tuningSeconds / 60).toFixed(1)} min of tuning`,
    },
    data: { values: summary.points },
    facet: { column: { field: 'pass', type: 'nominal', sort: passes, title: null } },
    spec: {
      width: 300,
      height: 220,
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'trial', type: 'quantitative', title: 'trials' },
        y: { field: 'bestGflops', type: 'quantitative', title: 'best GFLOP/s (1 MAC = 2 FLOP)' },
        color: { field: 'workload', type: 'nominal', legend: null },
        detail: { field: 'task', type: 'nominal' },
        tooltip: [{ field: 'task' }, { field: 'trial' }, { field: 'bestGflops', format: '.4~g' }],
      },
    },
  });
}
