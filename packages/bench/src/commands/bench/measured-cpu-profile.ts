import { errorToOneLine } from '@unet3d/core';
import { type CpuProfile, measureCpuProfile } from '@unet3d/native';
import type { MeasuredCpuProfile } from '@unet3d/results';

/** How the measured roofs were obtained; the report prints it beside the roof. */
export const MEASURED_PROFILE_METHOD = 'measured (FMA loop / copy loop)';

/** A measureCpuProfile() result as the results file records it (pure). */
export function toMeasuredCpuProfile(p: CpuProfile): MeasuredCpuProfile {
  const features: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(p.features)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') features[k] = v;
  }
  return {
    method: MEASURED_PROFILE_METHOD,
    peakFp32FlopsPerSecond: p.peakFp32FlopsPerSec,
    copyBytesPerSecond: p.bandwidthBytesPerSec.copy,
    readBytesPerSecond: p.bandwidthBytesPerSec.read,
    triadBytesPerSecond: p.bandwidthBytesPerSec.triad,
    bufferBytes: p.bufferBytes,
    threads: p.threads,
    compiler: p.compiler,
    features,
  };
}

/**
 * Measure this CPU's roofs once for a bench run (in the parent process, after the rows, so the loops do not
 * compete with a measured row). Without a working C compiler: null and a one-line note saying why.
 */
export async function measureRunCpuProfile(): Promise<{
  measured: MeasuredCpuProfile | null;
  note?: string;
}> {
  try {
    return { measured: toMeasuredCpuProfile(await measureCpuProfile()) };
  } catch (err) {
    return { measured: null, note: `CPU profile (peak, bandwidth) not measured: ${errorToOneLine(err)}` };
  }
}
