import { createHash } from 'node:crypto';
import {
  type ConvPass,
  type ConvWorkload,
  convOutputShape,
  convWorkloadKey,
  type MathMode,
  numel,
} from '@unet3d/core';
import { type GemmConvProblem, gemmProblem } from '../templates/problem.js';
import { templateForPrecision } from '../templates/registry.js';
import {
  type ConvTemplate,
  DEFAULT_LIMITS,
  type DeviceLimits,
  type KernelSource,
} from '../templates/template.js';
import { ConfigSpace, type KnobValues } from './space.js';

/**
 * AutoTVM's Task: one conv workload, one pass, one precision, bound to a template and its config space.
 * Everything here is pure: creating a task touches no device.
 */
export interface TuningTask {
  readonly workload: ConvWorkload;
  readonly workloadKey: string;
  readonly pass: ConvPass;
  readonly precision: MathMode;
  readonly problem: GemmConvProblem;
  readonly template: ConvTemplate;
  readonly limits: DeviceLimits;
  readonly space: ConfigSpace;
  /** Multiply-accumulates of the convolution (2 FLOP each) for GFLOP/s. */
  readonly flop: number;
  /** `${workloadKey}|${pass}|${precision}` */
  readonly id: string;
}

export function createTask(
  workload: ConvWorkload,
  pass: ConvPass,
  precision: MathMode,
  limits: DeviceLimits = DEFAULT_LIMITS,
): TuningTask {
  const problem = gemmProblem(workload, pass);
  const template = templateForPrecision(precision);
  const space = new ConfigSpace(template.knobs(problem, precision), (v) =>
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
  return `tvm_${task.template.name}_${h}_${index}`;
}

export function instantiate(task: TuningTask, index: number): { values: KnobValues; kernel: KernelSource } {
  const values = task.space.decode(index);
  const reason = task.space.invalidReason(index);
  if (reason) throw new Error(`invalid config ${index}: ${reason}`);
  return {
    values,
    kernel: task.template.generate(task.problem, task.precision, values, kernelName(task, index)),
  };
}
