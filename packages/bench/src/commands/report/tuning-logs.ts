import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TuningTrial } from '@unet3d/report';
import { type BenchRun, deviceFolderSlug, deviceSlug, readLog } from '@unet3d/results';

/** The `*.jsonl` tuning logs in a folder (the `.best.jsonl` summaries excluded), sorted; [] when none. */
async function logsIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.jsonl') && !n.endsWith('.best.jsonl')).sort();
  } catch {
    return [];
  }
}

/**
 * The tuned backend's logs for a run's device: results/tuning/<identity slug>/*.jsonl, where `tune` writes
 * them (e.g. nvidia-h100-80gb-hbm3-sm90, cpu-amd-zen5-avx512-2c), else the older name-based folder
 * (e.g. cpu-amd-epyc-2c); read with @unet3d/results' tuning-log reader (no backend loaded). None (or no
 * tuning folder) → undefined.
 */
export async function tuningLogsFor(
  resultsRoot: string,
  run: BenchRun,
): Promise<{ records: TuningTrial[]; sources: string[] } | undefined> {
  const { device } = run.provenance;
  const slugs = new Set([
    deviceFolderSlug(device),
    deviceSlug({ kind: device.kind, name: device.name, cores: device.cores ?? undefined }),
  ]);
  let dir = '';
  let names: string[] = [];
  for (const slug of slugs) {
    dir = join(resultsRoot, 'tuning', slug);
    names = await logsIn(dir);
    if (names.length > 0) break;
  }
  if (names.length === 0) return undefined;
  const records: TuningTrial[] = [];
  for (const name of names) records.push(...readLog(join(dir, name)).records);
  return { records, sources: names.map((n) => join(dir, n)) };
}
