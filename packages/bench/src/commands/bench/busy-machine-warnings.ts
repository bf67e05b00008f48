import { type BenchRun, type BenchRunInput, noisyReasons } from '@unet3d/results';

/**
 * The lines `unet3d bench` prints last, on stderr: one per row measured on a busy machine and one for noisy
 * measured roofs (noisyReasons), e.g. 'unet3d bench: warning: measured on a busy machine — row scaled-tvm-cpu:
 * other processes held 97% of 2 CPUs (load average 3.9; threshold 15%)'. None for a quiet run.
 */
export function busyMachineWarnings(run: BenchRunInput): string[] {
  // noisyReasons reads only ids and quietness, which the input and the parsed run share.
  return noisyReasons(run as BenchRun).map((r) => `unet3d bench: warning: measured on a busy machine — ${r}`);
}
