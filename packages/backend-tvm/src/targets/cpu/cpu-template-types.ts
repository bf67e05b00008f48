import type { Knob, KnobValues } from '../../config/knob.js';
import type { GemmConvProblem } from '../../templates/problem.js';

/**
 * The CPU's limits a config must respect: vector widths the CPU has (floats per SIMD register) and its
 * SIMD register count (32 with AVX-512, 16 with AVX2/SSE, 32 on NEON).
 */
export interface CpuLimits {
  readonly vectorWidths: readonly number[];
  readonly registers: number;
  readonly threads: number;
}

/**
 * One generated C kernel: `void <name>(const float* A, const float* B, float* C)` with A, B, C the
 * problem's operands in kernel argument order (GemmConvProblem), NCDHW float32, C fully overwritten, and
 * `void <name>_release(void)` freeing its scratch buffers. Built as a shared object with OpenMP; calls must
 * be serialised (the scratch is per shared object).
 */
export interface CpuKernelSource {
  readonly name: string;
  readonly source: string;
  readonly flags: readonly string[];
}

export interface CpuConvTemplate {
  readonly name: 'cpu-direct' | 'cpu-wgrad2';
  knobs(problem: GemmConvProblem, limits: CpuLimits): Knob[];
  validate(problem: GemmConvProblem, values: KnobValues, limits: CpuLimits): string | undefined;
  generate(problem: GemmConvProblem, values: KnobValues, name: string): CpuKernelSource;
  /** AutoTVM's fallback config for the problem (valid under `limits`). */
  fallback(problem: GemmConvProblem, limits: CpuLimits): KnobValues;
}
