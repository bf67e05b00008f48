import type { ConvPass, ConvWorkload } from '@unet3d/core';

/** One config to time in the CPU measure worker: a built shared object and its entry point. */
export interface CpuMeasureRequest {
  readonly taskId: string;
  readonly workload: ConvWorkload;
  readonly pass: ConvPass;
  readonly soPath: string;
  readonly fn: string;
  /** Timing rounds after one warm-up; each round's cost is its fastest run (a round lasts ≥ 25 ms). */
  readonly repeats: number;
  /** Compare the first run with the float64 reference (full for small tasks, sampled otherwise). */
  readonly check: boolean;
  readonly tolerance: number;
  readonly seed: number;
}

export type CpuMeasureReply =
  | { readonly ok: true; readonly costsMs: readonly number[]; readonly maxRelError?: number }
  | { readonly ok: false; readonly error: 'WRONG_ANSWER' | 'RUNTIME_DEVICE'; readonly message: string };
