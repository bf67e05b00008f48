import type { MathMode } from '@unet3d/core';
import { ConfigError } from '@unet3d/core';
import { detectCpuFeatures } from '@unet3d/native';
import type { TargetSpec, TargetTemplate } from '../../autotvm/target.js';
import type { GemmConvProblem } from '../../templates/problem.js';
import { type CpuKernelSource, type CpuLimits, cpuTemplateFor } from './cpu-template.js';

/** What the CPU target needs to know of the CPU (a subset of @unet3d/native's CpuFeatures). */
export interface CpuFeatureFacts {
  readonly vectorWidthFp32: number;
  readonly avx512f: boolean;
  readonly neon: boolean;
  readonly cores: number;
}

/**
 * Limits from detected features: vector widths up to the widest unit (4 = SSE/NEON, 8 = AVX, 16 = AVX-512),
 * 32 SIMD registers with AVX-512 or NEON, else 16.
 */
export function cpuLimitsFromFeatures(f: CpuFeatureFacts): CpuLimits {
  return {
    vectorWidths: [4, 8, 16].filter((w) => w <= f.vectorWidthFp32),
    registers: f.avx512f || f.neon ? 32 : 16,
    threads: f.cores,
  };
}

/** The CPU target: generated C (direct convolution and weight gradient), fp32 only. */
export function cpuTarget(limits: CpuLimits): TargetSpec<CpuLimits, CpuKernelSource> {
  return {
    name: 'cpu',
    deviceKind: 'cpu',
    limits,
    templateFor(p: GemmConvProblem, precision: MathMode): TargetTemplate<CpuLimits, CpuKernelSource> {
      if (precision !== 'fp32')
        throw new ConfigError(`the CPU target tunes fp32 only, got '${precision}'`, 'use --precision fp32');
      const t = cpuTemplateFor(p);
      return {
        name: t.name,
        knobs: (problem, _prec, l) => t.knobs(problem, l),
        validate: (problem, _prec, values, l) => t.validate(problem, values, l),
        generate: (problem, _prec, values, name) => t.generate(problem, values, name),
        fallback: (problem, l) => t.fallback(problem, l),
      };
    },
  };
}

/**
 * This CPU's identity slug (e.g. `cpu-amd-zen4-avx512-2c`, after any UNET3D_CPU_FEATURES override): the folder
 * of its tuning logs and what its records' `device` field says. From detected features: opens no device.
 */
export function cpuSlug(): string {
  return detectCpuFeatures().slug;
}
