/** TEST FIXTURE ONLY: a schema-valid Quietness, not a reading of any machine. */
import { type Quietness, QuietnessSchema } from '@unet3d/results';

/**
 * A quietness as the monitor records it on 2 CPUs with `otherCpuShare` of them held by other processes (load
 * average 3.9, threshold 15%): noisy above the threshold, with the monitor's reason line.
 */
export function quietness(otherCpuShare: number): Quietness {
  const reading = {
    loadAverage1m: 3.9,
    otherCpuShare,
    stealShare: 0,
    intervalS: 40,
    governor: null,
    clockMHz: 2096,
  };
  const noisy = otherCpuShare > 0.15;
  return QuietnessSchema.parse({
    method: 'test fixture',
    thresholdShare: 0.15,
    before: reading,
    during: reading,
    noisy,
    reason: noisy
      ? `other processes held ${Math.round(otherCpuShare * 100)}% of 2 CPUs (load average 3.9; threshold 15%)`
      : null,
  });
}
