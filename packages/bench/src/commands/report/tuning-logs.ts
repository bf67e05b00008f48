import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TuningTrial } from '@unet3d/report';
import { type BenchRun, deviceSlug, readLog } from '@unet3d/results';

/**
 * The tuned backend's logs for a run's device: results/tuning/<device-slug>/*.jsonl (the `.best.jsonl`
 * summaries excluded), read with @unet3d/results' tuning-log reader (no backend loaded). None (or no tuning folder) → undefined.
 */
export async function tuningLogsFor(
  resultsRoot: string,
  run: BenchRun,
): Promise<{ records: TuningTrial[]; sources: string[] } | undefined> {
  const { device } = run.provenance;
  const slug = deviceSlug({ kind: device.kind, name: device.name, cores: device.cores ?? undefined });
  const dir = join(resultsRoot, 'tuning', slug);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl') && !n.endsWith('.best.jsonl')).sort();
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const records: TuningTrial[] = [];
  for (const name of names) records.push(...readLog(join(dir, name)).records);
  return { records, sources: names.map((n) => join(dir, n)) };
}
