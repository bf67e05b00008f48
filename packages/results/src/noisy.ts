import type { BenchRun } from './run-schema.js';

/**
 * Why a run's figures may be wrong because the machine was busy: one line per noisy row and for noisy
 * measured roofs. Empty for a quiet run (and for files from before quietness was recorded: nothing to say).
 */
export function noisyReasons(run: BenchRun): string[] {
  const out: string[] = [];
  for (const row of run.rows) {
    if (row.quietness?.noisy) out.push(`row ${row.id}: ${row.quietness.reason ?? 'noisy'}`);
  }
  const roofs = run.provenance.device.measured?.quietness;
  if (roofs?.noisy) out.push(`measured roofs: ${roofs.reason ?? 'noisy'}`);
  return out;
}
