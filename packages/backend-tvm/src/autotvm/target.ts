import type { DeviceKind, MathMode } from '@unet3d/core';
import type { Knob, KnobValues } from '../config/knob.js';
import type { GemmConvProblem } from '../templates/problem.js';

export type TargetName = 'cuda' | 'cpu';

/**
 * A template of a target: the knobs of a problem, which configs can run under the target's limits, and the
 * code generated for a config (`S`: a CUDA kernel launch, or a C function for the CPU). AutoTVM's template.
 */
export interface TargetTemplate<L = unknown, S = unknown> {
  readonly name: string;
  knobs(problem: GemmConvProblem, precision: MathMode, limits: L): Knob[];
  /** Why the config cannot be built or run under `limits`, or undefined. */
  validate(problem: GemmConvProblem, precision: MathMode, values: KnobValues, limits: L): string | undefined;
  generate(problem: GemmConvProblem, precision: MathMode, values: KnobValues, name: string): S;
  /** AutoTVM's fallback config of a workload (used where no tuning record exists), when the template has one. */
  fallback?(problem: GemmConvProblem, limits: L): KnobValues;
}

/**
 * A tuning target: its templates and the device's limits (pure, no device opened). Its builder and runner
 * (which need a compiler, a device, child processes) are created by the target's measurer factory
 * (`createCpuMeasurer`, `createCudaMeasurer`), loaded lazily so CPU users never load GPU code.
 */
export interface TargetSpec<L = unknown, S = unknown> {
  readonly name: TargetName;
  readonly deviceKind: DeviceKind;
  readonly limits: L;
  templateFor(problem: GemmConvProblem, precision: MathMode): TargetTemplate<L, S>;
}
