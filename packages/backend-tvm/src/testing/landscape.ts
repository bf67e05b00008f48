import { MeasureErrorNo, type MeasureResult } from '../autotvm/measure-error.js';
import { ConfigSpace } from '../autotvm/space.js';
import type { Tuner, TunerTarget } from '../autotvm/tuner/tuner.js';

/**
 * Known synthetic cost landscapes over a mixed-radix space (tests and tuner benchmarks): a separable bowl
 * with a pairwise interaction and a validity constraint, optimum cost 1 at `optimum`.
 */
export interface Landscape {
  readonly space: ConfigSpace;
  readonly cost: (index: number) => number;
  readonly optimumCost: number;
}

export function bowlLandscape(radix = 8, optimum: readonly number[] = [5, 2, 6, 3, 1, 4]): Landscape {
  const knobs = optimum.map((_, k) => ({
    name: `k${k}`,
    values: Array.from({ length: radix }, (_, i) => 2 ** i),
  }));
  const weights = [1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.2];
  const digitsOf = (v: Readonly<Record<string, number>>): number[] =>
    optimum.map((_, k) => Math.log2(v[`k${k}`]!));
  // Invalid: the first two knobs together too large (like tile_m·tile_n beyond a thread limit).
  const space = new ConfigSpace(knobs, (v) => {
    const d = digitsOf(v);
    return d[0]! + d[1]! > radix + 1 ? 'k0 + k1 too large' : undefined;
  });
  const r2 = (radix - 1) ** 2;
  const cost = (index: number): number => {
    const d = space.digits(index);
    let pen = 0;
    d.forEach((x, k) => {
      pen += ((weights[k] ?? 0.2) * (x - optimum[k]!) ** 2) / r2;
    });
    const inter = d[0]! - d[1]! - (optimum[0]! - optimum[1]!);
    pen += (0.3 * inter * inter) / r2;
    // A ripple so the landscape is not a pure quadratic (local structure a model must learn).
    pen += 0.02 * ((d[2]! + d[3]! + optimum[2]! + optimum[3]!) % 2);
    return 1 + pen;
  };
  return { space, cost, optimumCost: 1 };
}

export function landscapeTarget(l: Landscape): TunerTarget {
  return { space: l.space, workloadFeatures: [] };
}

/** Run a tuner for `budget` trials on a landscape; returns the best cost found. */
export function searchLandscape(l: Landscape, tuner: Tuner, budget: number, batch = 8): number {
  let trials = 0;
  while (trials < budget) {
    const idx = tuner.nextBatch(Math.min(batch, budget - trials));
    if (idx.length === 0) break;
    const results: MeasureResult[] = idx.map((i) => ({
      costsMs: l.space.isValid(i) ? [l.cost(i)] : [],
      error: l.space.isValid(i) ? MeasureErrorNo.NO_ERROR : MeasureErrorNo.INSTANTIATION_ERROR,
      allCostS: 0,
      timestamp: '',
    }));
    tuner.update(idx, results);
    trials += idx.length;
  }
  return tuner.bestCost;
}
