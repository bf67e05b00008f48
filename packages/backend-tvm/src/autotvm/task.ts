import { createHash } from 'node:crypto';
import {
  type ConvPass,
  type ConvWorkload,
  convOutputShape,
  convWorkloadKey,
  type MathMode,
  numel,
} from '@unet3d/core';
import type { KnobValues } from '../config/knob.js';
import { type GemmConvProblem, gemmProblem } from '../templates/problem.js';
import { ConfigSpace } from './space.js';
import type { TargetName, TargetSpec, TargetTemplate } from './target.js';

/**
 * AutoTVM's Task: one conv workload, one pass, one precision, bound to a target's template and its config
 * space. `S` is what the template generates (a CUDA launch, a C function). Pure: creating a task touches no
 * device.
 */
export interface TuningTask<S = unknown> {
  readonly workload: ConvWorkload;
  readonly workloadKey: string;
  readonly pass: ConvPass;
  readonly precision: MathMode;
  readonly problem: GemmConvProblem;
  readonly target: TargetName;
  readonly template: TargetTemplate<unknown, S>;
  readonly limits: unknown;
  readonly space: ConfigSpace;
  /** Useful FLOP of the convolution (2 per multiply-accumulate), for GFLOP/s. */
  readonly flop: number;
  /** `${workloadKey}|${pass}|${precision}` */
  readonly id: string;
}

/** A task of a workload and pass on a target (its template and limits). */
export function createTask<L, S>(
  workload: ConvWorkload,
  pass: ConvPass,
  precision: MathMode,
  target: TargetSpec<L, S>,
): TuningTask<S> {
  const spec = target as unknown as TargetSpec<unknown, S>;
  const problem = gemmProblem(workload, pass);
  const template = spec.templateFor(problem, precision);
  const limits = spec.limits;
  const space = new ConfigSpace(template.knobs(problem, precision, limits), (v) =>
    template.validate(problem, precision, v, limits),
  );
  const key = convWorkloadKey(workload);
  // Useful FLOP of the conv (the same for every pass): 2 × voxels of the non-transposed side × Cin·Cout·kvol.
  const kv = workload.spec.kernel[0] * workload.spec.kernel[1] * workload.spec.kernel[2];
  const small = workload.spec.transposed ? workload.input : convOutputShape(workload);
  const convMacs = numel(small) * (workload.spec.transposed ? workload.outChannels : workload.input[1]) * kv;
  return {
    workload,
    workloadKey: key,
    pass,
    precision,
    problem,
    target: spec.name,
    template,
    limits,
    space,
    flop: 2 * convMacs,
    id: `${key}|${pass}|${precision}`,
  };
}

/** Deterministic kernel name for a config of a task (C identifier). */
export function kernelName(task: TuningTask, index: number): string {
  const h = createHash('sha1').update(task.id).update(task.space.fingerprint).digest('hex').slice(0, 10);
  return `tvm_${task.template.name.replace(/[^A-Za-z0-9]/g, '_')}_${h}_${index}`;
}

export function instantiate<S>(task: TuningTask<S>, index: number): { values: KnobValues; kernel: S } {
  const values = task.space.decode(index);
  const reason = task.space.invalidReason(index);
  if (reason) throw new Error(`invalid config ${index}: ${reason}`);
  return {
    values,
    kernel: task.template.generate(task.problem, task.precision, values, kernelName(task, index)),
  };
}
