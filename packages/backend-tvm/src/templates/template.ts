import type { MathMode } from '@unet3d/core';
import type { Knob, KnobValues } from '../config/knob.js';
import type { GemmConvProblem } from './problem.js';

/** Limits a config must respect on the target device. */
export interface DeviceLimits {
  readonly maxThreadsPerBlock: number;
  /** Dynamic shared memory a block may use: 48 KiB without opt-in, 227 KiB on sm_90 with opt-in. */
  readonly maxSharedBytesPerBlock: number;
  /** Compute capability as major·10 + minor, e.g. 90. */
  readonly arch: number;
}

export const DEFAULT_LIMITS: DeviceLimits = {
  maxThreadsPerBlock: 1024,
  maxSharedBytesPerBlock: 48 * 1024,
  arch: 90,
};

/**
 * One generated kernel launch. Arguments are always (const float* A, const float* B, float* C) with
 * A, B, C as in GemmConvProblem; `zeroOutput` means C must be zeroed before the launch (split-K atomics).
 */
export interface KernelSource {
  readonly name: string;
  /** Complete translation unit; several may be concatenated into one file (the prelude is include-guarded). */
  readonly source: string;
  readonly grid: readonly [number, number, number];
  readonly block: readonly [number, number, number];
  readonly sharedBytes: number;
  readonly zeroOutput: boolean;
  /** Headers the source includes (mma.h, cuda_bf16.h), so a compiler can pass the CUDA include path. */
  readonly includes: readonly string[];
}

export type TemplateName = 'simt' | 'wmma';

export interface ConvTemplate {
  readonly name: TemplateName;
  knobs(problem: GemmConvProblem, precision: MathMode): Knob[];
  /** Reason the config cannot be built or launched, or undefined. */
  validate(
    problem: GemmConvProblem,
    precision: MathMode,
    values: KnobValues,
    limits: DeviceLimits,
  ): string | undefined;
  generate(problem: GemmConvProblem, precision: MathMode, values: KnobValues, name: string): KernelSource;
}

export const PRELUDE = `#ifndef UNET3D_TVM_PRELUDE
#define UNET3D_TVM_PRELUDE
#define DIV(a, b) ((a) / (b))
#endif
`;

export function knob(values: KnobValues, name: string): number {
  const v = values[name];
  if (v === undefined) throw new Error(`config has no knob '${name}'`);
  return v;
}

export const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);
