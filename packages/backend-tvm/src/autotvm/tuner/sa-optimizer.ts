import type { SeededRng as Rng } from '@unet3d/core';
import type { ConfigSpace } from '../space.js';

export interface SaOptions {
  parallel: number;
  steps: number;
  /** Stop when the top list has not changed for this many steps. */
  earlyStop: number;
  tempStart: number;
  tempEnd: number;
}

export const DEFAULT_SA: SaOptions = { parallel: 128, steps: 120, earlyStop: 40, tempStart: 1, tempEnd: 0 };

/**
 * AutoTVM's SimulatedAnnealingOptimizer: walks `parallel` chains over the space guided by a (model) score,
 * keeps the `k` best-scored valid configs not in `exclude`. Higher score is better.
 */
export function simulatedAnnealing(
  space: ConfigSpace,
  score: (indices: readonly number[]) => number[],
  k: number,
  exclude: ReadonlySet<number>,
  rng: Rng,
  starts: readonly number[] = [],
  options: Partial<SaOptions> = {},
): number[] {
  const o = { ...DEFAULT_SA, ...options };
  let points: number[] = [...starts.slice(0, o.parallel)];
  while (points.length < o.parallel) {
    const i = space.randomValid(rng);
    if (i === undefined) break;
    points.push(i);
  }
  if (points.length === 0) return [];
  let scores = score(points);
  const top = new Map<number, number>();
  const offer = (i: number, s: number): boolean => {
    if (exclude.has(i) || top.has(i) || !space.isValid(i)) return false;
    if (top.size < k) {
      top.set(i, s);
      return true;
    }
    let worstI = -1;
    let worstS = Number.POSITIVE_INFINITY;
    for (const [ti, ts] of top) {
      if (ts < worstS) {
        worstS = ts;
        worstI = ti;
      }
    }
    if (s <= worstS) return false;
    top.delete(worstI);
    top.set(i, s);
    return true;
  };
  points.forEach((p, j) => {
    offer(p, scores[j]!);
  });
  let quiet = 0;
  for (let step = 0; step < o.steps && quiet < o.earlyStop; step++) {
    const t = o.tempStart + ((o.tempEnd - o.tempStart) * step) / Math.max(1, o.steps - 1);
    const proposals = points.map((p) => {
      for (let tries = 0; tries < 8; tries++) {
        const q = space.mutate(p, rng);
        if (space.isValid(q)) return q;
      }
      return p;
    });
    const ps = score(proposals);
    let changed = false;
    points = points.map((p, j) => {
      const d = ps[j]! - scores[j]!;
      const accept = d >= 0 || (t > 1e-9 && rng.next() < Math.exp(d / t));
      if (offer(proposals[j]!, ps[j]!)) changed = true;
      if (accept) {
        scores[j] = ps[j]!;
        return proposals[j]!;
      }
      return p;
    });
    scores = [...scores];
    quiet = changed ? 0 : quiet + 1;
  }
  return [...top.entries()].sort((a, b) => b[1] - a[1]).map(([i]) => i);
}
