import { errorToOneLine } from '@unet3d/core';
import { type BenchRun, loadResults } from '@unet3d/results';

/** Load every file; invalid ones give one line each (missing, corrupt, other schema version, violations). */
export async function loadAll(paths: readonly string[]): Promise<{ runs: BenchRun[]; errors: string[] }> {
  const settled = await Promise.allSettled(paths.map((p) => loadResults(p)));
  const runs: BenchRun[] = [];
  const errors: string[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') runs.push(s.value);
    else errors.push(errorToOneLine(s.reason));
  }
  return { runs, errors };
}

/** Print load errors the way the CLI prints any known error. */
export function printErrors(errors: readonly string[], err: (s: string) => void): void {
  for (const e of errors) err(`unet3d: error: ${e}\n`);
}
