import type { TuningTrial } from '@unet3d/report';
import { type BenchRun, deviceFolderSlug, readLog } from '@unet3d/results';

/**
 * The identity whose tuning logs a run's tuned backend applied: the slug its row recorded
 * (`backendDetails.configSources`: the `--tuning-from` identity, else this CPU's), else the run's device
 * folder (its identity's slug; the model-name slug of a run from before identities).
 */
export function tuningSlugOf(run: BenchRun): string {
  for (const row of run.rows) {
    const sources = row.backendDetails['configSources'] as { here?: unknown; from?: unknown } | undefined;
    if (typeof sources?.from === 'string') return sources.from;
    if (typeof sources?.here === 'string') return sources.here;
  }
  return deviceFolderSlug(run.provenance.device);
}

/**
 * The tuned backend's logs for a run: results/tuning/<tuningSlugOf(run)>/*.jsonl, found by
 * @unet3d/backend-tvm's finder (folders only, no backend loaded) and read with @unet3d/results' reader.
 * None, no tuning folder, or no @unet3d/backend-tvm installed → undefined.
 */
export async function tuningLogsFor(
  resultsRoot: string,
  run: BenchRun,
): Promise<{ records: TuningTrial[]; sources: string[] } | undefined> {
  let finder: typeof import('@unet3d/backend-tvm/tuning-logs');
  try {
    finder = await import('@unet3d/backend-tvm/tuning-logs');
  } catch {
    return undefined;
  }
  const sources = finder.tuningLogsOf(resultsRoot, tuningSlugOf(run));
  if (sources.length === 0) return undefined;
  const records: TuningTrial[] = [];
  for (const path of sources) records.push(...readLog(path).records);
  return { records, sources };
}
