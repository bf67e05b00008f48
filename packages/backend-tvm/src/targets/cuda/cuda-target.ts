import type { MathMode } from '@unet3d/core';
import type { TargetSpec, TargetTemplate } from '../../autotvm/target.js';
import type { GemmConvProblem } from '../../templates/problem.js';
import { templateForPrecision } from '../../templates/registry.js';
import { DEFAULT_LIMITS, type DeviceLimits, type KernelSource } from '../../templates/template.js';

/** The CUDA target: SIMT (fp32) and WMMA (tf32/bf16) templates under a GPU's launch limits. */
export function cudaTarget(limits: DeviceLimits = DEFAULT_LIMITS): TargetSpec<DeviceLimits, KernelSource> {
  return {
    name: 'cuda',
    deviceKind: 'cuda',
    limits,
    templateFor: (_p: GemmConvProblem, precision: MathMode): TargetTemplate<DeviceLimits, KernelSource> =>
      templateForPrecision(precision),
  };
}
