import { type BenchRun, noisyReasons } from '@unet3d/results';

/** The marker Table 1 puts beside the time of a row measured on a busy machine. */
export const BUSY_MARK = '⚠ busy machine';

/**
 * The banner report.md opens with when any row or the measured roofs were measured on a busy machine (other
 * processes or a hypervisor held more of the CPUs than the threshold: `noisyReasons`), one reason per line;
 * no lines for a quiet run or a file from before quietness was recorded.
 */
export function busyMachineBanner(run: BenchRun): string[] {
  const reasons = noisyReasons(run);
  if (reasons.length === 0) return [];
  return [
    `> **Measured on a busy machine:** other work held the CPUs while ${reasons.length === 1 ? 'this was' : 'these were'} measured, so the times below may be slower, and the measured roofs lower, than this machine can do. Measure again on a quiet machine before comparing.`,
    '>',
    ...reasons.map((r) => `> - ${r}`),
    '',
  ];
}
