import type { ConfigSpace } from './space.js';
import type { TuningTask } from './task.js';

/** Knob features (AutoTVM's `knob` feature type): log2(1 + value) per knob. */
export function knobFeatures(space: ConfigSpace, index: number): number[] {
  const v = space.decode(index);
  return space.knobs.map((k) => Math.log2(1 + v[k.name]!));
}

export function knobFeaturesOf(space: ConfigSpace, values: Readonly<Record<string, number>>): number[] {
  return space.knobs.map((k) => Math.log2(1 + (values[k.name] ?? 0)));
}

const KINDS = ['gather', 'fractional', 'wgrad'];

/** Workload features: log2 of the GEMM sizes and the problem kind (one-hot), so samples transfer. */
export function gemmFeatures(kind: string, m: number, n: number, k: number): number[] {
  return [Math.log2(m), Math.log2(n), Math.log2(k), ...KINDS.map((x) => (x === kind ? 1 : 0))];
}

export function taskWorkloadFeatures(task: TuningTask): number[] {
  const p = task.problem;
  return gemmFeatures(p.kind, p.gemmM, p.gemmN, p.gemmK);
}
