import type { KnobValues } from './space.js';
import type { TuningTask } from './task.js';

/** Hand-picked starting points per template (a reasonable untuned kernel): the template's own fallback when it has one. */
function preferred(task: TuningTask): Record<string, number> {
  if (task.template.fallback) return { ...task.template.fallback(task.problem, task.limits) };
  const split = task.problem.kind === 'wgrad' ? 16 : 1;
  if (task.template.name === 'wmma') {
    return { tile_m: 64, tile_n: 64, warps_m: 2, warps_n: 2, k_steps: 2, split_k: split, skew: 8 };
  }
  return {
    tile_m: 64,
    tile_n: 64,
    thread_m: 4,
    thread_n: 4,
    tile_k: 8,
    split_k: split,
    stage_a: 1,
    stage_b: 1,
    unroll: 1,
    vec: 4,
  };
}

/**
 * AutoTVM's fallback config where no tuning record exists: the valid config nearest (in log2 distance over knobs)
 * to the template's preferred one. Deterministic; scans the whole space (≤ a few 10^5 configs).
 */
export function defaultConfig(task: TuningTask): { index: number; values: KnobValues } {
  const space = task.space;
  const want = preferred(task);
  const exact = space.encode(want);
  if (exact !== undefined && space.isValid(exact)) return { index: exact, values: space.decode(exact) };
  const target = space.knobs.map((k) => Math.log2(1 + (want[k.name] ?? k.values[0]!)));
  let best = -1;
  let bestD = Number.POSITIVE_INFINITY;
  for (let i = 0; i < space.size; i++) {
    const digits = space.digits(i);
    let d = 0;
    for (let k = 0; k < digits.length; k++) {
      d += Math.abs(Math.log2(1 + space.knobs[k]!.values[digits[k]!]!) - target[k]!);
    }
    if (d < bestD && space.isValid(i)) {
      bestD = d;
      best = i;
    }
  }
  if (best < 0) throw new Error(`task ${task.id} has no valid config`);
  return { index: best, values: space.decode(best) };
}
